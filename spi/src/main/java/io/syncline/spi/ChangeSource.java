package io.syncline.spi;

import java.io.IOException;
import java.util.List;

/**
 * An external data set (a folder of files, a table of an existing database) that the engine scans
 * for what changed since its last scan, and imports as local writes.
 *
 * <p>The token is the source's own bookmark: the engine stores it atomically with the writes it
 * imported, so a scan interrupted by a crash resumes from the last stored token. Thread-compatible:
 * the engine calls one source from one thread at a time.
 */
public interface ChangeSource {

  /** A stable name for this source; the engine keys its stored token by it. */
  String name();

  /**
   * Returns at most {@code limit} changes since {@code token} (null for a first, full scan), the
   * token to pass next, and whether more are waiting.
   */
  ScanResult scan(String token, int limit) throws IOException;

  /**
   * One changed item.
   *
   * @param id the record it maps to
   * @param scope the scope to write it in
   * @param deleted whether the item was removed
   * @param payload its JSON document; empty when deleted
   */
  record SourceChange(RecordId id, String scope, boolean deleted, Payload payload) {
    /** Validates every part. */
    public SourceChange {
      Checks.notNull(id, "id");
      SyncRecord.checkScope(scope);
      Checks.notNull(payload, "payload");
      if (deleted && !payload.isEmpty()) {
        throw new IllegalArgumentException("a deleted item has an empty payload");
      }
    }
  }

  /**
   * The result of one scan.
   *
   * @param changes what changed
   * @param nextToken the bookmark after these changes
   * @param hasMore whether another scan would return more right away
   */
  record ScanResult(List<SourceChange> changes, String nextToken, boolean hasMore) {
    /** Validates and copies. */
    public ScanResult {
      changes = Checks.immutableList(changes, "changes");
      Checks.notNull(nextToken, "nextToken");
    }
  }
}
