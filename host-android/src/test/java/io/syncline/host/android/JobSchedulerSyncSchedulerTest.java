package io.syncline.host.android;

import static org.assertj.core.api.Assertions.assertThat;

import android.app.job.JobInfo;
import android.app.job.JobScheduler;
import io.reactivex.rxjava3.schedulers.Schedulers;
import io.syncline.engine.Peer;
import io.syncline.engine.RetryPolicy;
import io.syncline.engine.SyncEngine;
import io.syncline.engine.SyncPolicy;
import io.syncline.engine.SyncStatus;
import io.syncline.spi.BackgroundWork;
import io.syncline.spi.Constraints;
import io.syncline.spi.HostConditions;
import io.syncline.spi.WorkRequest;
import io.syncline.spi.WorkResult;
import io.syncline.store.memory.MemoryStore;
import io.syncline.testkit.FakeClock;
import io.syncline.testkit.LoopbackTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.robolectric.RobolectricTestRunner;
import org.robolectric.RuntimeEnvironment;
import org.robolectric.Shadows;
import org.robolectric.annotation.Config;

/** The Android scheduler driving a real engine, with the system's part played by the test. */
@RunWith(RobolectricTestRunner.class)
@Config(sdk = 35, application = TestApplication.class)
public class JobSchedulerSyncSchedulerTest {
  private static final String PERIODIC = "syncline.phone.periodic";

  private final FakeClock clock = new FakeClock();
  private final Jobs.QueueExecutor executor = new Jobs.QueueExecutor();
  private final MemoryStore serverStore = new MemoryStore();
  private final SyncEngine server =
      SyncEngine.builder()
          .replicaId("server")
          .store(serverStore)
          .clock(clock)
          .ioScheduler(Schedulers.trampoline())
          .build();
  private final LoopbackTransport transport = new LoopbackTransport(server.handler());
  private TestApplication app;
  private JobScheduler jobScheduler;
  private Device device;
  private AndroidConditions conditions;
  private JobSchedulerSyncScheduler scheduler;

  @Before
  public void setUp() {
    app = (TestApplication) RuntimeEnvironment.getApplication();
    jobScheduler = app.getSystemService(JobScheduler.class);
    device = new Device(app);
    conditions = AndroidConditions.start(app);
    device.network(HostConditions.Network.UNMETERED);
    scheduler = newScheduler();
  }

  @After
  public void tearDown() {
    scheduler.close();
    conditions.close();
  }

  /** A scheduler as the app builds one at every start, installed where jobs find it. */
  private JobSchedulerSyncScheduler newScheduler() {
    JobSchedulerSyncScheduler s =
        JobSchedulerSyncScheduler.builder(app)
            .clock(clock)
            .executor(executor)
            .conditions(conditions)
            .build();
    app.install(s);
    return s;
  }

  private SyncEngine client(SyncPolicy policy) {
    return SyncEngine.builder()
        .replicaId("phone")
        .store(new MemoryStore())
        .clock(clock)
        .random(new Random(1))
        .ioScheduler(Schedulers.trampoline())
        .scheduler(scheduler)
        .syncPolicy(policy)
        .retryPolicy(RetryPolicy.builder().initialDelay(Duration.ofSeconds(30)).build())
        .peer(Peer.of("server", transport, "default"))
        .build();
  }

  /** The pending job of work {@code what} (or of its retry companion), or null. */
  private JobInfo job(String what, boolean retry) {
    int id = scheduler.jobId("syncline.phone." + what, retry);
    return id < 0 ? null : jobScheduler.getPendingJob(id);
  }

  private JobInfo job(String what) {
    return job(what, false);
  }

  /** The system starts the job and the background thread runs it. */
  private Jobs.Started runJob(JobInfo job) {
    Jobs.Started started = Jobs.start(job);
    assertThat(started.goesOn()).isTrue();
    assertThat(started.finished()).isFalse(); // the main thread only handed it over
    assertThat(executor.runAll()).isEqualTo(1);
    // The system drops a one-off job once it finished (unless the app scheduled it anew).
    if (!job.isPeriodic() && started.finished() && jobScheduler.getPendingJob(job.getId()) == job) {
      jobScheduler.cancel(job.getId());
    }
    return started;
  }

