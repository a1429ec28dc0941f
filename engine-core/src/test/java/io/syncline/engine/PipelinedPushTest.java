package io.syncline.engine;

import static io.syncline.engine.Fixtures.SCOPE;
import static io.syncline.engine.Fixtures.client;
import static io.syncline.engine.Fixtures.engine;
import static io.syncline.engine.Fixtures.refusingWritesTo;
import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.spi.Outcome;
import io.syncline.spi.PushRequest;
import io.syncline.spi.RecordId;
import io.syncline.store.memory.MemoryStore;
import io.syncline.testkit.FakeClock;
import io.syncline.testkit.LoopbackTransport;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Several push batches in flight at once: the cursor moves only past acknowledged batches in feed
 * order, and a batch that fails voids the ones behind it without losing or doubling anything. The
 * loopback transport applies every send at once, so the batches behind a failed one did reach the
 * server: the harshest case the connection contract allows.
 */
class PipelinedPushTest {
  private static final int RECORDS = 1000;
  private static final int BATCH = 100;

  private final FakeClock clock = new FakeClock();
  private final MemoryStore serverStore = new MemoryStore("server-epoch");
  private volatile String forbiddenKey = "none";
  private final SyncEngine server =
      engine("server", serverStore, clock).authorizer(refusingWritesTo(() -> forbiddenKey)).build();
  private final LoopbackTransport transport = new LoopbackTransport(server.handler());
  private final MemoryStore clientStore = new MemoryStore("client-epoch");
  private SyncEngine client;

  @BeforeEach
  void setUp() {
    transport.setPushWindow(4);
    client = client("phone", clientStore, clock, transport).batchLimits(BATCH, 1L << 20).build();
    for (int i = 0; i < RECORDS; i++) {
      client.collection("notes").putJson(key(i), "{\"i\":" + i + "}");
    }
  }

  private static String key(int i) {
    return String.format(java.util.Locale.ROOT, "n%04d", i);
  }

  @Test
  void batchesOverlapAndEverythingArrivesOnce() {
    SyncResult r = client.syncNow().blockingGet();

    assertThat(r.isSuccess()).isTrue();
    assertThat(r.pushed()).isEqualTo(RECORDS);
    assertThat(transport.mostPushesInFlight()).isEqualTo(4);
    assertThat(transport.deliveredPushes()).hasSize(RECORDS / BATCH);
    assertThat(serverStore.headSeq()).isEqualTo(RECORDS);
    assertThat(clientStore.checkpoint("server", SCOPE).orElseThrow().pushCursor())
        .isEqualTo(clientStore.headSeq());
    assertThat(client.pendingRecords()).isEmpty();
    Fixtures.assertConverged(clientStore, serverStore);
  }

  @Test
  void aRejectionMidWindowQuarantinesOnlyTheRejectedChange() {
    forbiddenKey = key(250); // in the third batch
    SyncResult r = client.syncNow().blockingGet();

    assertThat(r.isSuccess()).isTrue();
    assertThat(r.quarantined()).isEqualTo(1);
    assertThat(r.pushed()).isEqualTo(RECORDS - 1);
    assertThat(client.quarantine())
        .singleElement()
        .satisfies(q -> assertThat(q.record().id()).isEqualTo(RecordId.of("notes", key(250))));
    assertThat(serverStore.get(RecordId.of("notes", key(250)))).isEmpty();
    assertThat(Fixtures.snapshot(serverStore)).hasSize(RECORDS - 1);
    assertThat(client.pendingRecords()).isEmpty();
    // Batches behind the rejected one were applied once already and sent again: still one state.
    assertThat(serverStore.headSeq()).isEqualTo(RECORDS - 1);
  }

  @Test
  void aLostAcknowledgementVoidsTheWindowAndTheNextRunSendsItAgain() {
    transport.loseNextResponses(LoopbackTransport.Op.PUSH, 1);
    SyncResult first = client.syncNow().blockingGet();
    assertThat(first.isSuccess()).isFalse();
    assertThat(first.pushed()).isZero();
    assertThat(clientStore.checkpoint("server", SCOPE).orElseThrow().pushCursor()).isZero();
    // The four sends of the window reached the server before the first answer was lost.
    assertThat(serverStore.headSeq()).isEqualTo(4L * BATCH);

    SyncResult second = client.syncNow().blockingGet();
    assertThat(second.isSuccess()).isTrue();
    assertThat(second.pushed()).isEqualTo(RECORDS);
    // Resent batches carry versions the server holds already: nothing is applied twice.
    assertThat(serverStore.headSeq()).isEqualTo(RECORDS);
    Fixtures.assertConverged(clientStore, serverStore);
  }

  @Test
  void tooLargeMidWindowShrinksTheBatchesAndLosesNothing() {
    transport.answerNextPush(new Outcome.TooLarge(40, "batch too large"));
    SyncResult r = client.syncNow().blockingGet();

    assertThat(r.isSuccess()).isTrue();
    assertThat(r.pushed()).isEqualTo(RECORDS);
    List<PushRequest> delivered = transport.deliveredPushes();
    PushRequest last = delivered.get(delivered.size() - 1);
    assertThat(last.changes().size()).isLessThanOrEqualTo(40);
    Fixtures.assertConverged(clientStore, serverStore);
  }
}
