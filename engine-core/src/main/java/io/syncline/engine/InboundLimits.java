package io.syncline.engine;

import java.time.Duration;
import java.util.Objects;

/**
 * Bounds on what the engine accepts from peers, checked before anything is applied: a batch's
 * change count and bytes, a record's size, and how far in the future a version's clock may run. The
 * count and byte limits are announced to peers in the handshake.
 *
 * <p>Immutable.
 *
 * @param maxBatchChanges the most changes in one pushed batch or pulled page
 * @param maxBatchBytes the most bytes (by approximate size) in one pushed batch
 * @param maxRecordBytes the most bytes of one record's payload plus metadata
 * @param maxClockSkew how far past this replica's clock a version's wall-clock part may lie
 */
public record InboundLimits(
    int maxBatchChanges, long maxBatchBytes, int maxRecordBytes, Duration maxClockSkew) {

  /** 1,000 changes, 8 MiB per batch, 1 MiB per record, one day of clock skew. */
  public static final InboundLimits DEFAULT =
      new InboundLimits(1000, 8L << 20, 1 << 20, Duration.ofDays(1));

  /** Validates every limit. */
  public InboundLimits {
    if (maxBatchChanges < 1) {
      throw new IllegalArgumentException("maxBatchChanges < 1: " + maxBatchChanges);
    }
    if (maxBatchBytes < 1) {
      throw new IllegalArgumentException("maxBatchBytes < 1: " + maxBatchBytes);
    }
    if (maxRecordBytes < 1) {
      throw new IllegalArgumentException("maxRecordBytes < 1: " + maxRecordBytes);
    }
    Objects.requireNonNull(maxClockSkew, "maxClockSkew == null");
    if (maxClockSkew.isNegative()) {
      throw new IllegalArgumentException("maxClockSkew < 0: " + maxClockSkew);
    }
  }
}
