package io.syncline.transport.grpc.internal;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import io.syncline.spi.Outcome;
import io.syncline.spi.SyncException;
import io.syncline.transport.grpc.proto.Rejections;
import java.time.Duration;
import java.util.Collections;
import java.util.List;

/**
 * The table of docs/grpc-protocol.md in one place: how the server turns outcomes and {@link
 * SyncException} codes into gRPC statuses and trailers, and how the client turns them back.
 */
public final class StatusMapping {
  private StatusMapping() {}

  /** Every call carries the protocol version it speaks. */
  public static final Metadata.Key<String> PROTOCOL =
      Metadata.Key.of("syncline-protocol", Metadata.ASCII_STRING_MARSHALLER);

  /** The bearer token, as {@code Bearer <token>}. */
  public static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  /** Trailer: milliseconds to wait before retrying; present exactly when a retry must wait. */
  public static final Metadata.Key<String> RETRY_AFTER_MS =
      Metadata.Key.of("syncline-retry-after-ms", Metadata.ASCII_STRING_MARSHALLER);

  /** Trailer of a too-large batch: the most changes the server accepts in one batch. */
  public static final Metadata.Key<String> MAX_CHANGES =
      Metadata.Key.of("syncline-max-changes", Metadata.ASCII_STRING_MARSHALLER);

  /** Trailer of a refused push: the refused changes. */
  public static final Metadata.Key<Rejections> REJECTIONS =
      Metadata.Key.of(
          "syncline-rejections-bin",
          ProtoUtils.metadataMarshaller(Rejections.getDefaultInstance()));

  /** A status with its trailers, ready to close a call with. */
  public record Closing(Status status, Metadata trailers) {
    public StatusRuntimeException asException() {
      return status.asRuntimeException(trailers);
    }
  }

  // ---- server side ----

  /** The status a server answers a non-successful outcome with. */
  public static Closing toStatus(Outcome o, Duration busyRetryAfter) {
    Metadata t = new Metadata();
    if (o instanceof Outcome.Retry r) {
      if (r.retryAfter() != null) {
        t.put(RETRY_AFTER_MS, Long.toString(r.retryAfter().toMillis()));
      }
      return new Closing(Status.UNAVAILABLE.withDescription(r.reason()), t);
    } else if (o instanceof Outcome.TooLarge tl) {
      return tooLarge(tl.maxChanges(), tl.reason());
    } else if (o instanceof Outcome.Rejected rej) {
      boolean allDenied =
          rej.rejections().stream().allMatch(r -> r.code().equals("PERMISSION_DENIED"));
      t.put(REJECTIONS, Wire.encodeRejections(rej.rejections()));
      Status s = allDenied ? Status.PERMISSION_DENIED : Status.INVALID_ARGUMENT;
      return new Closing(
          s.withDescription(
              rej.rejections().size()
                  + " change(s) refused, first "
                  + rej.rejections().get(0).id()
                  + ": "
                  + rej.rejections().get(0).reason()
                  + "; nothing of the batch was applied"),
          t);
    } else if (o instanceof Outcome.Failed f) {
      return toStatus(new SyncException(f.code(), f.reason()), busyRetryAfter);
    }
    throw new IllegalArgumentException("not a failure: " + o);
  }

  /** A batch over the limits: RESOURCE_EXHAUSTED without a retry delay. */
  public static Closing tooLarge(int maxChanges, String reason) {
    Metadata t = new Metadata();
    if (maxChanges > 0) {
      t.put(MAX_CHANGES, Integer.toString(maxChanges));
    }
    return new Closing(Status.RESOURCE_EXHAUSTED.withDescription("too large: " + reason), t);
  }

  /** The status for a request refused as a whole with {@code e}. */
  public static Closing toStatus(SyncException e, Duration busyRetryAfter) {
    Metadata t = new Metadata();
    String message = e.getMessage();
    Status s =
        switch (e.code()) {
          case INVALID_ARGUMENT -> Status.INVALID_ARGUMENT;
          case TOO_LARGE -> null;
          case UNAUTHENTICATED -> Status.UNAUTHENTICATED;
          case PERMISSION_DENIED -> Status.PERMISSION_DENIED;
          case PROTOCOL -> Status.FAILED_PRECONDITION;
          case RESOURCE_EXHAUSTED -> Status.RESOURCE_EXHAUSTED;
          case TIMEOUT -> Status.DEADLINE_EXCEEDED;
          case UNAVAILABLE, STORE_FAILURE, CLOSED -> Status.UNAVAILABLE;
          case SCHEMA_TOO_NEW, INTERNAL -> Status.INTERNAL;
        };
    if (s == null) {
      return tooLarge(0, message);
    }
    Duration after = e.retryAfter();
    if (after == null && e.code() == SyncException.Code.RESOURCE_EXHAUSTED) {
      after = busyRetryAfter;
    }
    if (after != null) {
      t.put(RETRY_AFTER_MS, Long.toString(after.toMillis()));
    }
    if (e.code() == SyncException.Code.INTERNAL || e.code() == SyncException.Code.SCHEMA_TOO_NEW) {
      message = "internal server error";
    }
    return new Closing(s.withDescription(message), t);
  }

