package io.syncline.spi;

import java.util.Collections;
import java.util.List;

/**
 * One page of a change feed.
 *
 * <p>The contract that makes cursors safe: every change of the scope whose seq lies in {@code
 * (afterSeq, nextCursor]} is either in {@code changes} or was superseded by a later write of the
 * same record, which has a seq above {@code nextCursor} and so appears in a later page. A reader
 * that stores {@code nextCursor} and asks again from there therefore never skips a change.
 *
 * @param changes the changes, in strictly increasing seq order, each above the requested cursor and
 *     at most {@code nextCursor}
 * @param nextCursor the cursor to ask from next; never below the requested cursor
 * @param hasMore whether the feed held more than this page when it was read
 */
public record FeedPage(List<Change> changes, long nextCursor, boolean hasMore) {
  /** Validates and copies: changes in strictly increasing seq order, none above nextCursor. */
  public FeedPage {
    changes = Checks.immutableList(changes, "changes");
    Checks.nonNegative(nextCursor, "nextCursor");
    long prev = Long.MIN_VALUE;
    for (Change c : changes) {
      if (c.seq() <= prev) {
        throw new IllegalArgumentException("changes not in strictly increasing seq order");
      }
      prev = c.seq();
    }
    RecordId repeated = Change.firstRepeatedId(changes);
    if (repeated != null) {
      throw new IllegalArgumentException("record " + repeated + " appears twice in one page");
    }
    if (!changes.isEmpty() && prev > nextCursor) {
      throw new IllegalArgumentException("a change lies above nextCursor " + nextCursor);
    }
  }

  /** An empty page at {@code cursor} with nothing more to read. */
  public static FeedPage empty(long cursor) {
    return new FeedPage(Collections.<Change>emptyList(), cursor, false);
  }

  /** The sum of the changes' approximate sizes. */
  public long approximateBytes() {
    long n = 0;
    for (Change c : changes) {
      n += c.record().approximateSize();
    }
    return n;
  }
}
