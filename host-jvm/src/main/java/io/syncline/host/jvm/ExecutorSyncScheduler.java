package io.syncline.host.jvm;

import io.syncline.spi.BackgroundWork;
import io.syncline.spi.Clock;
import io.syncline.spi.HostConditions;
import io.syncline.spi.SyncScheduler;
import io.syncline.spi.WorkRequest;
import io.syncline.spi.WorkResult;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the engine's background work on a {@link ScheduledExecutorService}, for desktops and
 * servers. Work runs when it is due and its constraints hold ({@link
 * io.syncline.spi.Constraints#firstUnmet}, fed by a {@link ConditionsMonitor}); due work whose
 * constraints do not hold waits, tells the engine which constraint it waits for, and runs as soon
 * as the conditions change. When connectivity comes back the engine hears of it ({@link
 * BackgroundWork#networkRestored()}) and runs at once. A run that asks to retry runs again after
 * the delay it names (the engine's backoff), not after a delay of this scheduler's own.
 *
 * <pre>{@code
 * ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
 * ExecutorSyncScheduler scheduler = ExecutorSyncScheduler.builder()
 *     .executor(executor)
 *     .conditions(PollingConditions.start(executor, new SystemConditions()::read,
 *         Duration.ofSeconds(10)))
 *     .build();
 * SyncEngine engine = SyncEngine.builder()...scheduler(scheduler).build();
 * engine.enableBackgroundSync();
 * }</pre>
 *
 * <p>Thread-safe. All bookkeeping and every run happen on the executor, one at a time, so work of
 * one name never runs twice at once; give it a single-threaded executor of its own, since runs
 * block it for their duration. The caller owns the executor: {@link #close()} stops scheduling but
 * does not shut the executor down.
 */
public final class ExecutorSyncScheduler implements SyncScheduler, AutoCloseable {
  private final ScheduledExecutorService executor;
  private final Clock clock;
  private final ConditionsMonitor conditions;
  // Touched only on the executor.
  private final Map<String, Job> jobs = new TreeMap<>();
  private boolean connected;
  private volatile boolean closed;

  private static final class Job {
    final WorkRequest request;
    final BackgroundWork work;
    ScheduledFuture<?> timer;
    boolean waiting;

    Job(WorkRequest request, BackgroundWork work) {
      this.request = request;
      this.work = work;
    }
  }

  private ExecutorSyncScheduler(Builder b) {
    this.executor = b.executor;
    this.clock = b.clock;
    this.conditions = b.conditions;
    this.connected = conditions.current().connected();
    conditions.addListener(() -> submit(this::conditionsChanged));
  }

  /** A builder; the executor is required. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public void schedule(WorkRequest request, BackgroundWork work) {
    Objects.requireNonNull(request, "request == null");
    Objects.requireNonNull(work, "work == null");
    submit(
        () -> {
          cancelNow(request.name());
          Job job = new Job(request, work);
          jobs.put(request.name(), job);
          arm(job, request.initialDelay().toMillis());
        });
  }

  @Override
  public void cancel(String name) {
    Objects.requireNonNull(name, "name == null");
    submit(() -> cancelNow(name));
  }

  /** The names of scheduled work (for diagnostics and tests). Call from any thread. */
  public List<String> scheduledNames() {
    synchronized (jobs) {
      return new ArrayList<>(jobs.keySet());
    }
  }

  /** Stops scheduling and cancels every timer; a run in progress finishes. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      executor.execute(
          () -> {
            synchronized (jobs) {
              for (Job j : jobs.values()) {
                if (j.timer != null) {
                  j.timer.cancel(false);
                }
              }
              jobs.clear();
            }
          });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // The executor is already shut down: nothing can run any more.
    }
  }

  private void submit(Runnable r) {
    if (!closed) {
      executor.execute(
          () -> {
            if (!closed) {
              synchronized (jobs) {
                r.run();
              }
            }
          });
    }
  }

  private void cancelNow(String name) {
    Job old = jobs.remove(name);
    if (old != null && old.timer != null) {
      old.timer.cancel(false);
    }
  }

  private void arm(Job job, long delayMillis) {
    job.timer = executor.schedule(() -> submit(() -> due(job)), delayMillis, TimeUnit.MILLISECONDS);
  }

  private void due(Job job) {
    if (jobs.get(job.request.name()) != job) {
      return; // cancelled or replaced
    }
    job.timer = null;
    String unmet = job.request.constraints().firstUnmet(conditions.current());
    if (unmet != null) {
      job.waiting = true;
      job.work.waiting(unmet);
      return;
    }
    job.waiting = false;
    WorkResult result;
    try {
      result = job.work.run(clock.millis() + job.request.maxRunTime().toMillis());
    } catch (RuntimeException e) {
      result = new WorkResult(WorkResult.Status.FAILURE, java.time.Duration.ZERO);
    }
    if (jobs.get(job.request.name()) != job) {
      return; // cancelled or replaced while it ran
    }
    if (result.status() == WorkResult.Status.RETRY) {
      arm(job, result.retryAfter().toMillis());
    } else if (job.request.periodic()) {
      arm(job, job.request.interval().toMillis());
    } else {
      jobs.remove(job.request.name());
    }
  }

  private void conditionsChanged() {
    HostConditions now = conditions.current();
    boolean wasConnected = connected;
    connected = now.connected();
    if (connected && !wasConnected) {
      Map<BackgroundWork, Boolean> told = new IdentityHashMap<>();
      for (Job j : new ArrayList<>(jobs.values())) {
        if (told.put(j.work, Boolean.TRUE) == null) {
          j.work.networkRestored();
        }
      }
    }
    for (Job j : new ArrayList<>(jobs.values())) {
      if (j.waiting) {
        due(j);
      }
    }
  }

  /** Builds an {@link ExecutorSyncScheduler}. Not thread-safe. */
  public static final class Builder {
    private ScheduledExecutorService executor;
    private Clock clock = Clock.SYSTEM;
    private ConditionsMonitor conditions = new ManualConditions(HostConditions.UNKNOWN);

    private Builder() {}

    /** Where timers and runs happen; required; owned by the caller. */
    public Builder executor(ScheduledExecutorService executor) {
      this.executor = Objects.requireNonNull(executor, "executor == null");
      return this;
    }

    /** The clock deadlines are computed on; the engine's clock (default: the system clock). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    /** Where network and power conditions come from (default: unknown, which allows all). */
    public Builder conditions(ConditionsMonitor conditions) {
      this.conditions = Objects.requireNonNull(conditions, "conditions == null");
      return this;
    }

    /** The scheduler. */
    public ExecutorSyncScheduler build() {
      Objects.requireNonNull(executor, "executor == null");
      return new ExecutorSyncScheduler(this);
    }
  }
}
