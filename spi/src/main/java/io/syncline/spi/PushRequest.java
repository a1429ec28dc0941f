package io.syncline.spi;

import java.util.List;

/**
 * A batch of the sender's changes of one scope, for the peer to apply atomically.
 *
 * @param senderId the sender's replica id; the receiver records it as the changes' source so that
 *     it never sends them back
 * @param scope the scope every change belongs to
 * @param batchId an id the sender gives the batch, the same when it resends it; for logs and
 *     deduplication
 * @param changes the changes in increasing seq order of the sender's feed
 */
public record PushRequest(String senderId, String scope, String batchId, List<Change> changes) {
  /** Validates and copies. */
  public PushRequest {
    Checks.identifier(senderId, "senderId", 64);
    SyncRecord.checkScope(scope);
    Checks.notNull(batchId, "batchId");
    changes = Checks.immutableList(changes, "changes");
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
