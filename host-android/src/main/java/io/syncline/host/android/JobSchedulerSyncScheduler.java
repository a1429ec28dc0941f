package io.syncline.host.android;

import android.app.job.JobInfo;
import android.app.job.JobParameters;
import android.app.job.JobScheduler;
import android.content.ComponentName;
import android.content.Context;
import android.os.Build;
import android.os.PersistableBundle;
import android.util.Log;
import io.syncline.spi.BackgroundWork;
import io.syncline.spi.Clock;
import io.syncline.spi.HostConditions;
import io.syncline.spi.SyncScheduler;
import io.syncline.spi.WorkRequest;
import io.syncline.spi.WorkResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs the engine's background work as Android {@link JobScheduler} jobs, which the system runs
 * under the work's constraints (network, charging, battery not low, idle), across process death and
 * reboots.
 *
 * <pre>{@code
 * public final class App extends Application implements SyncJobService.Host {
 *   private JobSchedulerSyncScheduler scheduler;
 *   private SyncEngine engine;
 *
 *   public void onCreate() {
 *     super.onCreate();
 *     scheduler = JobSchedulerSyncScheduler.builder(this).build();
 *     engine = SyncEngine.builder()...scheduler(scheduler).syncPolicy(policy).build();
 *     engine.enableBackgroundSync(); // every start: registers the work the jobs run
 *   }
 *
 *   public JobSchedulerSyncScheduler syncScheduler() {
 *     return scheduler;
 *   }
 * }
 * }</pre>
 *
 * <p><b>Mapping.</b> Each {@link WorkRequest} becomes one persisted job for {@link SyncJobService}:
 * the network constraint becomes the job's network type ({@code NONE}, {@code ANY}, {@code
 * UNMETERED}); charging, battery not low and device idle map one to one; periodic work becomes a
 * periodic job (at least every 15 minutes, the platform's minimum; its initial delay is dropped,
 * the first run comes within the first period); one-off work becomes a job with that minimum
 * latency; expedited work becomes an expedited job on API 31+ when it has no delay and no power or
 * idle constraint (the platform allows no more), and as a regular job when the platform refuses it
 * (out of expedited-job quota). Work is unique by name: scheduling a name again replaces its job,
 * except that re-scheduling identical periodic work keeps the pending job, so that enabling
 * background sync at every app start neither resets the period nor stops a running job.
 *
 * <p><b>Job ids</b> derive from work names by a stable hash into {@link Builder#jobIdRange} (by
 * default {@value #DEFAULT_FIRST_JOB_ID} to {@value #DEFAULT_LAST_JOB_ID}); a name whose slot is
 * taken by another name or by a job that is not ours takes the next free one, and keeps an id it
 * already has. Keep the app's own job ids outside the range.
 *
 * <p><b>Runs.</b> The system starts a job in {@link SyncJobService}, which hands it to this
 * scheduler; the run happens on the executor (never the main thread) with a deadline of the work's
 * {@code maxRunTime}, and ends with {@code jobFinished(params, false)}: the system's own backoff is
 * never used. A run that asks to retry is scheduled again after the engine's delay: one-off work as
 * its own job, periodic work as a one-off retry companion beside the periodic job (which keeps its
 * period). A run that fails is not retried (periodic work keeps its period). When the system stops
 * a job (its constraints no longer hold, or its window ended) before the run returned, the job asks
 * the system to reschedule it; the engine stops at its deadline, keeping every finished batch.
 *
 * <p><b>Process death and reboot.</b> Jobs are persisted (the app needs {@code
 * RECEIVE_BOOT_COMPLETED}) and outlive the process, but the work they run lives in the app's
 * engine, which registers it here by scheduling it. A job started in a fresh process finds its work
 * once the app has built its engine and enabled background sync, which it does in {@code
 * Application.onCreate} (before any service starts) or lazily in {@link
 * SyncJobService.Host#syncScheduler()}. A job whose work is not registered ends at once without a
 * run; periodic jobs come back at their next period, one-off jobs are gone and the app's engine
 * schedules anew when it starts (its outbox keeps every unsynced change meanwhile).
 *
 * <p><b>Conditions.</b> JobScheduler enforces constraints; {@link AndroidConditions} observes the
 * same conditions so that due work held back by one tells the engine which ({@link
 * BackgroundWork#waiting}, decided by {@link io.syncline.spi.Constraints#firstUnmet} as on every
 * host), and so that connectivity coming back reaches every registered work ({@link
 * BackgroundWork#networkRestored}).
 *
 * <p>Thread-safe. {@link #schedule} and {@link #cancel} may be called from any thread and talk to
 * the system service (a binder call) on the caller's thread; they throw what JobScheduler throws
 * (for example {@link IllegalStateException} past the platform's limit of pending jobs). Runs
 * happen on the executor, one at a time with the default executor. Conditions arrive on the main
 * thread.
 */
public final class JobSchedulerSyncScheduler implements SyncScheduler, AutoCloseable {
  /** The first job id of the default range. */
  public static final int DEFAULT_FIRST_JOB_ID = 0x5359_0000;

  /** The last job id of the default range (65 536 ids). */
  public static final int DEFAULT_LAST_JOB_ID = 0x5359_FFFF;

  static final String TAG = "Syncline";

  private final JobScheduler jobs;
  private final ComponentName service;
  private final Clock clock;
  private final Executor executor;
  private final ExecutorService ownedExecutor;
  private final AndroidConditions conditions;
  private final boolean ownsConditions;
  private final Runnable conditionsListener = this::conditionsChanged;
  private final int sdkInt;
  private final Object lock = new Object();
  // Guarded by lock.
  private final JobIds ids;
  private final Map<String, Registration> registry = new TreeMap<>();
  private final Map<Integer, Run> running = new HashMap<>();
  private boolean connected;

  /** Work registered under a name: what the engine asked for and what runs it. */
  private static final class Registration {
    final WorkRequest request;
    final BackgroundWork work;
    // When the work is next due, by the clock; Long.MAX_VALUE when no run is pending. Guarded by
    // the scheduler's lock.
    long dueAtMillis;

    Registration(WorkRequest request, BackgroundWork work, long dueAtMillis) {
      this.request = request;
      this.work = work;
      this.dueAtMillis = dueAtMillis;
    }
  }

  /** One started job: its run on the executor and what the system said meanwhile. */
  private final class Run implements Runnable {
    final SyncJobService jobService;
    final JobParameters params;
    final Registration registration;
    final boolean retryJob;
    // Guarded by lock.
    boolean stopped;

    Run(SyncJobService jobService, JobParameters params, Registration r, boolean retryJob) {
      this.jobService = jobService;
      this.params = params;
      this.registration = r;
      this.retryJob = retryJob;
    }

    @Override
    public void run() {
      boolean current;
      synchronized (lock) {
        if (stopped) {
          return; // the system stopped the job before it ran; it reschedules it
        }
        current = registry.get(registration.request.name()) == registration;
      }
      if (!current) {
        // Cancelled or replaced by other work before the run began: nothing to run.
        finished(this, null);
        return;
      }
      WorkRequest request = registration.request;
      WorkResult result;
      try {
        result = registration.work.run(clock.millis() + request.maxRunTime().toMillis());
      } catch (RuntimeException e) {
        // BackgroundWork never throws; one that does failed, and retrying it cannot help.
        Log.e(TAG, "background work " + request.name() + " threw", e);
        result = new WorkResult(WorkResult.Status.FAILURE, Duration.ZERO);
      }
      finished(this, result);
    }
  }

  private JobSchedulerSyncScheduler(Builder b) {
    this.jobs = b.context.getSystemService(JobScheduler.class);
    if (jobs == null) {
      throw new IllegalStateException("no JobScheduler service on this device");
    }
    this.service = new ComponentName(b.context, b.jobService);
    this.clock = b.clock;
    if (b.executor != null) {
      this.executor = b.executor;
      this.ownedExecutor = null;
    } else {
      this.ownedExecutor =
          Executors.newSingleThreadExecutor(
              r -> {
                Thread t = new Thread(r, "syncline-jobs");
                t.setDaemon(true);
                return t;
              });
      this.executor = ownedExecutor;
    }
    this.ownsConditions = b.conditions == null;
    this.conditions = ownsConditions ? AndroidConditions.start(b.context) : b.conditions;
    this.sdkInt = b.sdkInt;
    this.ids = new JobIds(b.firstJobId, b.lastJobId);
    synchronized (lock) {
      // Learn the ids of jobs that outlived an earlier process.
      for (JobInfo job : jobs.getAllPendingJobs()) {
        String key = keyOf(job);
        if (key != null) {
          ids.remember(key, job.getId());
        }
      }
      connected = conditions.current().connected();
    }
    conditions.addListener(conditionsListener);
  }

  /** A builder for an app's scheduler; {@code context} is any context of the app. */
  public static Builder builder(Context context) {
    return new Builder(context);
  }

  @Override
  public void schedule(WorkRequest request, BackgroundWork work) {
    Objects.requireNonNull(request, "request == null");
    Objects.requireNonNull(work, "work == null");
    Registration r;
    String unmet = null;
    synchronized (lock) {
      long now = clock.millis();
      Registration old = registry.get(request.name());
      if (old != null && old.work == work && old.request.equals(request)) {
        // The same work again (an app start, a debounce): a run in progress stays current.
        r = old;
        r.dueAtMillis = now + request.initialDelay().toMillis();
      } else {
        r = new Registration(request, work, now + request.initialDelay().toMillis());
        registry.put(request.name(), r);
      }
      JobPlan plan = JobPlan.of(request, false, request.initialDelay());
      int id = idFor(plan.key());
      if (!(plan.periodic() && isPending(id, plan))) {
        submit(plan, id);
      }
      if (r.dueAtMillis <= now) {
        unmet = request.constraints().firstUnmet(conditions.current());
      }
    }
    if (unmet != null) {
      work.waiting(unmet);
    }
  }

  @Override
  public void cancel(String name) {
    Objects.requireNonNull(name, "name == null");
    synchronized (lock) {
      registry.remove(name);
      cancelJob(JobPlan.key(name, false));
      cancelJob(JobPlan.key(name, true));
    }
  }

  /** The names of work registered in this process, in order (for diagnostics and tests). */
  public List<String> registeredNames() {
    synchronized (lock) {
      return new ArrayList<>(registry.keySet());
    }
  }

  /**
   * The platform job id of work {@code name} (or of its retry companion), or -1 if it has none yet
   * (for diagnostics and tests).
   */
  public int jobId(String name, boolean retryCompanion) {
    Objects.requireNonNull(name, "name == null");
    synchronized (lock) {
      return ids.known(JobPlan.key(name, retryCompanion));
    }
  }

  /**
   * Stops following device conditions and, with the default executor, stops running work; pending
   * jobs stay scheduled with the system (they are the app's, across processes: disable background
   * sync to cancel them). Idempotent.
   */
  @Override
  public void close() {
    conditions.removeListener(conditionsListener);
    if (ownsConditions) {
      conditions.close();
    }
    if (ownedExecutor != null) {
      ownedExecutor.shutdown();
    }
  }

  // ---- called by SyncJobService, on the main thread ----

  /**
   * Starts the run of a job; returns whether the job goes on (then {@code jobFinished} follows),
   * false when there is nothing to run.
   */
  boolean startJob(SyncJobService jobService, JobParameters params) {
    PersistableBundle extras = params.getExtras();
    String name = extras.getString(JobPlan.EXTRA_NAME);
    if (name == null) {
      Log.w(TAG, "job " + params.getJobId() + " carries no work name; ignored");
      return false;
    }
    boolean retryJob = extras.getBoolean(JobPlan.EXTRA_RETRY, false);
    Run run;
    synchronized (lock) {
      Registration r = registry.get(name);
      if (r == null) {
        Log.i(
            TAG,
            "no work registered for "
                + name
                + " in this process; the app schedules it again when it enables background sync");
        return false;
      }
      r.dueAtMillis = Long.MAX_VALUE;
      run = new Run(jobService, params, r, retryJob);
      running.put(params.getJobId(), run);
    }
    try {
      executor.execute(run);
    } catch (RejectedExecutionException e) {
      // The app closed this scheduler; periodic jobs come back, the app schedules anew.
      synchronized (lock) {
        running.remove(params.getJobId());
      }
      Log.w(TAG, "scheduler closed; job for " + name + " ends without a run", e);
      return false;
    }
    return true;
  }

  /**
   * The system stops a job before its run returned; returns whether the system should reschedule it
   * (true while the run had not finished).
   */
  boolean stopJob(JobParameters params) {
    synchronized (lock) {
      Run run = running.remove(params.getJobId());
      if (run == null) {
        return false;
      }
      run.stopped = true;
      return true;
    }
  }

  // ---- internals ----

  /** Ends a run that returned {@code result}, or that did not run (null). */
  private void finished(Run run, WorkResult result) {
    Registration r = run.registration;
    String name = r.request.name();
    boolean tellSystem;
    synchronized (lock) {
      tellSystem = !run.stopped;
      running.remove(run.params.getJobId(), run);
    }
    if (tellSystem) {
      // Before scheduling anything under this job's id: scheduling a running job's id stops it.
      run.jobService.jobFinished(run.params, false);
    }
    synchronized (lock) {
      if (result == null || registry.get(name) != r) {
        return; // cancelled or replaced while it ran
      }
      long now = clock.millis();
      switch (result.status()) {
        case RETRY:
          {
            // A retry of periodic work runs beside the periodic job, which keeps its period.
            boolean companion = r.request.periodic();
            JobPlan plan = JobPlan.of(r.request, companion, result.retryAfter());
            submit(plan, idFor(plan.key()));
            r.dueAtMillis = now + result.retryAfter().toMillis();
            break;
          }
        case SUCCESS:
        case FAILURE:
          if (!run.retryJob) {
            // The work's own run settled it; a retry still pending would only repeat it.
            cancelJob(JobPlan.key(name, true));
          }
          r.dueAtMillis =
              r.request.periodic()
                  ? now + Math.max(r.request.interval().toMillis(), JobPlan.MIN_PERIOD_MILLIS)
                  : Long.MAX_VALUE;
          break;
        default:
          throw new AssertionError(result);
      }
    }
  }

  private void conditionsChanged() {
    HostConditions now = conditions.current();
    List<BackgroundWork> restored = new ArrayList<>();
    List<Registration> held = new ArrayList<>();
    List<String> unmet = new ArrayList<>();
    synchronized (lock) {
      boolean wasConnected = connected;
      connected = now.connected();
      Map<BackgroundWork, Boolean> seen = new IdentityHashMap<>();
      long time = clock.millis();
      for (Registration r : registry.values()) {
        if (connected && !wasConnected && seen.put(r.work, Boolean.TRUE) == null) {
          restored.add(r.work);
        }
        String u = r.dueAtMillis <= time ? r.request.constraints().firstUnmet(now) : null;
        if (u != null) {
          held.add(r);
          unmet.add(u);
        }
      }
    }
    for (BackgroundWork w : restored) {
      w.networkRestored();
    }
    for (int i = 0; i < held.size(); i++) {
      held.get(i).work.waiting(unmet.get(i));
    }
  }

  private int idFor(String key) {
    return ids.idFor(
        key,
        id -> {
          JobInfo pending = jobs.getPendingJob(id);
          if (pending == null) {
            return null;
          }
          String k = keyOf(pending);
          return k == null ? "" : k;
        });
  }

  private boolean isPending(int id, JobPlan plan) {
    JobInfo pending = jobs.getPendingJob(id);
    return pending != null
        && plan.spec().equals(pending.getExtras().getString(JobPlan.EXTRA_SPEC))
        && service.equals(pending.getService());
  }

  private void submit(JobPlan plan, int id) {
    int result = jobs.schedule(plan.toJobInfo(id, service, sdkInt));
    if (result != JobScheduler.RESULT_SUCCESS && plan.expedited()) {
      // Out of expedited-job quota: run it as soon as a regular job may, rather than not at all.
      Log.i(TAG, "expedited job refused for " + plan.name() + "; scheduling it as a regular job");
      result = jobs.schedule(plan.withoutExpedited().toJobInfo(id, service, sdkInt));
    }
    if (result != JobScheduler.RESULT_SUCCESS) {
      throw new IllegalStateException("JobScheduler refused job " + id + " for " + plan);
    }
  }

  private void cancelJob(String key) {
    int id = ids.known(key);
    if (id >= 0) {
      jobs.cancel(id);
    }
  }

  /** The job key a pending job of ours carries, or null for a job that is not ours. */
  private static String keyOf(JobInfo job) {
    PersistableBundle extras = job.getExtras();
    String name = extras.getString(JobPlan.EXTRA_NAME);
    return name == null ? null : JobPlan.key(name, extras.getBoolean(JobPlan.EXTRA_RETRY, false));
  }

  /** Builds a {@link JobSchedulerSyncScheduler}; {@link #build()} validates. Not thread-safe. */
  public static final class Builder {
    private final Context context;
    private Class<? extends SyncJobService> jobService = SyncJobService.class;
    private Clock clock = Clock.SYSTEM;
    private Executor executor;
    private AndroidConditions conditions;
    private int firstJobId = DEFAULT_FIRST_JOB_ID;
    private int lastJobId = DEFAULT_LAST_JOB_ID;
    private int sdkInt = Build.VERSION.SDK_INT;

    private Builder(Context context) {
      this.context =
          Objects.requireNonNull(context, "context == null").getApplicationContext() != null
              ? context.getApplicationContext()
              : context;
    }

    /**
     * The service the jobs start (default {@link SyncJobService}); a subclass must be declared in
     * the manifest in its place.
     */
    public Builder jobService(Class<? extends SyncJobService> jobService) {
      this.jobService = Objects.requireNonNull(jobService, "jobService == null");
      return this;
    }

    /** The clock run deadlines are computed on: the engine's (default: the system clock). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    /**
     * Where runs happen (default: one background thread of the scheduler's own). Never the main
     * thread: runs block for the length of a sync.
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor == null");
      return this;
    }

    /**
     * Where device conditions come from (default: {@link AndroidConditions#start}, closed with the
     * scheduler). One given here is the caller's to close.
     */
    public Builder conditions(AndroidConditions conditions) {
      this.conditions = Objects.requireNonNull(conditions, "conditions == null");
      return this;
    }

    /**
     * The job ids this scheduler may use, inclusive; keep them apart from the app's own jobs and
     * keep them the same across releases (a changed range strands jobs of the old one until their
     * work is cancelled or scheduled again).
     */
    public Builder jobIdRange(int first, int last) {
      if (first < 0 || last < first) {
        throw new IllegalArgumentException("jobIdRange [" + first + ", " + last + "] is empty");
      }
      this.firstJobId = first;
      this.lastJobId = last;
      return this;
    }

    /** The API level to build jobs for (tests only; default: this device's). */
    Builder sdkInt(int sdkInt) {
      this.sdkInt = sdkInt;
      return this;
    }

    /**
     * The scheduler.
     *
     * @throws IllegalStateException if jobs could not find it after process death: with the default
     *     {@link SyncJobService}, the application must implement {@link SyncJobService.Host}
     */
    public JobSchedulerSyncScheduler build() {
      if (jobService == SyncJobService.class && !(context instanceof SyncJobService.Host)) {
        throw new IllegalStateException(
            context.getClass().getName()
                + " must implement SyncJobService.Host (or give jobService(...) a SyncJobService"
                + " subclass that overrides scheduler()), so that jobs started after process death"
                + " find this scheduler");
      }
      return new JobSchedulerSyncScheduler(this);
    }
  }
}
