package io.syncline.spi;

/**
 * Chooses the state to keep when a change arrives from a peer for a record this replica already
 * holds.
 *
 * <p>The engine calls it with both states and turns the answer into a write: keeping the state with
 * the higher version changes nothing more; keeping the other one, or a merge, is written with a new
 * version that dominates both, so that every replica converges on it. A resolver must be
 * deterministic and symmetric (the same two states give the same content whichever side is local),
 * or replicas may not converge.
 *
 * <p>Called on the engine's sync thread; implementations are thread-safe and do not block.
 */
public interface ConflictResolver {

  /** Returns what to keep of {@code local} and {@code remote}, two states of one record. */
  Resolution resolve(SyncRecord local, SyncRecord remote);

  /**
   * Returns the metadata to store with a local write of {@code next} over {@code previous} (null if
   * the record is new). Resolvers that need bookkeeping (per-field versions) compute it here; the
   * default keeps {@code next.meta()}.
   */
  default Payload metaForLocalWrite(SyncRecord previous, SyncRecord next) {
    return next.meta();
  }

  /** A resolver's answer. */
  sealed interface Resolution permits KeepLocal, KeepRemote, Merged {}

  /** Keep the local state. */
  record KeepLocal() implements Resolution {}

  /** Keep the remote state. */
  record KeepRemote() implements Resolution {}

  /**
   * Keep a merge of both.
   *
   * @param deleted whether the merge is a tombstone
   * @param payload the merged document
   * @param meta the merged metadata
   */
  record Merged(boolean deleted, Payload payload, Payload meta) implements Resolution {
    /** Validates: non-null parts; a tombstone has an empty payload. */
    public Merged {
      Checks.notNull(payload, "payload");
      Checks.notNull(meta, "meta");
      if (deleted && !payload.isEmpty()) {
        throw new IllegalArgumentException("a tombstone has an empty payload");
      }
    }
  }
}
