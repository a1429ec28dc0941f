package io.syncline.spi;

/**
 * Work a host scheduler runs in the background; the engine supplies it. The host calls {@link #run}
 * when the work is due and its constraints are met, and {@link #waiting} when it is due but held
 * back by a constraint, so that the engine's status can say which.
 */
@FunctionalInterface
public interface BackgroundWork {
  /**
   * Runs once, blocking, and returns before {@code deadlineMillis} (by the engine's clock) with
   * what it finished kept. Never throws: failures are in the result.
   */
  WorkResult run(long deadlineMillis);

  /**
   * The work is due but waits for {@code unmet}, a constraint the host cannot satisfy now (for
   * example {@code "UNMETERED"} or {@code "CHARGING"}). The default ignores it. Must not block.
   */
  default void waiting(String unmet) {}

  /**
   * The host observed connectivity coming back. The engine ends any backoff it is in, so that the
   * host's next {@link #run} (which the host starts at once for due or retrying work) is not held
   * back. The default ignores it. Must not block.
   */
  default void networkRestored() {}
}