  /** The status for an exception nobody expected: INTERNAL, without details. */
  public static Closing unexpected() {
    return new Closing(Status.INTERNAL.withDescription("internal server error"), new Metadata());
  }

  // ---- client side ----

  /** The outcome of a push that ended with {@code status}. */
  public static Outcome outcome(Status status, Metadata trailers) {
    Metadata t = trailers == null ? new Metadata() : trailers;
    String reason = reason(status);
    Duration after = retryAfter(t);
    switch (status.getCode()) {
      case OK:
        return Outcome.SUCCESS;
      case UNAVAILABLE:
      case DEADLINE_EXCEEDED:
      case ABORTED:
      case CANCELLED:
      case INTERNAL:
      case UNKNOWN:
        return new Outcome.Retry(after, reason);
      case RESOURCE_EXHAUSTED:
        if (after != null) {
          return new Outcome.Retry(after, reason);
        }
        return new Outcome.TooLarge(maxChanges(t), reason);
      case INVALID_ARGUMENT:
      case PERMISSION_DENIED:
        List<Outcome.Rejection> rejections = rejections(t);
        if (!rejections.isEmpty()) {
          return new Outcome.Rejected(rejections);
        }
        return new Outcome.Failed(
            status.getCode() == Status.Code.PERMISSION_DENIED
                ? SyncException.Code.PERMISSION_DENIED
                : SyncException.Code.INVALID_ARGUMENT,
            reason);
      case UNAUTHENTICATED:
        return new Outcome.Failed(SyncException.Code.UNAUTHENTICATED, reason);
      default: // FAILED_PRECONDITION, UNIMPLEMENTED, NOT_FOUND, OUT_OF_RANGE, ...
        return new Outcome.Failed(SyncException.Code.PROTOCOL, reason);
    }
  }

  /** The same answer to a pull: TooLarge and Rejected make no sense there and count as Failed. */
  public static Outcome pullOutcome(Status status, Metadata trailers) {
    Outcome o = outcome(status, trailers);
    if (o instanceof Outcome.TooLarge || o instanceof Outcome.Rejected) {
      return new Outcome.Failed(SyncException.Code.INVALID_ARGUMENT, reason(status));
    }
    return o;
  }

  /** The same answer for a call whose result is not an outcome (handshake, live): an exception. */
  public static SyncException exception(Status status, Metadata trailers) {
    Outcome o = outcome(status, trailers);
    String reason = reason(status);
    if (o instanceof Outcome.Retry r) {
      SyncException.Code code =
          switch (status.getCode()) {
            case RESOURCE_EXHAUSTED -> SyncException.Code.RESOURCE_EXHAUSTED;
            case DEADLINE_EXCEEDED -> SyncException.Code.TIMEOUT;
            default -> SyncException.Code.UNAVAILABLE;
          };
      return new SyncException(code, reason, status.getCause(), r.retryAfter());
    }
    if (o instanceof Outcome.Failed f) {
      return new SyncException(f.code(), reason);
    }
    if (o instanceof Outcome.TooLarge) {
      return new SyncException(SyncException.Code.TOO_LARGE, reason);
    }
    return new SyncException(SyncException.Code.INVALID_ARGUMENT, reason);
  }

  static String reason(Status status) {
    return "gRPC "
        + status.getCode()
        + (status.getDescription() == null ? "" : ": " + status.getDescription());
  }

  static Duration retryAfter(Metadata t) {
    String v = t.get(RETRY_AFTER_MS);
    if (v == null) {
      return null;
    }
    try {
      long ms = Long.parseLong(v.trim());
      return ms < 0 ? null : Duration.ofMillis(ms);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  static int maxChanges(Metadata t) {
    String v = t.get(MAX_CHANGES);
    if (v == null) {
      return 0;
    }
    try {
      return Math.max(0, Integer.parseInt(v.trim()));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  static List<Outcome.Rejection> rejections(Metadata t) {
    try {
      Rejections r = t.get(REJECTIONS);
      return r == null ? Collections.<Outcome.Rejection>emptyList() : Wire.decode(r);
    } catch (Wire.WireException | IllegalArgumentException e) {
      return Collections.emptyList();
    }
  }
}
