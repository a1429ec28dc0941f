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
   * another record. One pass, without an object per change (an open-addressing table of indexes,
   * each id's hash beside its index so that most probes compare two ints): for checking a page or a
   * batch of a thousand changes as it arrives.
   */
  public static RecordId firstRepeatedId(List<Change> changes) {
    Checks.notNull(changes, "changes");
    int n = changes.size();
    if (n < 2) {
      return null;
    }
    long[] table = new long[Integer.highestOneBit(n) << 2];
    int mask = table.length - 1;
    for (int i = 0; i < n; i++) {
      RecordId id = changes.get(i).id();
      int h = id.hashCode() * 0x9E3779B9;
      h ^= h >>> 16;
      int j = h & mask;
      for (long e = table[j]; e != 0; e = table[j]) {
        if ((int) (e >>> 32) == h && changes.get((int) e - 1).id().equals(id)) {
          return id;
        }
        j = (j + 1) & mask;
      }
      table[j] = ((long) h << 32) | (i + 1);
    }
    return null;
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
