package io.syncline.testkit;

import io.syncline.spi.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Clock} that moves only when told to. Thread-safe.
 *
 * <pre>{@code
 * FakeClock clock = new FakeClock(1_700_000_000_000L);
 * clock.advance(Duration.ofSeconds(30));
 * }</pre>
 */
public final class FakeClock implements Clock {
  private final AtomicLong millis;

  /** A clock that reads {@code startMillis} until moved. */
  public FakeClock(long startMillis) {
    this.millis = new AtomicLong(startMillis);
  }

  /** A clock starting at 2026-01-01T00:00Z. */
  public FakeClock() {
    this(1_767_225_600_000L);
  }

  @Override
  public long millis() {
    return millis.get();
  }

  /** Moves the clock forward (or, with a negative duration, backward) by {@code d}. */
  public void advance(Duration d) {
    millis.addAndGet(d.toMillis());
  }

  /** Sets the clock to {@code newMillis}, which may lie in the past. */
  public void set(long newMillis) {
    millis.set(newMillis);
  }

  @Override
  public String toString() {
    return "FakeClock{" + millis.get() + "}";
  }
}
