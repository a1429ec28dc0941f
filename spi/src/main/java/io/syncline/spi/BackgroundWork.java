package io.syncline.spi;

/** Work a host scheduler runs in the background; the engine supplies it. */
@FunctionalInterface
public interface BackgroundWork {
  /**
   * Runs once, blocking, and returns before {@code deadlineMillis} (by the engine's clock) with
   * what it finished kept. Never throws: failures are in the result.
   */
  WorkResult run(long deadlineMillis);
}
