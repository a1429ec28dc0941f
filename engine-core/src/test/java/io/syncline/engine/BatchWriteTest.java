package io.syncline.engine;

import static io.syncline.engine.Fixtures.client;
import static io.syncline.engine.Fixtures.engine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.spi.ApplyResult;
import io.syncline.spi.RecordId;
import io.syncline.spi.WriteSet;
import io.syncline.store.memory.MemoryStore;
import io.syncline.testkit.FakeClock;
import io.syncline.testkit.ForwardingStore;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BatchWriteTest {
  private final FakeClock clock = new FakeClock();

  record Contact(String name) {}

  @Test
  void putAllWritesEverythingInOneTransaction() {
    AtomicInteger applies = new AtomicInteger();
    ForwardingStore counting =
        new ForwardingStore(new MemoryStore()) {
          @Override
          public ApplyResult apply(WriteSet ws) {
            applies.incrementAndGet();
            return super.apply(ws);
          }
        };
    MemoryStore serverStore = new MemoryStore();
    SyncEngine server = Fixtures.server(serverStore, clock);
    SyncEngine phone = client("phone", counting, clock, server).build();
    Map<String, Contact> batch = new TreeMap<>();
    for (int i = 0; i < 500; i++) {
      batch.put("c" + i, new Contact("Contact " + i));
    }
    List<WriteReceipt> receipts = phone.collection("contacts", Contact.class).putAll(batch);
    assertThat(applies.get()).isEqualTo(1);
    assertThat(receipts).hasSize(500);
    assertThat(receipts.get(0).id()).isEqualTo(RecordId.of("contacts", "c0"));
    assertThat(receipts.get(1).version().isNewerThan(receipts.get(0).version())).isTrue();
    assertThat(phone.pendingRecords()).hasSize(500);
    phone.syncNow().blockingGet();
    receipts.get(499).acknowledged().test().assertComplete();
    assertThat(serverStore.headSeq()).isEqualTo(500);
    assertThat(phone.collection("contacts", Contact.class).get("c42"))
        .contains(new Contact("Contact 42"));
  }

  @Test
  void oneBadValueRefusesTheWholeBatch() {
    MemoryStore store = new MemoryStore();
    SyncEngine phone = engine("phone", store, clock).build();
    Map<String, String> batch = new TreeMap<>();
    batch.put("a", "{\"ok\":true}");
    batch.put("b", "x".repeat(2 << 20)); // over the record size limit once mapped to JSON
    assertThatThrownBy(() -> phone.collection("notes", String.class).putAll(batch))
        .hasMessageContaining("exceeds the limit");
    assertThat(store.headSeq()).isZero();
  }
}
