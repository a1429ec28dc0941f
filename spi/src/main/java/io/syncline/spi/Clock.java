package io.syncline.spi;

/**
 * Wall-clock time, in milliseconds since the epoch. The engine reads time only through this
 * interface, so that tests can drive it and a simulation can replay it.
 *
 * <p>Implementations are thread-safe. The value may jump backwards (a user changed the clock); the
 * engine's hybrid logical clock keeps versions monotonic regardless.
 */
@FunctionalInterface
public interface Clock {
  /** The system clock. */
  Clock SYSTEM = System::currentTimeMillis;

  /** The current time in milliseconds since 1970-01-01T00:00Z. */
  long millis();
}
