package io.syncline.spi;

import java.time.Duration;
import java.util.List;

/**
 * How a peer answered a push or a pull. Every transport maps its native statuses onto these five
 * classes, so that the engine reacts the same way whatever carries the bytes.
 *
 * <ul>
 *   <li>{@link Success}: applied and acknowledged (push), or a page is attached (pull).
 *   <li>{@link Retry}: transient (network down, timeout, overloaded): back off and try again.
 *   <li>{@link TooLarge}: the batch exceeds the peer's limits: send a smaller one.
 *   <li>{@link Rejected}: the peer refuses some changes (invalid, not permitted) and applied
 *       nothing; the sender sets those aside and sends the rest again.
 *   <li>{@link Failed}: retrying cannot help (authentication, protocol version): stop and tell the
 *       host.
 * </ul>
 */
public sealed interface Outcome
    permits Outcome.Success, Outcome.Retry, Outcome.TooLarge, Outcome.Rejected, Outcome.Failed {

  /** The one success value. */
  Success SUCCESS = new Success();

  /** The request succeeded. */
  record Success() implements Outcome {}

  /**
   * A transient failure.
   *
   * @param retryAfter the delay the peer asked for, or null if it named none
   * @param reason what happened, for a person
   */
  record Retry(Duration retryAfter, String reason) implements Outcome {
    /** Validates: retryAfter null or not negative; reason non-null. */
    public Retry {
      if (retryAfter != null && retryAfter.isNegative()) {
        throw new IllegalArgumentException("retryAfter < 0: " + retryAfter);
      }
      Checks.notNull(reason, "reason");
    }
  }

  /**
   * The batch exceeded the peer's limits; nothing was applied.
   *
   * @param maxChanges the largest batch the peer accepts, or 0 if it did not say
   * @param reason what limit was exceeded, for a person
   */
  record TooLarge(int maxChanges, String reason) implements Outcome {
    /** Validates: maxChanges not negative; reason non-null. */
    public TooLarge {
      if (maxChanges < 0) {
        throw new IllegalArgumentException("maxChanges < 0: " + maxChanges);
      }
      Checks.notNull(reason, "reason");
    }
  }

  /**
   * The peer refused some changes of a push and applied none of the batch.
   *
   * @param rejections the refused changes, at least one
   */
  record Rejected(List<Rejection> rejections) implements Outcome {
    /** Validates and copies: at least one rejection. */
    public Rejected {
      rejections = Checks.immutableList(rejections, "rejections");
      if (rejections.isEmpty()) {
        throw new IllegalArgumentException("rejections is empty");
      }
    }
  }

  /**
   * A failure that retrying cannot fix.
   *
   * @param code what went wrong
   * @param reason what happened, for a person
   */
  record Failed(SyncException.Code code, String reason) implements Outcome {
    /** Validates: both non-null. */
    public Failed {
      Checks.notNull(code, "code");
      Checks.notNull(reason, "reason");
    }
  }

  /**
   * One refused change.
   *
   * @param id the record
   * @param version the version that was refused
   * @param code a short machine-readable reason, for example {@code PERMISSION_DENIED}
   * @param reason the explanation, for a person
   */
  record Rejection(RecordId id, Version version, String code, String reason) {
    /** Validates: every part non-null. */
    public Rejection {
      Checks.notNull(id, "id");
      Checks.notNull(version, "version");
      Checks.notNull(code, "code");
      Checks.notNull(reason, "reason");
    }
  }
}
