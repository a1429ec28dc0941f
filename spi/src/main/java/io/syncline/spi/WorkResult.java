package io.syncline.spi;

import java.time.Duration;

/**
 * How a background run ended, for the host scheduler.
 *
 * @param status what happened
 * @param retryAfter on {@link Status#RETRY}, the delay the engine computed (backoff with jitter, or
 *     the peer's retry-after); {@link Duration#ZERO} otherwise
 */
public record WorkResult(Status status, Duration retryAfter) {
  /** The outcome classes a host scheduler understands. */
  public enum Status {
    /** Done; periodic work runs again at its next period. */
    SUCCESS,
    /** A transient failure: run again after {@code retryAfter}. */
    RETRY,
    /** Retrying cannot help; the engine reported why through its status. */
    FAILURE
  }

  /** A successful run. */
  public static final WorkResult SUCCESS = new WorkResult(Status.SUCCESS, Duration.ZERO);

  /** Validates: a retry carries a non-negative delay. */
  public WorkResult {
    Checks.notNull(status, "status");
    Checks.notNull(retryAfter, "retryAfter");
    if (retryAfter.isNegative()) {
      throw new IllegalArgumentException("retryAfter < 0: " + retryAfter);
    }
  }

  /** A transient failure; run again after {@code delay}. */
  public static WorkResult retry(Duration delay) {
    return new WorkResult(Status.RETRY, delay);
  }
}
