package io.syncline.engine;

import static io.syncline.engine.Fixtures.SCOPE;
import static io.syncline.engine.Fixtures.assertConverged;
import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.spi.RecordId;
import io.syncline.spi.SyncStore;
import io.syncline.store.memory.MemoryStore;
import io.syncline.testkit.FakeClock;
import io.syncline.testkit.LoopbackTransport;
import io.syncline.testkit.LoopbackTransport.Op;
import org.junit.jupiter.api.Test;

class DeliveryFaultsTest {
  private final FakeClock clock = new FakeClock();
  private final MemoryStore serverStore = new MemoryStore("server-epoch");
  private final SyncEngine server = Fixtures.server(serverStore, clock);
  private final LoopbackTransport transport = new LoopbackTransport(server.handler());

  private SyncEngine client(SyncStore store) {
    return Fixtures.client("phone", store, clock, transport).build();
  }

  private static void putNotes(SyncEngine e, int n) {
    for (int i = 0; i < n; i++) {
      e.collection("notes").putJson("n" + i, "{\"i\":" + i + "}");
    }
  }

  @Test
  void batchDeliveredTwiceAppliesOnce() {
    SyncEngine client = client(new MemoryStore());
    putNotes(client, 5);
    transport.duplicateNextRequests(Op.PUSH, 1);
    assertThat(client.syncNow().blockingGet().isSuccess()).isTrue();
    assertThat(transport.deliveredPushes()).hasSize(2);
    // Five records, each written once: the duplicate changed nothing.
    assertThat(serverStore.headSeq()).isEqualTo(5);
    assertConverged(serverStore, clientStoreOf(client));
  }

  @Test
  void lostAcknowledgementAndResendChangesNothing() {
    MemoryStore store = new MemoryStore();
    SyncEngine client = client(store);
    putNotes(client, 5);
    transport.loseNextResponses(Op.PUSH, 1);
    SyncResult first = client.syncNow().blockingGet();
    assertThat(first.peer("server").kind()).isEqualTo(PeerResult.Kind.RETRY);
    // The server applied the batch; the client does not know and still holds it as pending.
    assertThat(serverStore.headSeq()).isEqualTo(5);
    assertThat(client.pendingRecords()).hasSize(5);
    SyncResult second = client.syncNow().blockingGet();
    assertThat(second.isSuccess()).isTrue();
    assertThat(transport.deliveredPushes()).hasSize(2);
    assertThat(serverStore.headSeq()).isEqualTo(5);
    assertThat(client.pendingRecords()).isEmpty();
    assertConverged(serverStore, store);
  }

  @Test
  void crashBetweenServerApplyAndAcknowledgementLosesNothing() {
    MemoryStore store = new MemoryStore();
    SyncEngine client = client(store);
    putNotes(client, 3);
    transport.loseNextResponses(Op.PUSH, 1);
    client.syncNow().blockingGet();
    // The process dies here: the engine is gone, the durable store stays.
    client.close();
    client.collection("notes"); // a closed engine still hands out handles, but cannot write
    SyncEngine restarted = client(store);
    assertThat(restarted.pendingRecords()).hasSize(3);
    assertThat(restarted.syncNow().blockingGet().isSuccess()).isTrue();
    assertThat(serverStore.headSeq()).isEqualTo(3);
    assertThat(restarted.pendingRecords()).isEmpty();
    assertConverged(serverStore, store);
  }

  @Test
  void lostPullResponseIsFetchedAgainAndAppliedOnce() {
    putNotes(server, 4);
    MemoryStore store = new MemoryStore();
    SyncEngine client = client(store);
    transport.loseNextResponses(Op.PULL, 1);
    assertThat(client.syncNow().blockingGet().isSuccess()).isFalse();
    assertThat(store.headSeq()).isZero();
    SyncResult r = client.syncNow().blockingGet();
    assertThat(r.pulled()).isEqualTo(4);
    assertThat(store.headSeq()).isEqualTo(4);
  }

  @Test
  void storeFailureDuringPullApplyLeavesRecordsAndCursorUntouched() {
    putNotes(server, 4);
    Fixtures.FailingStore store = new Fixtures.FailingStore();
    SyncEngine client = client(store);
    client.syncNow().blockingGet(); // sets the checkpoint epoch
    server.collection("notes").putJson("late", "{}");
    long cursorBefore = store.checkpoint("server", SCOPE).orElseThrow().pullCursor();
    long headBefore = store.headSeq();
    store.failNextApplies(1);
    SyncResult failed = client.syncNow().blockingGet();
    assertThat(failed.peer("server").kind()).isEqualTo(PeerResult.Kind.RETRY);
    assertThat(store.checkpoint("server", SCOPE).orElseThrow().pullCursor())
        .isEqualTo(cursorBefore);
    assertThat(store.headSeq()).isEqualTo(headBefore);
    assertThat(store.get(RecordId.of("notes", "late"))).isEmpty();
    assertThat(client.syncNow().blockingGet().pulled()).isEqualTo(1);
    assertConverged(serverStore, store);
  }

  @Test
  void replacedPeerStoreTriggersAFullResync() {
    MemoryStore store = new MemoryStore();
    SyncEngine client = client(store);
    putNotes(client, 3);
    client.syncNow().blockingGet();
    // The server loses its data and starts over with a new store (a new epoch).
    MemoryStore freshServerStore = new MemoryStore("server-epoch-2");
    SyncEngine freshServer = Fixtures.server(freshServerStore, clock);
    SyncEngine sameClient = Fixtures.client("phone", store, clock, freshServer).build();
    SyncResult r = sameClient.syncNow().blockingGet();
    assertThat(r.pushed()).isEqualTo(3);
    assertConverged(freshServerStore, store);
  }

  @Test
  void peerRestoredFromAnOlderBackupIsResynced() {
    MemoryStore store = new MemoryStore();
    SyncEngine client = client(store);
    putNotes(server, 5);
    client.syncNow().blockingGet();
    // Same epoch, but the server's feed is now behind the client's cursor.
    MemoryStore backup = new MemoryStore("server-epoch");
    SyncEngine restored = Fixtures.server(backup, clock);
    restored.collection("notes").putJson("n0", "{\"i\":0}");
    SyncEngine sameClient = Fixtures.client("phone", store, clock, restored).build();
    assertThat(sameClient.syncNow().blockingGet().isSuccess()).isTrue();
    assertThat(Fixtures.snapshot(backup)).hasSize(5);
  }

  private static SyncStore clientStoreOf(SyncEngine e) {
    return e.store();
  }
}