  @Test
  public void enablingBackgroundSyncSchedulesAPersistedJobUnderThePolicysConstraints() {
    SyncEngine c =
        client(
            SyncPolicy.builder()
                .network(Constraints.Network.UNMETERED)
                .requiresCharging(true)
                .requiresBatteryNotLow(true)
                .interval(Duration.ofHours(1))
                .maxStaleness(Duration.ofHours(12))
                .build());
    assertThat(jobScheduler.getAllPendingJobs()).isEmpty();
    c.enableBackgroundSync();

    JobInfo periodic = job("periodic");
    assertThat(periodic.getService().getClassName()).isEqualTo(SyncJobService.class.getName());
    assertThat(periodic.isPersisted()).isTrue();
    assertThat(periodic.isPeriodic()).isTrue();
    assertThat(periodic.getIntervalMillis()).isEqualTo(Duration.ofHours(1).toMillis());
    assertThat(Jobs.networkType(periodic)).isEqualTo(JobInfo.NETWORK_TYPE_UNMETERED);
    assertThat(periodic.isRequireCharging()).isTrue();
    assertThat(periodic.isRequireBatteryNotLow()).isTrue();
    assertThat(periodic.isRequireDeviceIdle()).isFalse();
    assertThat(periodic.getExtras().getString(JobPlan.EXTRA_NAME)).isEqualTo(PERIODIC);
    // Past the staleness bound only the network matters.
    JobInfo stale = job("stale");
    assertThat(stale.isPeriodic()).isFalse();
    assertThat(stale.getMinLatencyMillis()).isEqualTo(Duration.ofHours(12).toMillis());
    assertThat(Jobs.networkType(stale)).isEqualTo(JobInfo.NETWORK_TYPE_ANY);
    assertThat(stale.isRequireCharging()).isFalse();
    assertThat(stale.isPersisted()).isTrue();
    assertThat(jobScheduler.getAllPendingJobs()).hasSize(2);
    assertThat(scheduler.registeredNames())
        .containsExactly("syncline.phone.periodic", "syncline.phone.stale");
  }

  @Test
  public void theJobRunsASyncAndThePeriodicJobStaysScheduled() {
    SyncEngine c = client(SyncPolicy.DEFAULT);
    c.collection("notes").putJson("a", "{}");
    c.enableBackgroundSync();
    JobInfo periodic = job("periodic");

    Jobs.Started run = runJob(periodic);
    assertThat(serverStore.headSeq()).isEqualTo(1);
    assertThat(c.pendingRecords()).isEmpty();
    assertThat(run.finished()).isTrue();
    assertThat(run.wantsReschedule()).isFalse();
    assertThat(job("periodic")).isSameAs(periodic); // still pending, untouched: next period
    assertThat(job("periodic", true)).isNull(); // no retry
    assertThat(c.currentStatus().state()).isEqualTo(SyncStatus.State.IDLE);
  }

  @Test
  public void aTransientFailureSchedulesARetryAfterTheEnginesDelayNotTheSystemsBackoff() {
    SyncEngine c = client(SyncPolicy.DEFAULT);
    c.collection("notes").putJson("a", "{}");
    c.enableBackgroundSync();
    transport.setOffline(true);

    Jobs.Started run = runJob(job("periodic"));
    // Finished without asking the system to reschedule: its backoff is not the engine's.
    assertThat(run.finished()).isTrue();
    assertThat(run.wantsReschedule()).isFalse();
    long engineDelay = c.currentStatus().nextAttemptAtMillis() - clock.millis();
    assertThat(engineDelay).isBetween(0L, 30_000L);
    JobInfo retry = job("periodic", true);
    assertThat(retry.isPeriodic()).isFalse();
    assertThat(retry.getMinLatencyMillis()).isEqualTo(engineDelay);
    assertThat(Jobs.networkType(retry)).isEqualTo(JobInfo.NETWORK_TYPE_ANY);
    assertThat(retry.isPersisted()).isTrue();
    assertThat(job("periodic")).isNotNull(); // the period goes on beside the retry

    // The system runs the retry when its latency has passed; the network is back.
    transport.setOffline(false);
    clock.advance(Duration.ofMillis(engineDelay));
    Jobs.Started again = runJob(retry);
    assertThat(again.finished()).isTrue();
    assertThat(serverStore.headSeq()).isEqualTo(1);
    assertThat(job("periodic", true)).isNull();
    assertThat(job("periodic")).isNotNull();
  }

