package io.syncline.spi;

/**
 * How far this replica has synced one scope with one peer.
 *
 * @param peerId the peer
 * @param scope the scope
 * @param pullCursor the last seq of the peer's feed that this replica has applied
 * @param pushCursor the last seq of this replica's feed that the peer has acknowledged
 * @param peerEpoch the identity of the peer's store when these cursors were recorded; a different
 *     epoch means the peer's store was replaced and the cursors no longer apply. Empty until the
 *     first handshake.
 */
public record Checkpoint(
    String peerId, String scope, long pullCursor, long pushCursor, String peerEpoch) {

  /** Validates every part. */
  public Checkpoint {
    Checks.identifier(peerId, "peerId", 64);
    SyncRecord.checkScope(scope);
    Checks.nonNegative(pullCursor, "pullCursor");
    Checks.nonNegative(pushCursor, "pushCursor");
    Checks.notNull(peerEpoch, "peerEpoch");
    if (peerEpoch.length() > 128) {
      throw new IllegalArgumentException("peerEpoch longer than 128 characters");
    }
  }

  /** The checkpoint of a peer and scope that have never synced. */
  public static Checkpoint initial(String peerId, String scope) {
    return new Checkpoint(peerId, scope, 0, 0, "");
  }

  /** This checkpoint with another pull cursor. */
  public Checkpoint withPullCursor(long cursor) {
    return new Checkpoint(peerId, scope, cursor, pushCursor, peerEpoch);
  }

  /** This checkpoint with another push cursor. */
  public Checkpoint withPushCursor(long cursor) {
    return new Checkpoint(peerId, scope, pullCursor, cursor, peerEpoch);
  }

  /** Whether {@code next} moves neither cursor backwards under the same epoch. */
  public boolean canAdvanceTo(Checkpoint next) {
    return !next.peerEpoch.equals(peerEpoch)
        || (next.pullCursor >= pullCursor && next.pushCursor >= pushCursor);
  }
}
