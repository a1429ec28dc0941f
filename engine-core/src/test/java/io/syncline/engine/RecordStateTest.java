package io.syncline.engine;

import static io.syncline.engine.Fixtures.client;
import static org.assertj.core.api.Assertions.assertThat;

import io.reactivex.rxjava3.observers.TestObserver;
import io.syncline.spi.RecordId;
import io.syncline.store.memory.MemoryStore;
import io.syncline.testkit.FakeClock;
import io.syncline.testkit.LoopbackTransport;
import io.syncline.testkit.LoopbackTransport.Op;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordStateTest {
  private final FakeClock clock = new FakeClock();
  private final MemoryStore serverStore = new MemoryStore();
  private final SyncEngine server = Fixtures.server(serverStore, clock);
  private final LoopbackTransport transport = new LoopbackTransport(server.handler());
  private final SyncEngine client = client("phone", new MemoryStore(), clock, transport).build();

  record Contact(String name, String phone) {}

  @Test
  void writeReceiptCompletesAfterThePeerAcknowledges() {
    SyncCollection<Contact> contacts = client.collection("contacts", Contact.class);
    RecordId ada = RecordId.of("contacts", "ada");
    assertThat(client.stateOf(ada)).isEqualTo(RecordState.UNKNOWN);
    WriteReceipt receipt = contacts.put("ada", new Contact("Ada", "1"));
    TestObserver<Void> ack = receipt.acknowledged().test();
    assertThat(client.stateOf(ada)).isEqualTo(RecordState.PENDING);
    assertThat(client.pendingRecords()).containsExactly(ada);
    ack.assertNotComplete();

    transport.loseNextResponses(Op.PUSH, 1);
    client.syncNow().blockingGet();
    ack.assertNotComplete(); // the server has it, but nobody told us
    assertThat(client.stateOf(ada)).isEqualTo(RecordState.PENDING);

    client.syncNow().blockingGet();
    ack.assertComplete();
    assertThat(client.stateOf(ada)).isEqualTo(RecordState.SYNCED);
    assertThat(client.pendingRecords()).isEmpty();
    // Subscribing after the fact completes at once.
    receipt.acknowledged().test().assertComplete();
    assertThat(contacts.get("ada")).contains(new Contact("Ada", "1"));
  }

  @Test
  void aReceiptWaitsForTheLatestStateOfItsRecord() {
    SyncCollection<Contact> contacts = client.collection("contacts", Contact.class);
    WriteReceipt first = contacts.put("ada", new Contact("Ada", "1"));
    TestObserver<Void> ack = first.acknowledged().test();
    contacts.put("ada", new Contact("Ada", "2"));
    client.syncNow().blockingGet();
    ack.assertComplete();
    assertThat(
            serverStore
                .get(RecordId.of("contacts", "ada"))
                .orElseThrow()
                .record()
                .payload()
                .toUtf8())
        .contains("\"2\"");
  }

  @Test
  void statusStreamReportsProgressAndSettlesIdle() {
    List<SyncStatus> seen = new ArrayList<>();
    client.status().subscribe(seen::add);
    for (int i = 0; i < 3; i++) {
      client.collection("notes").putJson("n" + i, "{}");
    }
    client.syncNow().blockingGet();
    assertThat(seen.get(0).state()).isEqualTo(SyncStatus.State.IDLE);
    assertThat(seen).anyMatch(s -> s.state() == SyncStatus.State.SYNCING);
    assertThat(seen).anyMatch(s -> s.state() == SyncStatus.State.SYNCING && s.pushed() == 3);
    SyncStatus last = seen.get(seen.size() - 1);
    assertThat(last.state()).isEqualTo(SyncStatus.State.IDLE);
    assertThat(last.pending()).isZero();
    assertThat(last.lastSuccessMillis()).containsEntry("server", clock.millis());
    assertThat(last.toString()).contains("IDLE");
  }

  @Test
  void localAndRemoteChangesReachTheCollectionStream() {
    TestObserver<RecordEvent> events = client.collection("notes").changes().test();
    client.collection("notes").putJson("mine", "{}");
    client.collection("other").putJson("x", "{}");
    server.collection("notes").putJson("theirs", "{}");
    client.syncNow().blockingGet();
    events.assertValueCount(2);
    assertThat(events.values().get(0).remote()).isFalse();
    assertThat(events.values().get(1).remote()).isTrue();
    assertThat(events.values().get(1).id().key()).isEqualTo("theirs");
  }

  @Test
  void closingFailsPendingReceiptsAndCompletesStreams() {
    TestObserver<Void> ack = client.collection("notes").putJson("a", "{}").acknowledged().test();
    TestObserver<SyncStatus> status = client.status().test();
    client.close();
    ack.assertError(e -> e.getMessage().contains("closed"));
    status.assertComplete();
    assertThat(status.values().get(status.values().size() - 1).state())
        .isEqualTo(SyncStatus.State.CLOSED);
    client.syncNow().test().assertError(e -> e.getMessage().contains("closed"));
  }

  @Test
  void theStatusCountsPendingChangesAcrossFeedPagesLikeTheListDoes() {
    for (int i = 0; i < 2500; i++) {
      client.collection("notes").putJson("n" + i, "{}");
    }
    client.collection("notes").putJson("n7", "{\"again\":true}"); // still one pending record
    transport.setOffline(true);
    SyncResult r = client.syncNow().blockingGet();

    assertThat(r.isSuccess()).isFalse();
    assertThat(client.currentStatus().pending()).isEqualTo(2500);
    assertThat(client.pendingRecords()).hasSize(2500);

    transport.setOffline(false);
    client.syncNow().blockingGet();
    assertThat(client.currentStatus().pending()).isZero();
  }
}
