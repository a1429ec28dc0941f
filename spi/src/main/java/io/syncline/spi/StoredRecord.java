package io.syncline.spi;

/**
 * A record as a store holds it: its state, the seq of its latest write in the store's feed, and
 * where that write came from.
 *
 * @param record the record's latest state
 * @param seq the seq of the write that stored this state
 * @param source the id of the peer this state was received from, or null if it was written locally
 *     (by this replica's app or its conflict resolver)
 */
public record StoredRecord(SyncRecord record, long seq, String source) {
  private static final Checks.LastValid LAST_SOURCE = new Checks.LastValid();

  /** Validates: record non-null, seq positive, source null or an identifier. */
  public StoredRecord {
    Checks.notNull(record, "record");
    if (seq <= 0) {
      throw new IllegalArgumentException("seq <= 0: " + seq);
    }
    if (source != null) {
      Checks.identifier(source, "source", 64, LAST_SOURCE);
    }
  }

  /** This record as a feed entry. */
  public Change toChange() {
    return new Change(record, seq);
  }
}