  @Test
  public void aOneOffRunThatMustRetryIsScheduledAgainUnderItsOwnName() {
    SyncEngine c = client(SyncPolicy.builder().localChangeDebounce(Duration.ofSeconds(3)).build());
    c.enableBackgroundSync();
    c.collection("notes").putJson("a", "{}");
    JobInfo local = job("local");
    assertThat(local.getMinLatencyMillis()).isEqualTo(3_000);
    transport.setOffline(true);

    runJob(local);
    long engineDelay = c.currentStatus().nextAttemptAtMillis() - clock.millis();
    JobInfo retry = job("local");
    assertThat(retry).isNotSameAs(local);
    assertThat(retry.getId()).isEqualTo(local.getId());
    assertThat(retry.getMinLatencyMillis()).isEqualTo(engineDelay);
    assertThat(job("local", true)).isNull();
  }

  @Test
  public void aFailureIsNotRetried() {
    BackgroundWork failing = deadline -> new WorkResult(WorkResult.Status.FAILURE, Duration.ZERO);
    scheduler.schedule(
        WorkRequest.oneOff("app.once", Duration.ZERO, Constraints.CONNECTED, Duration.ofMinutes(1)),
        failing);
    Jobs.Started run = runJob(jobScheduler.getPendingJob(scheduler.jobId("app.once", false)));
    assertThat(run.finished()).isTrue();
    assertThat(run.wantsReschedule()).isFalse();
    assertThat(jobScheduler.getAllPendingJobs()).isEmpty();
  }

  @Test
  public void disablingCancelsEveryJob() {
    SyncEngine c = client(SyncPolicy.builder().maxStaleness(Duration.ofHours(1)).build());
    c.enableBackgroundSync();
    c.collection("notes").putJson("a", "{}");
    c.requestSync();
    transport.setOffline(true);
    runJob(job("periodic")); // leaves a retry companion
    assertThat(jobScheduler.getAllPendingJobs()).hasSize(5); // periodic, retry, stale, local, user

    c.disableBackgroundSync();
    assertThat(jobScheduler.getAllPendingJobs()).isEmpty();
    assertThat(scheduler.registeredNames()).isEmpty();
  }

  @Test
  public void aUserRequestIsAnExpeditedJobThatNeedsOnlyANetwork() {
    SyncEngine c =
        client(
            SyncPolicy.builder()
                .network(Constraints.Network.UNMETERED)
                .requiresCharging(true)
                .build());
    c.enableBackgroundSync();
    c.requestSync();
    JobInfo user = job("user");
    assertThat(user.isExpedited()).isTrue();
    assertThat(user.getMinLatencyMillis()).isZero();
    assertThat(Jobs.networkType(user)).isEqualTo(JobInfo.NETWORK_TYPE_ANY);
    assertThat(user.isRequireCharging()).isFalse();
  }

  @Test
  public void aLocalChangeSchedulesADebouncedJobThatTheNextChangeReplaces() {
    SyncEngine c = client(SyncPolicy.builder().localChangeDebounce(Duration.ofSeconds(2)).build());
    c.enableBackgroundSync();
    c.collection("notes").putJson("a", "{}");
    JobInfo first = job("local");
    assertThat(first.getMinLatencyMillis()).isEqualTo(2_000);
    c.collection("notes").putJson("b", "{}");
    JobInfo second = job("local");
    assertThat(second).isNotSameAs(first);
    assertThat(second.getId()).isEqualTo(first.getId()); // replaced, not added
    runJob(second);
    assertThat(serverStore.headSeq()).isEqualTo(2);
  }

