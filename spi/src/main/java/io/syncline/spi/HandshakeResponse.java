package io.syncline.spi;

/**
 * The answer to a handshake: the peer's identity, the head of its feed and its limits.
 *
 * @param protocolVersion the protocol version the peer speaks
 * @param replicaId the peer's replica id
 * @param epoch the identity of the peer's store; a change tells the caller to resync
 * @param headSeq the highest seq of the peer's feed; below the caller's pull cursor it means the
 *     peer's store went back in time (restored from a backup)
 * @param maxBatchChanges the most changes the peer accepts in one push
 * @param maxBatchBytes the most bytes (by {@link SyncRecord#approximateSize()}) the peer accepts in
 *     one push
 */
public record HandshakeResponse(
    int protocolVersion,
    String replicaId,
    String epoch,
    long headSeq,
    int maxBatchChanges,
    long maxBatchBytes) {
  /** Validates every part. */
  public HandshakeResponse {
    if (protocolVersion <= 0) {
      throw new IllegalArgumentException("protocolVersion <= 0: " + protocolVersion);
    }
    Checks.identifier(replicaId, "replicaId", 64);
    Checks.notNull(epoch, "epoch");
    Checks.nonNegative(headSeq, "headSeq");
    Checks.positive(maxBatchChanges, "maxBatchChanges");
    if (maxBatchBytes <= 0) {
      throw new IllegalArgumentException("maxBatchBytes <= 0: " + maxBatchBytes);
    }
  }
}
