package io.syncline.engine.internal;

import io.syncline.spi.Clock;
import io.syncline.spi.Version;

/**
 * A hybrid logical clock: stamps that follow wall-clock time where they can and never go backwards,
 * even when the wall clock does, and that stay ahead of every stamp observed from other replicas.
 *
 * <p>A stamp packs wall-clock milliseconds (48 bits) and a logical counter (16 bits), see {@link
 * Version}. When the counter would overflow, the clock borrows the next millisecond.
 *
 * <p>Thread-safe.
 */
public final class HybridClock {
  private final Clock clock;
  private final String replicaId;
  private long last;

  public HybridClock(Clock clock, String replicaId) {
    this.clock = clock;
    this.replicaId = replicaId;
  }

  /** A new version, strictly greater than every stamp this clock issued or observed. */
  public synchronized Version now() {
    long wall = Math.max(0, clock.millis()) << Version.LOGICAL_BITS;
    last = Math.max(wall, last + 1);
    return new Version(last, replicaId);
  }

  /** Moves the clock past {@code stamp}, so that later versions are newer than it. */
  public synchronized void observe(long stamp) {
    if (stamp > last) {
      last = stamp;
    }
  }

  /** The last stamp issued or observed. */
  public synchronized long lastStamp() {
    return last;
  }
}
