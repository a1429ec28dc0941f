package io.syncline.engine;

import static io.syncline.engine.Fixtures.SCOPE;
import static io.syncline.engine.Fixtures.client;
import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.spi.ChangeSource;
import io.syncline.spi.Payload;
import io.syncline.spi.RecordId;
import io.syncline.store.memory.MemoryStore;
import io.syncline.testkit.FakeClock;
import io.syncline.testkit.LoopbackTransport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ChangeSourceTest {
  private final FakeClock clock = new FakeClock();

  /** An external data set whose items carry a modification counter, scanned by it. */
  private static final class Items implements ChangeSource {
    final Map<String, String> values = new TreeMap<>();
    final Map<String, Long> modified = new TreeMap<>();
    long counter;

    void put(String key, String json) {
      values.put(key, json);
      modified.put(key, ++counter);
    }

    @Override
    public String name() {
      return "items";
    }

    @Override
    public ScanResult scan(String token, int limit) {
      long since = token == null ? 0 : Long.parseLong(token);
      List<SourceChange> out = new ArrayList<>();
      long last = since;
      for (Map.Entry<String, Long> e :
          modified.entrySet().stream().sorted(Map.Entry.comparingByValue()).toList()) {
        if (e.getValue() > since && out.size() < limit) {
          out.add(
              new SourceChange(
                  RecordId.of("contacts", e.getKey()),
                  SCOPE,
                  false,
                  Payload.utf8(values.get(e.getKey()))));
          last = e.getValue();
        }
      }
      boolean more = modified.values().stream().anyMatch(v -> v > since) && out.size() == limit;
      return new ScanResult(out, Long.toString(last), more);
    }
  }

  @Test
  void afterAFullImportEditingThreeItemsMovesExactlyThree() {
    Items items = new Items();
    for (int i = 0; i < 1000; i++) {
      items.put("c" + i, "{\"n\":" + i + "}");
    }
    MemoryStore serverStore = new MemoryStore();
    SyncEngine server = Fixtures.server(serverStore, clock);
    LoopbackTransport t = new LoopbackTransport(server.handler());
    MemoryStore store = new MemoryStore();
    SyncEngine client = client("desktop", store, clock, t).changeSource(items).build();
    assertThat(client.syncNow().blockingGet().pushed()).isEqualTo(1000);
    assertThat(store.property("source.items.token")).contains("1000");
    assertThat(client.syncNow().blockingGet().pushed()).isZero();

    items.put("c7", "{\"n\":\"seven\"}");
    items.put("c500", "{\"n\":\"five hundred\"}");
    items.put("c999", "{\"n\":\"last\"}");
    int before = t.deliveredPushChanges();
    SyncResult r = client.syncNow().blockingGet();
    assertThat(r.pushed()).isEqualTo(3);
    assertThat(t.deliveredPushChanges() - before).isEqualTo(3);
    assertThat(server.collection("contacts").get("c500").orElseThrow().get("n").asText())
        .isEqualTo("five hundred");
  }
}