  @Test
  public void afterProcessDeathJobsFindTheirWorkOnceTheAppRegistersItAgain() {
    client(SyncPolicy.DEFAULT).enableBackgroundSync();
    JobInfo periodic = job("periodic");

    // A new process (after a reboot or a kill): the persisted job is there, the work is not yet.
    scheduler.close();
    scheduler = newScheduler();
    assertThat(scheduler.jobId(PERIODIC, false)).isEqualTo(periodic.getId());
    assertThat(scheduler.registeredNames()).isEmpty();
    Jobs.Started early = Jobs.start(periodic);
    assertThat(early.goesOn()).isFalse(); // nothing to run: ends at once, the period goes on
    assertThat(executor.pending()).isZero();

    // Application.onCreate builds the engine and enables background sync, as at every start.
    SyncEngine c = client(SyncPolicy.DEFAULT);
    c.collection("notes").putJson("a", "{}");
    c.enableBackgroundSync();
    // Identical periodic work keeps its pending job: no reset period, no stopped run.
    assertThat(job("periodic")).isSameAs(periodic);
    runJob(periodic);
    assertThat(serverStore.headSeq()).isEqualTo(1);
  }

  @Test
  public void aChangedPolicyReplacesThePeriodicJob() {
    client(SyncPolicy.DEFAULT).enableBackgroundSync();
    JobInfo before = job("periodic");
    scheduler.close();
    scheduler = newScheduler();
    client(SyncPolicy.builder().interval(Duration.ofHours(2)).build()).enableBackgroundSync();
    JobInfo after = job("periodic");
    assertThat(after.getId()).isEqualTo(before.getId());
    assertThat(after.getIntervalMillis()).isEqualTo(Duration.ofHours(2).toMillis());
  }

  @Test
  public void theSystemStoppingARunAsksToRunAgainAndTheRunKeepsItsDeadline() {
    List<Long> deadlines = new ArrayList<>();
    AtomicReference<Jobs.Started> started = new AtomicReference<>();
    List<Boolean> stopAnswers = new ArrayList<>();
    BackgroundWork work =
        deadline -> {
          deadlines.add(deadline);
          // Mid-run, the system ends the job's window.
          stopAnswers.add(started.get().stop());
          return WorkResult.SUCCESS;
        };
    scheduler.schedule(
        WorkRequest.periodic(
            "app.sync",
            Duration.ZERO,
            Duration.ofHours(1),
            Constraints.CONNECTED,
            Duration.ofMinutes(7)),
        work);
    JobInfo job = jobScheduler.getPendingJob(scheduler.jobId("app.sync", false));
    started.set(Jobs.start(job));
    executor.runAll();
    assertThat(deadlines).containsExactly(clock.millis() + Duration.ofMinutes(7).toMillis());
    assertThat(stopAnswers).containsExactly(true); // not finished: reschedule
    assertThat(started.get().finished()).isFalse(); // the system ended it; no jobFinished after

    // Stopped before the background thread took it: the run does not start.
    Jobs.Started queued = Jobs.start(job);
    assertThat(queued.stop()).isTrue();
    executor.runAll();
    assertThat(deadlines).hasSize(1);
    // A job that is not running is not rescheduled.
    assertThat(queued.stop()).isFalse();
  }

  @Test
  public void dueWorkHeldBackByAConstraintTellsTheEngineWhich() {
    device.network(HostConditions.Network.METERED);
    SyncEngine c = client(SyncPolicy.builder().network(Constraints.Network.UNMETERED).build());
    c.enableBackgroundSync();
    assertThat(c.currentStatus().state()).isEqualTo(SyncStatus.State.WAITING);
    assertThat(c.currentStatus().detail()).isEqualTo("waiting for UNMETERED");

    device.network(HostConditions.Network.NONE);
    assertThat(c.currentStatus().detail()).isEqualTo("waiting for NETWORK");
  }

