package io.syncline.host.jvm;

import static org.assertj.core.api.Assertions.assertThat;

import io.reactivex.rxjava3.schedulers.Schedulers;
import io.syncline.engine.Peer;
import io.syncline.engine.RetryPolicy;
import io.syncline.engine.SyncEngine;
import io.syncline.engine.SyncEventListener;
import io.syncline.engine.SyncPolicy;
import io.syncline.engine.SyncStatus;
import io.syncline.spi.Constraints;
import io.syncline.spi.HostConditions;
import io.syncline.store.memory.MemoryStore;
import io.syncline.testkit.FakeClock;
import io.syncline.testkit.LoopbackTransport;
import io.syncline.testkit.VirtualExecutor;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The JVM scheduler driving a real engine, on virtual time. */
class ExecutorSyncSchedulerTest {
  private static final HostConditions UNMETERED =
      new HostConditions(
          HostConditions.Network.UNMETERED,
          HostConditions.Level.UNKNOWN,
          HostConditions.Level.UNKNOWN,
          HostConditions.Level.UNKNOWN);

  private final FakeClock clock = new FakeClock();
  private final VirtualExecutor executor = new VirtualExecutor(clock);
  private final ManualConditions conditions = new ManualConditions(UNMETERED);
  private final ExecutorSyncScheduler scheduler =
      ExecutorSyncScheduler.builder()
          .executor(executor)
          .clock(clock)
          .conditions(conditions)
          .build();
  private final MemoryStore serverStore = new MemoryStore();
  private final SyncEngine server =
      SyncEngine.builder()
          .replicaId("server")
          .store(serverStore)
          .clock(clock)
          .ioScheduler(Schedulers.trampoline())
          .build();
  private final LoopbackTransport transport = new LoopbackTransport(server.handler());
  private final AtomicInteger runs = new AtomicInteger();

  private SyncEngine client(SyncPolicy policy) {
    return SyncEngine.builder()
        .replicaId("desktop")
        .store(new MemoryStore())
        .clock(clock)
        .random(new Random(1))
        .ioScheduler(Schedulers.trampoline())
        .scheduler(scheduler)
        .syncPolicy(policy)
        .retryPolicy(RetryPolicy.builder().initialDelay(Duration.ofSeconds(30)).build())
        .batchLimits(100, 1 << 20)
        .eventListener(
            new SyncEventListener() {
              @Override
              public void sessionStarted(String peerId) {
                runs.incrementAndGet();
              }
            })
        .peer(Peer.of("server", transport, "default"))
        .build();
  }

  @Test
  void periodicRunsRespectTheIntervalAndTheConstraints() {
    SyncEngine c =
        client(
            SyncPolicy.builder()
                .network(Constraints.Network.UNMETERED)
                .interval(Duration.ofMinutes(15))
                .build());
    conditions.setNetwork(HostConditions.Network.METERED);
    c.enableBackgroundSync();
    executor.runDue();
    assertThat(runs.get()).isZero();
    assertThat(c.currentStatus().state()).isEqualTo(SyncStatus.State.WAITING);
    assertThat(c.currentStatus().detail()).isEqualTo("waiting for UNMETERED");

    conditions.setNetwork(HostConditions.Network.UNMETERED);
    executor.runDue();
    assertThat(runs.get()).isEqualTo(1);
    executor.advance(Duration.ofMinutes(14));
    assertThat(runs.get()).isEqualTo(1);
    executor.advance(Duration.ofMinutes(1));
    assertThat(runs.get()).isEqualTo(2);
    executor.advance(Duration.ofMinutes(45));
    assertThat(runs.get()).isEqualTo(5);

    c.disableBackgroundSync();
    executor.advance(Duration.ofHours(2));
    assertThat(runs.get()).isEqualTo(5);
    assertThat(scheduler.scheduledNames()).isEmpty();
  }

  @Test
  void offlineMeansNoAttemptsAndARunStartsWhenConnectivityReturns() {
    SyncEngine c = client(SyncPolicy.DEFAULT);
    conditions.setNetwork(HostConditions.Network.NONE);
    c.enableBackgroundSync();
    c.collection("notes").putJson("a", "{}");
    executor.advance(Duration.ofHours(3));
    assertThat(transport.connects()).isZero();
    assertThat(c.currentStatus().detail()).isEqualTo("waiting for NETWORK");

    conditions.setNetwork(HostConditions.Network.UNKNOWN);
    executor.runDue();
    assertThat(transport.connects()).isPositive();
    assertThat(serverStore.headSeq()).isEqualTo(1);
    assertThat(c.currentStatus().state()).isEqualTo(SyncStatus.State.IDLE);
  }

  @Test
  void aTransientFailureRetriesAfterTheEnginesDelayNotBefore() {
    SyncEngine c = client(SyncPolicy.DEFAULT);
    c.collection("notes").putJson("a", "{}");
    transport.setOffline(true);
    c.enableBackgroundSync();
    executor.runDue();
    assertThat(runs.get()).isEqualTo(1);
    long next = c.currentStatus().nextAttemptAtMillis();
    assertThat(next - clock.millis()).isBetween(0L, 30_000L);
    transport.setOffline(false);
    executor.advance(Duration.ofMillis(Math.max(0, next - clock.millis() - 1)));
    assertThat(serverStore.headSeq()).isZero();
    executor.advance(Duration.ofMillis(2));
    assertThat(serverStore.headSeq()).isEqualTo(1);
  }

  @Test
  void connectivityComingBackEndsTheBackoffAtOnce() {
    SyncEngine c = client(SyncPolicy.DEFAULT);
    c.collection("notes").putJson("a", "{}");
    transport.setOffline(true);
    c.enableBackgroundSync();
    executor.runDue();
    for (int i = 0; i < 4; i++) {
      executor.advance(Duration.ofMinutes(10)); // retries fail; the backoff window grows
    }
    assertThat(serverStore.headSeq()).isZero();
    conditions.setNetwork(HostConditions.Network.NONE);
    executor.runDue();
    transport.setOffline(false);
    conditions.setNetwork(HostConditions.Network.UNMETERED);
    executor.runDue();
    assertThat(serverStore.headSeq()).isEqualTo(1);
  }

  @Test
  void aDeadlineMidSyncStopsCleanlyAndTheNextRunResumesFromTheCursor() {
    transport.setLatency(clock, Duration.ofSeconds(1));
    SyncEngine c = client(SyncPolicy.builder().maxRunTime(Duration.ofSeconds(5)).build());
    for (int i = 0; i < 1000; i++) {
      c.collection("notes").putJson("n" + i, "{}");
    }
    c.enableBackgroundSync();
    executor.runDue();
    assertThat(runs.get()).isGreaterThan(1); // the first run could not finish in 5 s
    assertThat(serverStore.headSeq()).isEqualTo(1000);
    assertThat(transport.deliveredPushChanges()).isEqualTo(1000); // nothing sent twice
    assertThat(c.pendingRecords()).isEmpty();
    assertThat(c.currentStatus().state()).isEqualTo(SyncStatus.State.IDLE);
  }

  @Test
  void closingStopsEverything() {
    SyncEngine c = client(SyncPolicy.DEFAULT);
    c.enableBackgroundSync();
    executor.runDue();
    int before = runs.get();
    scheduler.close();
    executor.advance(Duration.ofHours(5));
    assertThat(runs.get()).isEqualTo(before);
    c.close();
  }
}
