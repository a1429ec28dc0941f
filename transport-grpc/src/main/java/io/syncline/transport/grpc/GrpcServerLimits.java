package io.syncline.transport.grpc;

import java.time.Duration;
import java.util.Objects;

/**
 * Bounds a gRPC server enforces on every call before the engine sees it. The engine's own {@code
 * InboundLimits} (batch size, record size, clock skew) apply after these.
 *
 * <p>Immutable; derive variants with the {@code withX} methods.
 *
 * @param maxMessageBytes the largest message the server reads (a push batch, a request); larger
 *     ones end the call with {@code RESOURCE_EXHAUSTED} before they are parsed
 * @param maxBatchChanges the most changes in one pushed batch; more end the call with {@code
 *     RESOURCE_EXHAUSTED} and the trailer {@code syncline-max-changes}
 * @param requestsPerSecond the sustained rate of calls and pushed batches one peer may make (by
 *     principal, or by address for anonymous callers); beyond it calls end with {@code
 *     RESOURCE_EXHAUSTED} and the trailer {@code syncline-retry-after-ms}
 * @param requestBurst how many calls and batches a peer may make at once above the sustained rate
 * @param maxConcurrentCallsPerConnection the most calls at once on one connection (HTTP/2 streams)
 * @param busyRetryAfter the retry delay sent when a peer is over its rate or the server is busy
 */
public record GrpcServerLimits(
    int maxMessageBytes,
    int maxBatchChanges,
    double requestsPerSecond,
    int requestBurst,
    int maxConcurrentCallsPerConnection,
    Duration busyRetryAfter) {

  /**
   * 16 MiB messages, 10 000 changes a batch, 200 calls or batches a second per peer with bursts of
   * 400, 100 concurrent calls per connection, and 1 s to come back when over the rate. The message
   * bound sits above the engine's default batch limit (8 MiB).
   */
  public static final GrpcServerLimits DEFAULT =
      new GrpcServerLimits(16 << 20, 10_000, 200, 400, 100, Duration.ofSeconds(1));

  /** Validates every bound. */
  public GrpcServerLimits {
    if (maxMessageBytes < 1024) {
      throw new IllegalArgumentException("maxMessageBytes < 1024: " + maxMessageBytes);
    }
    if (maxBatchChanges < 1) {
      throw new IllegalArgumentException("maxBatchChanges < 1: " + maxBatchChanges);
    }
    if (!(requestsPerSecond > 0) || Double.isInfinite(requestsPerSecond)) {
      throw new IllegalArgumentException(
          "requestsPerSecond must be positive: " + requestsPerSecond);
    }
    if (requestBurst < 1) {
      throw new IllegalArgumentException("requestBurst < 1: " + requestBurst);
    }
    if (maxConcurrentCallsPerConnection < 1) {
      throw new IllegalArgumentException(
          "maxConcurrentCallsPerConnection < 1: " + maxConcurrentCallsPerConnection);
    }
    Objects.requireNonNull(busyRetryAfter, "busyRetryAfter == null");
    if (busyRetryAfter.isNegative()) {
      throw new IllegalArgumentException("busyRetryAfter < 0: " + busyRetryAfter);
    }
  }

  /** These limits with another message bound. */
  public GrpcServerLimits withMaxMessageBytes(int bytes) {
    return new GrpcServerLimits(
        bytes,
        maxBatchChanges,
        requestsPerSecond,
        requestBurst,
        maxConcurrentCallsPerConnection,
        busyRetryAfter);
  }

  /** These limits with another batch bound. */
  public GrpcServerLimits withMaxBatchChanges(int changes) {
    return new GrpcServerLimits(
        maxMessageBytes,
        changes,
        requestsPerSecond,
        requestBurst,
        maxConcurrentCallsPerConnection,
        busyRetryAfter);
  }

  /** These limits with another rate per peer. */
  public GrpcServerLimits withRate(double perSecond, int burst, Duration retryAfter) {
    return new GrpcServerLimits(
        maxMessageBytes,
        maxBatchChanges,
        perSecond,
        burst,
        maxConcurrentCallsPerConnection,
        retryAfter);
  }
}
