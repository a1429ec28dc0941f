package io.syncline.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * The one unchecked error of Syncline: a {@link Code} that says what went wrong and whether a retry
 * can help, and a message for a person.
 *
 * <p>Stores wrap their native errors ({@code SQLException}, I/O errors) in a {@code SyncException}
 * with {@link Code#STORE_FAILURE}; transports may throw {@link java.io.IOException}, which the
 * engine treats as {@link Code#UNAVAILABLE}.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public class SyncException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong, and whether the operation may succeed if retried unchanged. */
  public enum Code {
    /** An argument or an inbound message is invalid. Not retryable: the input must change. */
    INVALID_ARGUMENT(false),
    /** A batch or record exceeds a limit. Not retryable as is; a smaller batch may succeed. */
    TOO_LARGE(false),
    /** The peer or a resource cannot be reached right now. Retryable. */
    UNAVAILABLE(true),
    /** An operation ran out of time. Retryable. */
    TIMEOUT(true),
    /** The peer is overloaded or a quota is exhausted for now. Retryable, after a delay. */
    RESOURCE_EXHAUSTED(true),
    /** The caller is not allowed to read or write what it asked for. Not retryable. */
    PERMISSION_DENIED(false),
    /** The caller's credentials are missing or invalid. Not retryable until they are fixed. */
    UNAUTHENTICATED(false),
    /** The peers speak incompatible protocol versions. Not retryable. */
    PROTOCOL(false),
    /** The store failed (I/O, constraint, corruption). Retryable: the failure may be transient. */
    STORE_FAILURE(true),
    /** The store holds a schema newer than this code understands. Not retryable. */
    SCHEMA_TOO_NEW(false),
    /** The object was closed. Not retryable. */
    CLOSED(false),
    /** A bug: an invariant of Syncline did not hold. Not retryable. */
    INTERNAL(false);

    private final boolean retryable;

    Code(boolean retryable) {
      this.retryable = retryable;
    }

    /** Whether retrying the same operation unchanged may succeed. */
    public boolean retryable() {
      return retryable;
    }
  }

  private final Code code;
  private final Duration retryAfter;

  /** Creates an exception with {@code code} and {@code message}. */
  public SyncException(Code code, String message) {
    this(code, message, null, null);
  }

  /** Creates an exception with {@code code}, {@code message} and an underlying cause. */
  public SyncException(Code code, String message, Throwable cause) {
    this(code, message, cause, null);
  }

  /**
   * Creates an exception; {@code cause} and {@code retryAfter} may be null. A non-null {@code
   * retryAfter} is the delay the peer asked for before the next attempt.
   */
  public SyncException(Code code, String message, Throwable cause, Duration retryAfter) {
    super(Objects.requireNonNull(code, "code == null") + ": " + message, cause);
    if (retryAfter != null && retryAfter.isNegative()) {
      throw new IllegalArgumentException("retryAfter < 0: " + retryAfter);
    }
    this.code = code;
    this.retryAfter = retryAfter;
  }

  /** What went wrong. */
  public Code code() {
    return code;
  }

  /** Whether retrying unchanged may succeed; the same as {@code code().retryable()}. */
  public boolean retryable() {
    return code.retryable();
  }

  /** The delay the peer asked for before a retry, or null if it asked for none. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