  @Test
  public void connectivityComingBackReachesTheEngineWhichRunsAtOnce() {
    SyncEngine c = client(SyncPolicy.DEFAULT);
    c.enableBackgroundSync();
    c.collection("notes").putJson("a", "{}");
    device.network(HostConditions.Network.NONE);
    assertThat(job("reconnect")).isNull();

    device.network(HostConditions.Network.METERED);
    JobInfo reconnect = job("reconnect");
    assertThat(reconnect.getMinLatencyMillis()).isZero();
    assertThat(Jobs.networkType(reconnect)).isEqualTo(JobInfo.NETWORK_TYPE_ANY);
    runJob(reconnect);
    assertThat(serverStore.headSeq()).isEqualTo(1);
    // Another network change while connected is no reconnection.
    jobScheduler.cancel(reconnect.getId());
    device.network(HostConditions.Network.UNMETERED);
    assertThat(job("reconnect")).isNull();
  }

  @Test
  public void runsHappenOffTheMainThreadByDefault() throws InterruptedException {
    JobSchedulerSyncScheduler own =
        JobSchedulerSyncScheduler.builder(app).clock(clock).conditions(conditions).build();
    app.install(own);
    CountDownLatch ran = new CountDownLatch(1);
    AtomicReference<Thread> thread = new AtomicReference<>();
    own.schedule(
        WorkRequest.oneOff("app.bg", Duration.ZERO, Constraints.CONNECTED, Duration.ofMinutes(1)),
        deadline -> {
          thread.set(Thread.currentThread());
          ran.countDown();
          return WorkResult.SUCCESS;
        });
    Jobs.Started started = Jobs.start(jobScheduler.getPendingJob(own.jobId("app.bg", false)));
    assertThat(started.goesOn()).isTrue();
    assertThat(ran.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(thread.get()).isNotSameAs(Thread.currentThread());
    assertThat(thread.get().getName()).isEqualTo("syncline-jobs");
    own.close();
  }

  @Test
  public void aUserRequestOutOfExpeditedQuotaStillRunsAsARegularJob() {
    Shadows.shadowOf(jobScheduler).failExpeditedJob(true);
    SyncEngine c = client(SyncPolicy.DEFAULT);
    c.enableBackgroundSync();
    c.requestSync();
    JobInfo user = job("user");
    assertThat(user.isExpedited()).isFalse();
    assertThat(user.getMinLatencyMillis()).isZero();
  }

  @Test
  public void workCancelledBeforeItsRunBeganDoesNotRun() {
    List<Long> runs = new ArrayList<>();
    scheduler.schedule(
        WorkRequest.oneOff("app.once", Duration.ZERO, Constraints.CONNECTED, Duration.ofMinutes(1)),
        deadline -> {
          runs.add(deadline);
          return WorkResult.SUCCESS;
        });
    Jobs.Started started =
        Jobs.start(jobScheduler.getPendingJob(scheduler.jobId("app.once", false)));
    scheduler.cancel("app.once");
    executor.runAll();
    assertThat(runs).isEmpty();
    assertThat(started.finished()).isTrue();
    assertThat(jobScheduler.getAllPendingJobs()).isEmpty();
  }

  @Test
  public void theSameWorkScheduledAgainDuringARunKeepsThatRunsRetry() {
    WorkRequest request =
        WorkRequest.periodic(
            "app.sync",
            Duration.ZERO,
            Duration.ofHours(1),
            Constraints.CONNECTED,
            Duration.ofMinutes(1));
    BackgroundWork[] work = new BackgroundWork[1];
    work[0] =
        deadline -> {
          scheduler.schedule(request, work[0]); // the app starts again and enables sync meanwhile
          return WorkResult.retry(Duration.ofSeconds(5));
        };
    scheduler.schedule(request, work[0]);
    runJob(jobScheduler.getPendingJob(scheduler.jobId("app.sync", false)));
    JobInfo retry = jobScheduler.getPendingJob(scheduler.jobId("app.sync", true));
    assertThat(retry.getMinLatencyMillis()).isEqualTo(5_000);
  }
}
