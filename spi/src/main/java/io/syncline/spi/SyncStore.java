package io.syncline.spi;

import java.io.Closeable;
import java.util.List;
import java.util.Optional;

/**
 * Where a replica keeps its records, its change feed, its checkpoints and its quarantine.
 *
 * <p><b>Feed.</b> Every stored write gets a seq from one counter of the store, strictly greater
 * than every seq assigned before it. A record appears in the feed once, at the seq of its latest
 * write; older entries of the record vanish from the feed. Deletes are tombstones and stay in the
 * feed.
 *
 * <p><b>Versions.</b> A write is stored only if its version is newer than the stored version of the
 * record (or the record is absent); otherwise it changes nothing. Applying the same write twice
 * therefore has the effect of applying it once, and an older state never replaces a newer one (a
 * delete is never resurrected by a stale write).
 *
 * <p><b>Atomicity and durability.</b> {@link #apply} is one transaction. When it returns, all of
 * the write set is stored durably (the store documents its durability level); when it throws, none
 * of it is.
 *
 * <p><b>Threads.</b> Implementations are thread-safe: the engine calls them from several threads,
 * and several engines (server nodes) may share one database. Methods block.
 *
 * <p><b>Errors.</b> Methods throw {@link SyncException} ({@link SyncException.Code#STORE_FAILURE}
 * for native failures, {@link SyncException.Code#INVALID_ARGUMENT} for a write set that breaks a
 * rule, {@link SyncException.Code#CLOSED} after {@link #close()}).
 *
 * <p>Conformance: {@code io.syncline.testkit.StoreContractTest} in {@code syncline-testkit}.
 */
public interface SyncStore extends Closeable {

  /**
   * The identity of this store's data: a string made when the store was created and kept for its
   * life. A store recreated from scratch has a new epoch, which tells peers that their cursors into
   * it no longer apply.
   */
  String epoch();

  /** The highest seq assigned so far, or 0 for an empty store. */
  long headSeq();

  /** The stored state of a record, including a tombstone; empty if the store never held it. */
  Optional<StoredRecord> get(RecordId id);

  /**
   * Records of a collection in key order, after {@code afterKey} (exclusive; null to start at the
   * first key), at most {@code limit} of them; tombstones only if {@code includeDeleted}.
   */
  List<StoredRecord> list(String collection, String afterKey, int limit, boolean includeDeleted);

  /**
   * Reads the change feed of one scope past {@code afterSeq}, see {@link FeedPage} for the cursor
   * contract.
   *
   * <p>A page holds at most {@code maxChanges} changes and, past its first change, at most {@code
   * maxBytes} of {@link SyncRecord#approximateSize()}; a first change larger than {@code maxBytes}
   * is returned alone so that a reader always makes progress. Changes whose stored source equals
   * {@code excludeSource} (when it is not null) are left out of the page, but the page's cursor
   * still moves past them.
   */
  FeedPage readFeed(
      String scope, long afterSeq, int maxChanges, long maxBytes, String excludeSource);

  /**
   * Applies a write set in one transaction and returns the seq assigned to each write (0 for a
   * write that was not newer than the stored state).
   *
   * <p>Writes apply in order, each compared with the state left by the writes before it.
   * Checkpoints in {@link WriteSet#checkpoints()} must not move a cursor backwards under the same
   * peer epoch; if one does, the whole write set is refused with {@link
   * SyncException.Code#INVALID_ARGUMENT} and nothing is applied. A quarantine entry equal to a
   * present one (same peer, record id and version) is not added twice.
   */
  ApplyResult apply(WriteSet writes);

  /** The checkpoint for a peer and scope, or empty if none was stored. */
  Optional<Checkpoint> checkpoint(String peerId, String scope);

  /** The quarantined changes, oldest first. */
  List<QuarantinedChange> quarantine();

  /** An engine property set through {@link WriteSet.Builder#property}, or empty. */
  Optional<String> property(String name);

  /** Releases the store's resources; later calls throw {@link SyncException.Code#CLOSED}. */
  @Override
  void close();
}
