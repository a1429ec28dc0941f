package io.syncline.spi;

import java.util.List;

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

  /**
   * The first record id that appears twice among {@code changes}, or null if every change is of
   * another record. One pass, without an object per change: for checking a page or a batch of a
   * thousand changes as it arrives.
   */
  public static RecordId firstRepeatedId(List<Change> changes) {
    Checks.notNull(changes, "changes");
    return Checks.repeatedId(changes);
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
