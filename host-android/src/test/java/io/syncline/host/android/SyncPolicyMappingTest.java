package io.syncline.host.android;

import static org.assertj.core.api.Assertions.assertThat;

import android.app.job.JobInfo;
import android.app.job.JobScheduler;
import io.reactivex.rxjava3.schedulers.Schedulers;
import io.syncline.engine.Peer;
import io.syncline.engine.SyncEngine;
import io.syncline.engine.SyncPolicy;
import io.syncline.spi.Constraints;
import io.syncline.store.memory.MemoryStore;
import io.syncline.testkit.FakeClock;
import io.syncline.testkit.LoopbackTransport;
import java.time.Duration;
import java.util.Random;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.robolectric.RobolectricTestRunner;
import org.robolectric.RuntimeEnvironment;
import org.robolectric.annotation.Config;

/** Each SyncPolicy setting, as the jobs and runs on Android show it. */
@RunWith(RobolectricTestRunner.class)
@Config(sdk = 35, application = TestApplication.class)
public class SyncPolicyMappingTest {
  private final FakeClock clock = new FakeClock();
  private final Jobs.QueueExecutor executor = new Jobs.QueueExecutor();
  private final MemoryStore serverStore = new MemoryStore();
  private final LoopbackTransport transport =
      new LoopbackTransport(
          SyncEngine.builder()
              .replicaId("server")
              .store(serverStore)
              .clock(clock)
              .ioScheduler(Schedulers.trampoline())
              .build()
              .handler());
  private JobScheduler jobScheduler;
  private JobSchedulerSyncScheduler scheduler;

  @Before
  public void setUp() {
    TestApplication app = (TestApplication) RuntimeEnvironment.getApplication();
    jobScheduler = app.getSystemService(JobScheduler.class);
    scheduler = JobSchedulerSyncScheduler.builder(app).clock(clock).executor(executor).build();
    app.install(scheduler);
  }

  @After
  public void tearDown() {
    scheduler.close();
  }

  private SyncEngine client(SyncPolicy policy) {
    return SyncEngine.builder()
        .replicaId("phone")
        .store(new MemoryStore())
        .clock(clock)
        .random(new Random(3))
        .ioScheduler(Schedulers.trampoline())
        .scheduler(scheduler)
        .syncPolicy(policy)
        .batchLimits(100, 1 << 20)
        .peer(Peer.of("server", transport, "default"))
        .build();
  }

  private JobInfo job(String what, boolean retry) {
    int id = scheduler.jobId("syncline.phone." + what, retry);
    return id < 0 ? null : jobScheduler.getPendingJob(id);
  }

  private Jobs.Started run(JobInfo job) {
    Jobs.Started s = Jobs.start(job);
    executor.runAll();
    if (!job.isPeriodic() && jobScheduler.getPendingJob(job.getId()) == job) {
      jobScheduler.cancel(job.getId()); // the system drops a finished one-off job
    }
    return s;
  }

  @Test
  public void deviceIdleIsAJobConstraint() {
    client(SyncPolicy.builder().requiresDeviceIdle(true).build()).enableBackgroundSync();
    assertThat(job("periodic", false).isRequireDeviceIdle()).isTrue();
  }

  @Test
  public void anIntervalBelowThePlatformsMinimumRunsEveryFifteenMinutes() {
    client(SyncPolicy.builder().interval(Duration.ofMinutes(5)).build()).enableBackgroundSync();
    assertThat(job("periodic", false).getIntervalMillis())
        .isEqualTo(Duration.ofMinutes(15).toMillis());
  }

  @Test
  public void withoutExpeditingAUserRequestIsARegularJob() {
    SyncEngine c = client(SyncPolicy.builder().expediteOnUserAction(false).build());
    c.enableBackgroundSync();
    c.requestSync();
    assertThat(job("user", false).isExpedited()).isFalse();
  }

  @Test
  public void noStalenessBoundMeansNoStaleJob() {
    client(SyncPolicy.DEFAULT).enableBackgroundSync();
    assertThat(job("stale", false)).isNull();
  }

  @Test
  public void aPushOnlyRunDrainsTheOutboxWithoutPulling() {
    SyncEngine c = client(SyncPolicy.builder().mode(SyncPolicy.Mode.PUSH_ONLY).build());
    c.enableBackgroundSync();
    c.collection("notes").putJson("mine", "{}");
    run(job("periodic", false));
    assertThat(serverStore.headSeq()).isEqualTo(1);
    assertThat(transport.deliveredPulls()).isEmpty();
  }

  @Test
  public void aRunThatReachesMaxRunTimeContinuesAtOnceWithoutSendingTwice() {
    transport.setLatency(clock, Duration.ofSeconds(1));
    SyncEngine c =
        client(
            SyncPolicy.builder()
                .network(Constraints.Network.UNMETERED)
                .maxRunTime(Duration.ofSeconds(5))
                .build());
    for (int i = 0; i < 1000; i++) {
      c.collection("notes").putJson("n" + i, "{}");
    }
    c.enableBackgroundSync();
    run(job("periodic", false));
    assertThat(serverStore.headSeq()).isBetween(1L, 999L); // stopped at the deadline
    JobInfo more = job("periodic", true);
    assertThat(more.getMinLatencyMillis()).isZero(); // not a failure: no backoff
    assertThat(Jobs.networkType(more)).isEqualTo(JobInfo.NETWORK_TYPE_UNMETERED);
    int runs = 1;
    for (; more != null && runs < 50; runs++) {
      run(more);
      more = job("periodic", true);
    }
    assertThat(runs).isGreaterThan(2);
    assertThat(serverStore.headSeq()).isEqualTo(1000);
    assertThat(transport.deliveredPushChanges()).isEqualTo(1000);
    assertThat(c.pendingRecords()).isEmpty();
  }
}
