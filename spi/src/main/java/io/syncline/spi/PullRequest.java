package io.syncline.spi;

/**
 * A request for the peer's changes of one scope past a cursor.
 *
 * @param requesterId the caller's replica id; the peer leaves out changes it received from the
 *     caller
 * @param scope the scope to read
 * @param afterSeq the caller's pull cursor
 * @param maxChanges the most changes to return
 * @param maxBytes the most bytes to return (past the first change)
 */
public record PullRequest(
    String requesterId, String scope, long afterSeq, int maxChanges, long maxBytes) {
  /** Validates every part. */
  public PullRequest {
    Checks.identifier(requesterId, "requesterId", 64);
    SyncRecord.checkScope(scope);
    Checks.nonNegative(afterSeq, "afterSeq");
    Checks.positive(maxChanges, "maxChanges");
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes <= 0: " + maxBytes);
    }
  }
}
