package io.syncline.spi;

/**
 * An entry of a store's change feed: a record's latest state and the sequence number its store
 * assigned when that state was written.
 *
 * @param record the record's state
 * @param seq the sequence number in the feed of the store that produced this change (positive)
 */
public record Change(SyncRecord record, long seq) {
  /** Validates: the record is not null and the seq is positive. */
  public Change {
    Checks.notNull(record, "record");
    if (seq <= 0) {
      throw new IllegalArgumentException("seq <= 0: " + seq);
    }
  }

  /** Shorthand for {@code record().id()}. */
  public RecordId id() {
    return record.id();
  }

  @Override
  public String toString() {
    return "#" + seq + " " + record;
  }
}
