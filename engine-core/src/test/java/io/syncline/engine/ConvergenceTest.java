package io.syncline.engine;

import static io.syncline.engine.Fixtures.SCOPE;
import static io.syncline.engine.Fixtures.assertConverged;
import static io.syncline.engine.Fixtures.client;
import static io.syncline.engine.Fixtures.engine;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.syncline.spi.ConflictResolver;
import io.syncline.spi.RecordId;
import io.syncline.spi.SyncStore;
import io.syncline.store.memory.MemoryStore;
import io.syncline.testkit.FakeClock;
import io.syncline.testkit.LoopbackTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConvergenceTest {
  private final FakeClock clock = new FakeClock();

  /** Random puts, edits and deletes on every client while offline, then sync until quiet. */
  private void offlineEditsThenSync(int clients, long seed, ConflictResolver resolver) {
    Random rnd = new Random(seed);
    MemoryStore serverStore = new MemoryStore("server-epoch");
    SyncEngine server = engine("server", serverStore, clock).resolver(resolver).build();
    List<SyncEngine> engines = new ArrayList<>();
    List<SyncStore> stores = new ArrayList<>();
    stores.add(serverStore);
    for (int i = 0; i < clients; i++) {
      MemoryStore store = new MemoryStore("client-" + i);
      stores.add(store);
      engines.add(client("client-" + i, store, clock, server).resolver(resolver).build());
    }
    for (int step = 0; step < 400; step++) {
      SyncEngine e = engines.get(rnd.nextInt(clients));
      SyncCollection<JsonNode> notes = e.collection("notes");
      String key = "n" + rnd.nextInt(30);
      int op = rnd.nextInt(10);
      if (op < 7) {
        notes.putJson(
            key, "{\"f" + rnd.nextInt(3) + "\":" + rnd.nextInt(1000) + ",\"by\":\"" + step + "\"}");
      } else {
        notes.delete(key);
      }
      // Clocks of different replicas interleave; sometimes a sync happens mid-way.
      clock.advance(Duration.ofMillis(rnd.nextInt(5)));
      if (rnd.nextInt(50) == 0) {
        engines.get(rnd.nextInt(clients)).syncNow().blockingGet();
      }
    }
    for (int round = 0; round < 3; round++) {
      for (SyncEngine e : engines) {
        assertThat(e.syncNow().blockingGet().isSuccess()).isTrue();
      }
    }
    assertConverged(stores.toArray(new SyncStore[0]));
    for (SyncEngine e : engines) {
      assertThat(e.pendingRecords()).isEmpty();
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void twoReplicasConvergeAfterOfflineEdits(long seed) {
    offlineEditsThenSync(2, seed, Resolvers.lastWriterWins());
  }

  @ParameterizedTest
  @ValueSource(longs = {11, 12, 13, 14, 15})
  void threeReplicasConvergeAfterOfflineEdits(long seed) {
    offlineEditsThenSync(3, seed, Resolvers.lastWriterWins());
  }

  @ParameterizedTest
  @ValueSource(longs = {21, 22, 23})
  void threeReplicasConvergeWithFieldMerge(long seed) {
    offlineEditsThenSync(3, seed, Resolvers.fieldMerge());
  }

  @Test
  void peersInAChainConverge() {
    // a <-> b <-> c, with no hub: b serves a and syncs with c.
    MemoryStore sa = new MemoryStore("a");
    MemoryStore sb = new MemoryStore("b");
    MemoryStore sc = new MemoryStore("c");
    SyncEngine c = engine("c", sc, clock).build();
    SyncEngine b =
        engine("b", sb, clock)
            .peer(Peer.of("c", new LoopbackTransport(c.handler()), SCOPE))
            .build();
    SyncEngine a =
        engine("a", sa, clock)
            .peer(Peer.of("b", new LoopbackTransport(b.handler()), SCOPE))
            .build();
    a.collection("notes").putJson("1", "{\"from\":\"a\"}");
    c.collection("notes").putJson("2", "{\"from\":\"c\"}");
    b.collection("notes").putJson("3", "{\"from\":\"b\"}");
    for (int i = 0; i < 2; i++) {
      a.syncNow().blockingGet();
      b.syncNow().blockingGet();
    }
    assertConverged(sa, sb, sc);
    assertThat(Fixtures.snapshot(sa)).hasSize(3);
  }

  @Test
  void tenOfflineEditsOfOneRecordTravelAsOneChange() {
    SyncEngine server = Fixtures.server(new MemoryStore(), clock);
    LoopbackTransport t = new LoopbackTransport(server.handler());
    SyncEngine client = client("phone", new MemoryStore(), clock, t).build();
    for (int i = 1; i <= 10; i++) {
      client.collection("notes").putJson("todo", "{\"edit\":" + i + "}");
      clock.advance(Duration.ofSeconds(1));
    }
    SyncResult r = client.syncNow().blockingGet();
    assertThat(r.pushed()).isEqualTo(1);
    assertThat(t.deliveredPushChanges()).isEqualTo(1);
    assertThat(server.collection("notes").get("todo").orElseThrow().get("edit").asInt())
        .isEqualTo(10);
  }

  @Test
  void changesReceivedFromAPeerAreNotSentBack() {
    MemoryStore serverStore = new MemoryStore();
    SyncEngine server = Fixtures.server(serverStore, clock);
    LoopbackTransport t = new LoopbackTransport(server.handler());
    SyncEngine client = client("phone", new MemoryStore(), clock, t).build();
    client.collection("notes").putJson("a", "{}");
    client.syncNow().blockingGet();
    SyncResult again = client.syncNow().blockingGet();
    // The server does not echo the client's own change back, and the client sends nothing new.
    assertThat(again.pulled()).isZero();
    assertThat(again.pushed()).isZero();
    assertThat(t.deliveredPushes()).hasSize(1);
    // And a server change pulled by the client is not pushed back to the server.
    server.collection("notes").putJson("b", "{}");
    assertThat(client.syncNow().blockingGet().pulled()).isEqualTo(1);
    client.syncNow().blockingGet();
    assertThat(t.deliveredPushes()).hasSize(1);
    assertThat(client.stateOf(RecordId.of("notes", "b"))).isEqualTo(RecordState.SYNCED);
  }
}
