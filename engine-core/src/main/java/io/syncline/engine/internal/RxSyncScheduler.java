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
 * <p>Thread-safe.
 */
public final class RxSyncScheduler implements SyncScheduler {
  private final Scheduler scheduler;
  private final Clock clock;
  private final Map<String, Disposable> scheduled = new TreeMap<>();

  public RxSyncScheduler(Scheduler scheduler, Clock clock) {
    this.scheduler = scheduler;
    this.clock = clock;
  }

  @Override
  public void schedule(WorkRequest request, BackgroundWork work) {
    Runnable run = () -> runOnce(request, work);
    Disposable d;
    if (request.periodic()) {
      d =
          scheduler.schedulePeriodicallyDirect(
              run,
              request.initialDelay().toMillis(),
              request.interval().toMillis(),
              TimeUnit.MILLISECONDS);
    } else {
      d = scheduler.scheduleDirect(run, request.initialDelay().toMillis(), TimeUnit.MILLISECONDS);
    }
    Disposable old;
    synchronized (scheduled) {
      old = scheduled.put(request.name(), d);
    }
    if (old != null) {
      old.dispose();
    }
  }

  private void runOnce(WorkRequest request, BackgroundWork work) {
    WorkResult result = work.run(clock.millis() + request.maxRunTime().toMillis());
    if (result.status() == WorkResult.Status.RETRY) {
      String name = request.periodic() ? request.name() + ".retry" : request.name();
      schedule(
          WorkRequest.oneOff(
              name, result.retryAfter(), request.constraints(), request.maxRunTime()),
          work);
    }
  }

  @Override
  public void cancel(String name) {
    Disposable d;
    synchronized (scheduled) {
      d = scheduled.remove(name);
    }
    if (d != null) {
      d.dispose();
    }
  }

  /** Whether work of that name is scheduled (for tests). */
  public boolean isScheduled(String name) {
    synchronized (scheduled) {
      Disposable d = scheduled.get(name);
      return d != null && !d.isDisposed();
    }
  }
}
