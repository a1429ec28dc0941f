package io.syncline.engine.internal;

import io.reactivex.rxjava3.core.Scheduler;
import io.reactivex.rxjava3.disposables.Disposable;
import io.syncline.spi.BackgroundWork;
import io.syncline.spi.Clock;
import io.syncline.spi.SyncScheduler;
import io.syncline.spi.WorkRequest;
import io.syncline.spi.WorkResult;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The scheduler the engine uses when the host gives none: work runs on an RxJava scheduler in this
 * process, for as long as the process lives. It cannot observe network or power, so it treats every
 * constraint as met. A run that asks to retry runs again once after the delay it names.
 *
 * <p>Work of one name never runs twice at once, and a run is never interrupted: new work of the
 * name replaces work still waiting, but waits for a run in progress to end, then starts.
 *
 * <p>Thread-safe.
 */
public final class RxSyncScheduler implements SyncScheduler {
  private final Scheduler scheduler;
  private final Clock clock;
  private final Object lock = new Object();
  // Per name: the task scheduled and not yet started (or periodic), the one running, and the
  // work to schedule once that run ends.
  private final Map<String, Task> waiting = new TreeMap<>();
  private final Map<String, Task> running = new TreeMap<>();
  private final Map<String, Task> afterRun = new TreeMap<>();

  private final class Task implements Runnable {
    final WorkRequest request;
    final BackgroundWork work;
    volatile Disposable disposable;

    Task(WorkRequest request, BackgroundWork work) {
      this.request = request;
      this.work = work;
    }

    @Override
    public void run() {
      String name = request.name();
      synchronized (lock) {
        if (waiting.get(name) != this || running.containsKey(name)) {
          return; // replaced or cancelled meanwhile, or a periodic tick while the last one runs
        }
        if (!request.periodic()) {
          waiting.remove(name);
        }
        running.put(name, this);
      }
      Task next;
      try {
        WorkResult result = work.run(clock.millis() + request.maxRunTime().toMillis());
        if (result.status() == WorkResult.Status.RETRY) {
          String retryName = request.periodic() ? name + ".retry" : name;
          schedule(
              WorkRequest.oneOff(
                  retryName, result.retryAfter(), request.constraints(), request.maxRunTime()),
              work);
        }
      } finally {
        synchronized (lock) {
          running.remove(name);
          next = afterRun.remove(name);
        }
      }
      if (next != null) {
        start(next);
      }
    }
  }

  public RxSyncScheduler(Scheduler scheduler, Clock clock) {
    this.scheduler = scheduler;
    this.clock = clock;
  }

  @Override
  public void schedule(WorkRequest request, BackgroundWork work) {
    Task task = new Task(request, work);
    synchronized (lock) {
      if (running.containsKey(request.name())) {
        afterRun.put(request.name(), task); // starts when the run in progress ends
        return;
      }
    }
    start(task);
  }

  private void start(Task task) {
    String name = task.request.name();
    Task old;
    synchronized (lock) {
      if (running.containsKey(name)) {
        afterRun.put(name, task);
        return;
      }
      old = waiting.put(name, task);
    }
    forget(old);
    WorkRequest r = task.request;
    task.disposable =
        r.periodic()
            ? scheduler.schedulePeriodicallyDirect(
                task, r.initialDelay().toMillis(), r.interval().toMillis(), TimeUnit.MILLISECONDS)
            : scheduler.scheduleDirect(task, r.initialDelay().toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void cancel(String name) {
    Task t;
    synchronized (lock) {
      t = waiting.remove(name);
      afterRun.remove(name);
    }
    forget(t);
  }

  /**
   * Drops a task that is no longer wanted. A one-off task is left to fire and find itself replaced
   * (disposing it could interrupt a thread that has just begun to run it); a periodic one is
   * stopped, unless it is running right now, in which case its next tick finds itself replaced.
   */
  private void forget(Task t) {
    if (t == null || !t.request.periodic()) {
      return;
    }
    synchronized (lock) {
      if (running.get(t.request.name()) == t) {
        return;
      }
    }
    Disposable d = t.disposable;
    if (d != null) {
      d.dispose();
    }
  }

  /** Whether work of that name is scheduled or running (for tests). */
  public boolean isScheduled(String name) {
    synchronized (lock) {
      return waiting.containsKey(name) || running.containsKey(name) || afterRun.containsKey(name);
    }
  }
}
