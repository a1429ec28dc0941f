package io.syncline.engine;

/** Where a record stands in syncing; see {@link SyncEngine#stateOf}. */
public enum RecordState {
  /** The replica holds no such record. */
  UNKNOWN,
  /** A local change of the record waits to be acknowledged by a peer that should receive it. */
  PENDING,
  /** Every peer that should hold the record's current state has acknowledged or sent it. */
  SYNCED,
  /** A peer rejected the record's current state; see {@link SyncEngine#quarantine()}. */
  QUARANTINED
}
