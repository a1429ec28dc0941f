package io.syncline.spi;

/**
 * Decides when background work runs, under the host's rules: a JVM executor on desktops and
 * servers, the platform job scheduler on Android. The engine decides what to sync; the scheduler
 * decides when.
 *
 * <p>Thread-safe. Runs happen on the scheduler's threads; the scheduler never runs two instances of
 * one work name at once. A run that returns {@link WorkResult.Status#RETRY} is run again after its
 * delay (not the host's own default backoff).
 */
public interface SyncScheduler {
  /** Schedules {@code work} as {@code request} says, replacing any work of the same name. */
  void schedule(WorkRequest request, BackgroundWork work);

  /** Cancels the work of that name, if any; a run in progress finishes. */
  void cancel(String name);
}
