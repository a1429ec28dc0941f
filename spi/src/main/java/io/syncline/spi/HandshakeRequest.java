package io.syncline.spi;

/**
 * The first message of a session: who the caller is and which protocol it speaks.
 *
 * @param protocolVersion the caller's protocol version, see {@link Protocol#VERSION}
 * @param replicaId the caller's replica id
 * @param epoch the identity of the caller's store, see {@link SyncStore#epoch()}
 */
public record HandshakeRequest(int protocolVersion, String replicaId, String epoch) {
  /** Validates every part. */
  public HandshakeRequest {
    if (protocolVersion <= 0) {
      throw new IllegalArgumentException("protocolVersion <= 0: " + protocolVersion);
    }
    Checks.identifier(replicaId, "replicaId", 64);
    Checks.notNull(epoch, "epoch");
  }
}
