package io.syncline.transport.http;

import java.time.Duration;
import java.util.Objects;

/**
 * Bounds a server enforces on every request before the engine sees it. The engine's own {@code
 * InboundLimits} (batch size, record size, clock skew) apply after these.
 *
 * <p>Immutable; derive variants with the {@code withX} methods.
 *
 * @param maxRequestBytes the most bytes of a request body as sent (compressed or not); larger
 *     bodies get 413 before any of them is read into memory beyond this bound
 * @param maxDecodedBytes the most bytes of a body after gzip decompression; a body inflating past
 *     it gets 413
 * @param maxNestingDepth how deeply JSON may nest, payloads included (envelope: 4 levels)
 * @param maxNumberLength the most characters of one JSON number
 * @param maxConcurrentRequests how many handshakes, pushes and pulls run at once; more get 503 with
 *     {@code Retry-After}
 * @param maxLongPolls how many live long-polls may wait at once; more get 503 with {@code
 *     Retry-After}
 * @param maxLongPollWait the longest a live long-poll waits for a change
 * @param busyRetryAfter the {@code Retry-After} sent with a 503 when the server is busy
 */
public record HttpServerLimits(
    long maxRequestBytes,
    long maxDecodedBytes,
    int maxNestingDepth,
    int maxNumberLength,
    int maxConcurrentRequests,
    int maxLongPolls,
    Duration maxLongPollWait,
    Duration busyRetryAfter) {

  /**
   * 16 MiB on the wire, 32 MiB decoded, nesting 64, numbers of at most 100 characters, 64
   * concurrent requests, 256 long-polls of at most 30 s, and 1 s to come back when busy. The
   * default body bounds sit above the engine's default batch limit (8 MiB).
   */
  public static final HttpServerLimits DEFAULT =
      new HttpServerLimits(
          16L << 20, 32L << 20, 64, 100, 64, 256, Duration.ofSeconds(30), Duration.ofSeconds(1));

  /** Validates every bound. */
  public HttpServerLimits {
    if (maxRequestBytes < 1 || maxRequestBytes > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("maxRequestBytes out of range: " + maxRequestBytes);
    }
    if (maxDecodedBytes < maxRequestBytes || maxDecodedBytes > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "maxDecodedBytes must lie in [maxRequestBytes, 2^31 - 9]: " + maxDecodedBytes);
    }
    if (maxNestingDepth < 8) {
      throw new IllegalArgumentException("maxNestingDepth < 8: " + maxNestingDepth);
    }
    if (maxNumberLength < 20) {
      throw new IllegalArgumentException(
          "maxNumberLength < 20 (a long needs 20): " + maxNumberLength);
    }
    if (maxConcurrentRequests < 1) {
      throw new IllegalArgumentException("maxConcurrentRequests < 1: " + maxConcurrentRequests);
    }
    if (maxLongPolls < 0) {
      throw new IllegalArgumentException("maxLongPolls < 0: " + maxLongPolls);
    }
    Objects.requireNonNull(maxLongPollWait, "maxLongPollWait == null");
    if (maxLongPollWait.isNegative() || maxLongPollWait.compareTo(Duration.ofMinutes(10)) > 0) {
      throw new IllegalArgumentException(
          "maxLongPollWait must lie in [0, 10 min]: " + maxLongPollWait);
    }
    Objects.requireNonNull(busyRetryAfter, "busyRetryAfter == null");
    if (busyRetryAfter.isNegative()) {
      throw new IllegalArgumentException("busyRetryAfter < 0: " + busyRetryAfter);
    }
  }

  /** These limits with another wire and decoded body bound (decoded: twice the wire bound). */
  public HttpServerLimits withMaxRequestBytes(long bytes) {
    long decoded = Math.max(maxDecodedBytes, Math.min(bytes * 2, Integer.MAX_VALUE - 8L));
    return new HttpServerLimits(
        bytes,
        decoded,
        maxNestingDepth,
        maxNumberLength,
        maxConcurrentRequests,
        maxLongPolls,
        maxLongPollWait,
        busyRetryAfter);
  }

  /** These limits with another decoded body bound. */
  public HttpServerLimits withMaxDecodedBytes(long bytes) {
    return new HttpServerLimits(
        maxRequestBytes,
        bytes,
        maxNestingDepth,
        maxNumberLength,
        maxConcurrentRequests,
        maxLongPolls,
        maxLongPollWait,
        busyRetryAfter);
  }

  /** These limits with another bound on concurrent requests. */
  public HttpServerLimits withMaxConcurrentRequests(int n) {
    return new HttpServerLimits(
        maxRequestBytes,
        maxDecodedBytes,
        maxNestingDepth,
        maxNumberLength,
        n,
        maxLongPolls,
        maxLongPollWait,
        busyRetryAfter);
  }

  /** These limits with another long-poll bound and wait. */
  public HttpServerLimits withLongPolls(int max, Duration maxWait) {
    return new HttpServerLimits(
        maxRequestBytes,
        maxDecodedBytes,
        maxNestingDepth,
        maxNumberLength,
        maxConcurrentRequests,
        max,
        maxWait,
        busyRetryAfter);
  }
}
