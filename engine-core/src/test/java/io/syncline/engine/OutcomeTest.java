package io.syncline.engine;

import static io.syncline.engine.Fixtures.engine;
import static io.syncline.engine.Fixtures.refusingWritesTo;
import static org.assertj.core.api.Assertions.assertThat;

import io.reactivex.rxjava3.observers.TestObserver;
import io.reactivex.rxjava3.schedulers.TestScheduler;
import io.syncline.engine.internal.RxSyncScheduler;
import io.syncline.spi.Outcome;
import io.syncline.spi.QuarantinedChange;
import io.syncline.spi.RecordId;
import io.syncline.spi.SyncException;
import io.syncline.store.memory.MemoryStore;
import io.syncline.testkit.FakeClock;
import io.syncline.testkit.LoopbackTransport;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OutcomeTest {
  private final FakeClock clock = new FakeClock();
  private final MemoryStore serverStore = new MemoryStore("server-epoch");
  private volatile String forbiddenKey = "n2";
  private final SyncEngine server =
      engine("server", serverStore, clock).authorizer(refusingWritesTo(() -> forbiddenKey)).build();
  private final LoopbackTransport transport = new LoopbackTransport(server.handler());
  private final TestScheduler virtual = new TestScheduler();

  private SyncEngine.Builder client(MemoryStore store) {
    return Fixtures.client("phone", store, clock, transport);
  }

  /** Moves the engine's clock and the virtual scheduler together. */
  private void advance(Duration d) {
    clock.advance(d);
    virtual.advanceTimeBy(d.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Test
  void rejectedChangeIsQuarantinedAndTheOthersFlow() {
    MemoryStore store = new MemoryStore();
    SyncEngine client = client(store).build();
    WriteReceipt[] receipts = new WriteReceipt[5];
    for (int i = 0; i < 5; i++) {
      receipts[i] = client.collection("notes").putJson("n" + i, "{\"i\":" + i + "}");
    }
    TestObserver<Void> rejected = receipts[2].acknowledged().test();
    TestObserver<Void> accepted = receipts[1].acknowledged().test();
    SyncResult r = client.syncNow().blockingGet();
    assertThat(r.isSuccess()).isTrue();
    assertThat(r.pushed()).isEqualTo(4);
    assertThat(r.quarantined()).isEqualTo(1);
    assertThat(Fixtures.snapshot(serverStore))
        .containsOnlyKeys(
            RecordId.of("notes", "n0"),
            RecordId.of("notes", "n1"),
            RecordId.of("notes", "n3"),
            RecordId.of("notes", "n4"));
    accepted.assertComplete();
    rejected.assertError(SyncException.class);
    assertThat(client.stateOf(RecordId.of("notes", "n2"))).isEqualTo(RecordState.QUARANTINED);
    assertThat(client.currentStatus().quarantined()).isEqualTo(1);
    assertThat(client.pendingRecords()).isEmpty();

    // The quarantine survives a restart, with the peer's reason.
    client.close();
    SyncEngine restarted = client(store).build();
    List<QuarantinedChange> q = restarted.quarantine();
    assertThat(q).hasSize(1);
    assertThat(q.get(0).code()).isEqualTo("PERMISSION_DENIED");
    assertThat(q.get(0).peerId()).isEqualTo("server");
    assertThat(q.get(0).record().id()).isEqualTo(RecordId.of("notes", "n2"));
    // Local data is kept.
    assertThat(restarted.collection("notes").get("n2")).isPresent();

    // Once the server allows it, replay sends it and it is acknowledged.
    forbiddenKey = "none";
    restarted.replay(q.get(0).id());
    assertThat(restarted.syncNow().blockingGet().pushed()).isEqualTo(1);
    assertThat(restarted.quarantine()).isEmpty();
    assertThat(restarted.stateOf(RecordId.of("notes", "n2"))).isEqualTo(RecordState.SYNCED);
    assertThat(serverStore.get(RecordId.of("notes", "n2"))).isPresent();
  }

  @Test
  void fixingAQuarantinedRecordByWritingItAgainClearsTheEntry() {
    SyncEngine client = client(new MemoryStore()).build();
    client.collection("notes").putJson("n2", "{\"bad\":true}");
    client.syncNow().blockingGet();
    assertThat(client.quarantine()).hasSize(1);
    forbiddenKey = "none";
    client.collection("notes").putJson("n2", "{\"bad\":false}");
    assertThat(client.stateOf(RecordId.of("notes", "n2"))).isEqualTo(RecordState.PENDING);
    client.syncNow().blockingGet();
    assertThat(client.quarantine()).isEmpty();
    assertThat(
            serverStore.get(RecordId.of("notes", "n2")).orElseThrow().record().payload().toUtf8())
        .isEqualTo("{\"bad\":false}");
  }

  @Test
  void discardDropsTheEntryAndKeepsLocalData() {
    SyncEngine client = client(new MemoryStore()).build();
    client.collection("notes").putJson("n2", "{}");
    client.syncNow().blockingGet();
    long id = client.quarantine().get(0).id();
    client.discard(id);
    assertThat(client.quarantine()).isEmpty();
    assertThat(client.collection("notes").get("n2")).isPresent();
  }

  @Test
  void failedStopsAndSaysWhy() {
    SyncEngine client = client(new MemoryStore()).build();
    client.collection("notes").putJson("a", "{}");
    transport.answerNextPush(
        new Outcome.Failed(SyncException.Code.UNAUTHENTICATED, "token expired"));
    SyncResult r = client.syncNow().blockingGet();
    assertThat(r.peer("server").kind()).isEqualTo(PeerResult.Kind.FAILED);
    assertThat(r.peer("server").message()).contains("token expired");
    assertThat(client.currentStatus().state()).isEqualTo(SyncStatus.State.FAILED);
    assertThat(client.currentStatus().detail())
        .contains("UNAUTHENTICATED")
        .contains("token expired");
    assertThat(client.pendingRecords()).containsExactly(RecordId.of("notes", "a"));
    assertThat(transport.deliveredPushes()).isEmpty();
    // The host fixes it and resumes.
    assertThat(client.syncNow().blockingGet().isSuccess()).isTrue();
    assertThat(client.currentStatus().state()).isEqualTo(SyncStatus.State.IDLE);
  }

  @Test
  void transientFailuresBackOffWithJitterAndRetryOnTheirOwn() {
    RxSyncScheduler scheduler = new RxSyncScheduler(virtual, clock);
    SyncEngine client =
        client(new MemoryStore())
            .scheduler(scheduler)
            .syncPolicy(
                SyncPolicy.builder()
                    .interval(Duration.ofHours(6))
                    .localChangeDebounce(Duration.ofSeconds(2))
                    .build())
            .retryPolicy(
                RetryPolicy.builder()
                    .initialDelay(Duration.ofSeconds(10))
                    .maxDelay(Duration.ofMinutes(10))
                    .build())
            .build();
    transport.setOffline(true);
    client.enableBackgroundSync();
    virtual.triggerActions(); // the first periodic run
    assertThat(client.currentStatus().state()).isEqualTo(SyncStatus.State.OFFLINE);
    client.collection("notes").putJson("a", "{}");
    long lastNext = 0;
    for (int attempt = 1; attempt <= 4; attempt++) {
      SyncStatus s = client.currentStatus();
      long wait = s.nextAttemptAtMillis() - clock.millis();
      // Each wait lies within the attempt's full-jitter window (10 s, 20 s, 40 s, ...).
      assertThat(wait).isBetween(0L, 10_000L << (attempt - 1));
      lastNext = s.nextAttemptAtMillis();
      advance(Duration.ofMillis(wait + 1));
    }
    assertThat(lastNext).isPositive();
    assertThat(transport.deliveredPushes()).isEmpty();
    transport.setOffline(false);
    advance(Duration.ofMinutes(11));
    assertThat(transport.deliveredPushes()).hasSize(1);
    assertThat(client.currentStatus().state()).isEqualTo(SyncStatus.State.IDLE);
    assertThat(client.currentStatus().pending()).isZero();
    client.disableBackgroundSync();
    assertThat(scheduler.isScheduled("syncline.phone.periodic")).isFalse();
  }

  @Test
  void retryAfterIsHonoured() {
    RxSyncScheduler scheduler = new RxSyncScheduler(virtual, clock);
    SyncEngine client =
        client(new MemoryStore())
            .scheduler(scheduler)
            .syncPolicy(SyncPolicy.builder().interval(Duration.ofHours(6)).build())
            .build();
    client.enableBackgroundSync();
    virtual.triggerActions();
    client.collection("notes").putJson("a", "{}");
    transport.answerNextPush(new Outcome.Retry(Duration.ofSeconds(120), "busy"));
    advance(Duration.ofSeconds(2)); // the debounced run after the local change
    assertThat(client.currentStatus().state()).isEqualTo(SyncStatus.State.BACKING_OFF);
    assertThat(client.currentStatus().detail()).contains("busy");
    long next = client.currentStatus().nextAttemptAtMillis();
    assertThat(next - clock.millis()).isBetween(120_000L, 121_000L);
    advance(Duration.ofSeconds(119));
    assertThat(transport.deliveredPushes()).isEmpty();
    advance(Duration.ofSeconds(2));
    assertThat(transport.deliveredPushes()).hasSize(1);
  }

  @Test
  void givesUpAfterMaxAttemptsAndSaysSo() {
    SyncEngine client =
        client(new MemoryStore()).retryPolicy(RetryPolicy.builder().maxAttempts(2).build()).build();
    transport.setOffline(true);
    client.syncNow().blockingGet();
    client.syncNow().blockingGet();
    assertThat(client.currentStatus().state()).isEqualTo(SyncStatus.State.OFFLINE);
    client.syncNow().blockingGet();
    assertThat(client.currentStatus().state()).isEqualTo(SyncStatus.State.FAILED);
    assertThat(client.currentStatus().detail()).contains("gave up after 2");
    transport.setOffline(false);
    assertThat(client.syncNow().blockingGet().isSuccess()).isTrue();
    assertThat(client.currentStatus().state()).isEqualTo(SyncStatus.State.IDLE);
  }
}
