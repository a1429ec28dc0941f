package io.syncline.transport.http.internal;

import io.syncline.spi.Outcome;
import io.syncline.spi.SyncException;
import java.time.Duration;

/**
 * How a client reads an HTTP status: the table of docs/http-protocol.md, in one place so that every
 * operation classifies the same way.
 */
public final class StatusMapping {
  private StatusMapping() {}

  /** Whether the status asks the client to come back later. */
  public static boolean isRetry(int status) {
    return status == 408
        || status == 429
        || status == 500
        || status == 502
        || status == 503
        || status == 504;
  }

  /**
   * The outcome of a non-2xx answer to a push.
   *
   * @param error the decoded error body, or null if there was none
   * @param retryAfter the parsed {@code Retry-After}, or null
   */
  public static Outcome outcome(int status, WireCodec.ErrorBody error, Duration retryAfter) {
    String reason = reason(status, error);
    if (status >= 200 && status < 300) {
      return Outcome.SUCCESS;
    }
    if (isRetry(status)) {
      return new Outcome.Retry(retryAfter, reason);
    }
    return switch (status) {
      case 413 -> new Outcome.TooLarge(error == null ? 0 : error.maxChanges(), reason);
      case 400, 409, 422 ->
          error != null && !error.rejections().isEmpty()
              ? new Outcome.Rejected(error.rejections())
              : new Outcome.Failed(SyncException.Code.INVALID_ARGUMENT, reason);
      case 401 -> new Outcome.Failed(SyncException.Code.UNAUTHENTICATED, reason);
      case 403 -> new Outcome.Failed(SyncException.Code.PERMISSION_DENIED, reason);
      case 426 -> new Outcome.Failed(SyncException.Code.PROTOCOL, reason);
      default -> new Outcome.Failed(SyncException.Code.PROTOCOL, reason);
    };
  }

  /** The same answer, for a request whose result is not an outcome (handshake): an exception. */
  public static SyncException exception(int status, WireCodec.ErrorBody error, Duration after) {
    Outcome o = outcome(status, error, after);
    String reason = reason(status, error);
    if (o instanceof Outcome.Retry r) {
      SyncException.Code code =
          switch (status) {
            case 429 -> SyncException.Code.RESOURCE_EXHAUSTED;
            case 408, 504 -> SyncException.Code.TIMEOUT;
            default -> SyncException.Code.UNAVAILABLE;
          };
      return new SyncException(code, reason, null, r.retryAfter());
    }
    if (o instanceof Outcome.Failed f) {
      return new SyncException(f.code(), reason);
    }
    if (o instanceof Outcome.TooLarge) {
      return new SyncException(SyncException.Code.TOO_LARGE, reason);
    }
    return new SyncException(SyncException.Code.INVALID_ARGUMENT, reason);
  }

  /** The same answer to a pull: TooLarge and Rejected make no sense there and count as Failed. */
  public static Outcome pullOutcome(int status, WireCodec.ErrorBody error, Duration retryAfter) {
    Outcome o = outcome(status, error, retryAfter);
    if (o instanceof Outcome.TooLarge || o instanceof Outcome.Rejected) {
      return new Outcome.Failed(SyncException.Code.INVALID_ARGUMENT, reason(status, error));
    }
    return o;
  }

  static String reason(int status, WireCodec.ErrorBody error) {
    if (error == null) {
      return "HTTP " + status;
    }
    return "HTTP " + status + " " + error.code() + ": " + error.message();
  }
}
