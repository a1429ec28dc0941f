package io.syncline.transport.grpc.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A token bucket per peer: {@code ratePerSecond} sustained, {@code burst} at once. Remembers at
 * most {@code maxPeers} peers (least recently seen forgotten first), so a flood of names cannot
 * grow it without bound. Thread-safe.
 */
@JvmOnly
public final class RateLimiter {
  private final double ratePerNano;
  private final double burst;
  private final LongSupplier nanoTime;
  private final Map<String, double[]> buckets;

  public RateLimiter(double ratePerSecond, int burst, int maxPeers, LongSupplier nanoTime) {
    this.ratePerNano = ratePerSecond / 1e9;
    this.burst = burst;
    this.nanoTime = nanoTime;
    this.buckets =
        new LinkedHashMap<>(16, 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, double[]> eldest) {
            return size() > maxPeers;
          }
        };
  }

  /** Takes one token of {@code peer}'s bucket; false if it is empty. */
  public synchronized boolean tryAcquire(String peer) {
    long now = nanoTime.getAsLong();
    double[] b = buckets.get(peer);
    if (b == null) {
      b = new double[] {burst, now};
      buckets.put(peer, b);
    }
    b[0] = Math.min(burst, b[0] + (now - (long) b[1]) * ratePerNano);
    b[1] = now;
    if (b[0] < 1) {
      return false;
    }
    b[0] -= 1;
    return true;
  }
}
