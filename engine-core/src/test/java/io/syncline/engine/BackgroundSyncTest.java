package io.syncline.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.spi.BackgroundWork;
import io.syncline.spi.Constraints;
import io.syncline.spi.SyncScheduler;
import io.syncline.spi.WorkRequest;
import io.syncline.spi.WorkResult;
import io.syncline.store.memory.MemoryStore;
import io.syncline.testkit.FakeClock;
import io.syncline.testkit.LoopbackTransport;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class BackgroundSyncTest {
  private final FakeClock clock = new FakeClock();
  private final MemoryStore serverStore = new MemoryStore();
  private final SyncEngine server = Fixtures.server(serverStore, clock);
  private final LoopbackTransport transport = new LoopbackTransport(server.handler());

  /** A host scheduler that only records what it is asked to run; the test runs it by hand. */
  private static final class RecordingScheduler implements SyncScheduler {
    final Map<String, WorkRequest> requests = new TreeMap<>();
    final Map<String, BackgroundWork> work = new TreeMap<>();

    @Override
    public void schedule(WorkRequest request, BackgroundWork w) {
      requests.put(suffix(request.name()), request);
      work.put(suffix(request.name()), w);
    }

    @Override
    public void cancel(String name) {
      requests.remove(suffix(name));
      work.remove(suffix(name));
    }

    WorkResult run(String what, FakeClock clock) {
      return work.get(what).run(clock.millis() + requests.get(what).maxRunTime().toMillis());
    }

    private static String suffix(String name) {
      return name.substring(name.lastIndexOf('.') + 1);
    }
  }

  private final RecordingScheduler host = new RecordingScheduler();

  private SyncEngine client(SyncPolicy policy) {
    return Fixtures.client("phone", new MemoryStore(), clock, transport)
        .scheduler(host)
        .syncPolicy(policy)
        .build();
  }

  @Test
  void enablingSchedulesPeriodicWorkUnderThePolicysConstraints() {
    SyncPolicy policy =
        SyncPolicy.builder()
            .network(Constraints.Network.UNMETERED)
            .requiresCharging(true)
            .interval(Duration.ofHours(1))
            .maxStaleness(Duration.ofHours(12))
            .maxRunTime(Duration.ofMinutes(5))
            .build();
    SyncEngine c = client(policy);
    assertThat(host.requests).isEmpty();
    c.enableBackgroundSync();
    WorkRequest periodic = host.requests.get("periodic");
    assertThat(periodic.periodic()).isTrue();
    assertThat(periodic.interval()).isEqualTo(Duration.ofHours(1));
    assertThat(periodic.constraints())
        .isEqualTo(new Constraints(Constraints.Network.UNMETERED, true, false, false));
    assertThat(periodic.maxRunTime()).isEqualTo(Duration.ofMinutes(5));
    // Past the staleness bound only the network matters.
    WorkRequest stale = host.requests.get("stale");
    assertThat(stale.initialDelay()).isEqualTo(Duration.ofHours(12));
    assertThat(stale.constraints()).isEqualTo(Constraints.CONNECTED);

    c.disableBackgroundSync();
    assertThat(host.requests).isEmpty();
  }

  @Test
  void aLocalChangeSchedulesADebouncedRun() {
    SyncEngine c = client(SyncPolicy.builder().localChangeDebounce(Duration.ofSeconds(3)).build());
    c.enableBackgroundSync();
    c.collection("notes").putJson("a", "{}");
    assertThat(host.requests.get("local").initialDelay()).isEqualTo(Duration.ofSeconds(3));
    assertThat(host.run("local", clock)).isEqualTo(WorkResult.SUCCESS);
    assertThat(serverStore.headSeq()).isEqualTo(1);
  }

  @Test
  void pushOnlyRunsDrainTheOutboxWithoutPulling() {
    SyncEngine c = client(SyncPolicy.builder().mode(SyncPolicy.Mode.PUSH_ONLY).build());
    c.enableBackgroundSync();
    server.collection("notes").putJson("theirs", "{}");
    c.collection("notes").putJson("mine", "{}");
    assertThat(host.run("periodic", clock)).isEqualTo(WorkResult.SUCCESS);
    assertThat(serverStore.headSeq()).isEqualTo(2);
    assertThat(transport.deliveredPulls()).isEmpty();
    assertThat(c.collection("notes").get("theirs")).isEmpty();
    // A manual sync is always full.
    assertThat(c.syncNow().blockingGet().pulled()).isEqualTo(1);
  }

  @Test
  void aTransientFailureAsksTheHostToRetryAfterTheEnginesDelay() {
    SyncEngine c = client(SyncPolicy.DEFAULT);
    c.enableBackgroundSync();
    transport.setOffline(true);
    WorkResult r = host.run("periodic", clock);
    assertThat(r.status()).isEqualTo(WorkResult.Status.RETRY);
    assertThat(r.retryAfter()).isBetween(Duration.ZERO, RetryPolicy.DEFAULT.ceiling(1));
    assertThat(c.currentStatus().state()).isEqualTo(SyncStatus.State.OFFLINE);
    // An early trigger during the backoff does not attempt; it asks to wait out the rest.
    transport.setOffline(false);
    clock.advance(Duration.ofMillis(1));
    if (r.retryAfter().toMillis() > 1) {
      WorkResult early = host.run("periodic", clock);
      assertThat(early.status()).isEqualTo(WorkResult.Status.RETRY);
      assertThat(transport.connects()).isZero();
    }
  }

  @Test
  void connectivityRestoredEndsTheBackoffAndRunsAtOnce() {
    SyncEngine c =
        Fixtures.client("phone", new MemoryStore(), clock, transport)
            .scheduler(host)
            .retryPolicy(RetryPolicy.builder().initialDelay(Duration.ofMinutes(5)).build())
            .build();
    c.enableBackgroundSync();
    c.collection("notes").putJson("a", "{}");
    transport.setOffline(true);
    for (int i = 0; i < 3; i++) {
      c.syncNow().blockingGet(); // three failures: the backoff window is now up to 20 minutes
    }
    transport.setOffline(false);
    host.work.get("periodic").networkRestored();
    WorkRequest reconnect = host.requests.get("reconnect");
    assertThat(reconnect.initialDelay()).isZero();
    assertThat(host.run("reconnect", clock)).isEqualTo(WorkResult.SUCCESS);
    assertThat(serverStore.headSeq()).isEqualTo(1);
  }

  @Test
  void aUserRequestIsExpeditedAndNeedsOnlyANetwork() {
    SyncEngine c =
        client(
            SyncPolicy.builder()
                .network(Constraints.Network.UNMETERED)
                .requiresCharging(true)
                .build());
    assertThatThrownBy(c::requestSync).isInstanceOf(IllegalStateException.class);
    c.enableBackgroundSync();
    c.requestSync();
    WorkRequest user = host.requests.get("user");
    assertThat(user.expedited()).isTrue();
    assertThat(user.initialDelay()).isZero();
    assertThat(user.constraints()).isEqualTo(Constraints.CONNECTED);
  }

  @Test
  void policyBuilderRefusesNonsense() {
    assertThatThrownBy(() -> SyncPolicy.builder().interval(Duration.ZERO).build())
        .hasMessageContaining("interval");
    assertThatThrownBy(
            () ->
                SyncPolicy.builder()
                    .interval(Duration.ofHours(1))
                    .maxStaleness(Duration.ofMinutes(5))
                    .build())
        .hasMessageContaining("maxStaleness");
    assertThat(SyncPolicy.DEFAULT.newBuilder().build().toString())
        .isEqualTo(SyncPolicy.DEFAULT.toString());
  }
}
