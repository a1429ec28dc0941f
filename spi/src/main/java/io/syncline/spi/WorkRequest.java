package io.syncline.spi;

import java.time.Duration;

/**
 * A request to run background work under constraints, once or periodically. Work is unique by name:
 * scheduling a name that is already scheduled replaces the old request, and a host never runs two
 * instances of one name at once.
 *
 * @param name the unique name of the work
 * @param periodic whether the work repeats every {@code interval}
 * @param initialDelay how long to wait before the first run
 * @param interval the period of periodic work; {@link Duration#ZERO} for one-off work
 * @param constraints what the run waits for
 * @param maxRunTime how long one run may take; the engine stops cleanly before it
 * @param expedited whether the host should run it as soon as its constraints allow, ahead of
 *     deferrable work (a user asked for it); hosts without such a notion ignore it
 */
public record WorkRequest(
    String name,
    boolean periodic,
    Duration initialDelay,
    Duration interval,
    Constraints constraints,
    Duration maxRunTime,
    boolean expedited) {

  /** Validates every part. */
  public WorkRequest {
    Checks.identifier(name, "name", 128);
    Checks.notNull(initialDelay, "initialDelay");
    Checks.notNull(interval, "interval");
    Checks.notNull(constraints, "constraints");
    Checks.notNull(maxRunTime, "maxRunTime");
    if (initialDelay.isNegative()) {
      throw new IllegalArgumentException("initialDelay < 0: " + initialDelay);
    }
    if (periodic == (interval.isZero() || interval.isNegative())) {
      throw new IllegalArgumentException("periodic work needs a positive interval, one-off none");
    }
    if (maxRunTime.isZero() || maxRunTime.isNegative()) {
      throw new IllegalArgumentException("maxRunTime <= 0: " + maxRunTime);
    }
  }

  /** One-off work after {@code delay}, not expedited. */
  public static WorkRequest oneOff(
      String name, Duration delay, Constraints constraints, Duration maxRunTime) {
    return new WorkRequest(name, false, delay, Duration.ZERO, constraints, maxRunTime, false);
  }

  /** Periodic work every {@code interval}, the first run after {@code initialDelay}. */
  public static WorkRequest periodic(
      String name,
      Duration initialDelay,
      Duration interval,
      Constraints constraints,
      Duration maxRunTime) {
    return new WorkRequest(name, true, initialDelay, interval, constraints, maxRunTime, false);
  }
}
