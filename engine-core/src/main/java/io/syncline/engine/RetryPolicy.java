package io.syncline.engine;

import java.time.Duration;
import java.util.Objects;
import java.util.Random;

/**
 * How long to wait before retrying after a transient failure: exponential backoff with full jitter
 * and a cap, honouring a delay the peer asked for.
 *
 * <p>The delay before retry number {@code n} (counting from 1) is uniform in {@code [0, min(cap,
 * initial * multiplier^(n-1))]}. When the peer named a retry-after delay {@code r}, the delay is
 * {@code r} plus a jitter uniform in {@code [0, min(initial, r / 10)]}, never less than {@code r}.
 * After {@link #maxAttempts()} consecutive transient failures the engine stops retrying on its own
 * and reports failure; a manual sync, connectivity, or the next periodic run starts again.
 *
 * <p>Immutable and thread-safe.
 *
 * <pre>{@code
 * RetryPolicy policy = RetryPolicy.builder()
 *     .initialDelay(Duration.ofSeconds(1))
 *     .maxDelay(Duration.ofMinutes(5))
 *     .build();
 * }</pre>
 */
public final class RetryPolicy {
  /** 1 s initial delay, doubling, capped at 5 minutes, up to 10 attempts. */
  public static final RetryPolicy DEFAULT = builder().build();

  private final Duration initialDelay;
  private final Duration maxDelay;
  private final double multiplier;
  private final int maxAttempts;

  private RetryPolicy(Builder b) {
    this.initialDelay = b.initialDelay;
    this.maxDelay = b.maxDelay;
    this.multiplier = b.multiplier;
    this.maxAttempts = b.maxAttempts;
  }

  /** A builder with the defaults of {@link #DEFAULT}. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this policy's settings. */
  public Builder newBuilder() {
    Builder b = new Builder();
    b.initialDelay = initialDelay;
    b.maxDelay = maxDelay;
    b.multiplier = multiplier;
    b.maxAttempts = maxAttempts;
    return b;
  }

  /** The upper bound of the first delay. */
  public Duration initialDelay() {
    return initialDelay;
  }

  /** The cap on the upper bound of any computed delay. */
  public Duration maxDelay() {
    return maxDelay;
  }

  /** The factor by which the upper bound grows per attempt. */
  public double multiplier() {
    return multiplier;
  }

  /** How many consecutive transient failures the engine retries on its own. */
  public int maxAttempts() {
    return maxAttempts;
  }

  /** The upper bound of the delay before retry number {@code attempt} (from 1), before jitter. */
  public Duration ceiling(int attempt) {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt < 1: " + attempt);
    }
    double bound = initialDelay.toMillis() * Math.pow(multiplier, attempt - 1);
    return Duration.ofMillis((long) Math.min(maxDelay.toMillis(), bound));
  }

  /**
   * The delay before retry number {@code attempt} (from 1), drawn from {@code random}; {@code
   * retryAfter} is the delay the peer asked for, or null.
   */
  public Duration delay(int attempt, Duration retryAfter, Random random) {
    Objects.requireNonNull(random, "random == null");
    if (retryAfter != null) {
      long jitterBound = Math.min(initialDelay.toMillis(), retryAfter.toMillis() / 10);
      return retryAfter.plusMillis(uniform(random, jitterBound));
    }
    return Duration.ofMillis(uniform(random, ceiling(attempt).toMillis()));
  }

  private static long uniform(Random random, long inclusiveBound) {
    if (inclusiveBound <= 0) {
      return 0;
    }
    return (long) (random.nextDouble() * (inclusiveBound + 1));
  }

  @Override
  public String toString() {
    return "RetryPolicy{initial="
        + initialDelay
        + ", max="
        + maxDelay
        + ", multiplier="
        + multiplier
        + ", maxAttempts="
        + maxAttempts
        + "}";
  }

  /** Builds a {@link RetryPolicy}; {@link #build()} validates. Not thread-safe. */
  public static final class Builder {
    private Duration initialDelay = Duration.ofSeconds(1);
    private Duration maxDelay = Duration.ofMinutes(5);
    private double multiplier = 2.0;
    private int maxAttempts = 10;

    private Builder() {}

    /** The upper bound of the first delay; positive. */
    public Builder initialDelay(Duration d) {
      this.initialDelay = Objects.requireNonNull(d, "initialDelay == null");
      return this;
    }

    /** The cap on computed delays; at least the initial delay. */
    public Builder maxDelay(Duration d) {
      this.maxDelay = Objects.requireNonNull(d, "maxDelay == null");
      return this;
    }

    /** The growth factor per attempt; at least 1. */
    public Builder multiplier(double m) {
      this.multiplier = m;
      return this;
    }

    /** How many consecutive transient failures to retry on the engine's own; at least 1. */
    public Builder maxAttempts(int n) {
      this.maxAttempts = n;
      return this;
    }

    /** The policy; throws {@link IllegalArgumentException} naming a bad setting. */
    public RetryPolicy build() {
      if (initialDelay.isZero() || initialDelay.isNegative()) {
        throw new IllegalArgumentException("initialDelay must be positive: " + initialDelay);
      }
      if (maxDelay.compareTo(initialDelay) < 0) {
        throw new IllegalArgumentException(
            "maxDelay " + maxDelay + " is below initialDelay " + initialDelay);
      }
      if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
        throw new IllegalArgumentException("multiplier must be at least 1: " + multiplier);
      }
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
      }
      return new RetryPolicy(this);
    }
  }
}
