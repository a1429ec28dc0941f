package io.syncline.spi;

/**
 * A request to keep receiving a scope's new changes as they commit.
 *
 * @param requesterId the caller's replica id; its own changes are not sent back
 * @param scope the scope to follow
 * @param afterSeq the caller's pull cursor: pages start after it
 */
public record LiveRequest(String requesterId, String scope, long afterSeq) {
  /** Validates every part. */
  public LiveRequest {
    Checks.identifier(requesterId, "requesterId", 64);
    SyncRecord.checkScope(scope);
    Checks.nonNegative(afterSeq, "afterSeq");
  }
}
