package io.syncline.engine.internal;

/**
 * The batch limits for one peer, learned as batches succeed or come back too large: halve on too
 * large and remember the size that failed as a ceiling; grow additively on success, up to the
 * ceiling. Thread-compatible: used by one sync session at a time.
 */
public final class BatchSizer {
  private final int configuredChanges;
  private final long configuredBytes;
  private int changes;
  private long bytes;
  private int ceilingChanges;
  private long ceilingBytes;

  public BatchSizer(int maxChanges, long maxBytes) {
    this.configuredChanges = maxChanges;
    this.configuredBytes = maxBytes;
    this.changes = maxChanges;
    this.bytes = maxBytes;
    this.ceilingChanges = maxChanges;
    this.ceilingBytes = maxBytes;
  }

  /** The most changes to send in the next batch, at most {@code peerMax}. */
  public int maxChanges(int peerMax) {
    return Math.max(1, Math.min(changes, peerMax));
  }

  /** The most bytes to send in the next batch, at most {@code peerMax}. */
  public long maxBytes(long peerMax) {
    return Math.max(1, Math.min(bytes, peerMax));
  }

  /** A batch of {@code sentChanges} changes and {@code sentBytes} bytes was accepted. */
  public void onSuccess(int sentChanges, long sentBytes) {
    if (sentChanges >= changes) {
      changes = Math.min(ceilingChanges, changes + Math.max(1, configuredChanges / 16));
    }
    if (sentBytes >= bytes / 2) {
      bytes = Math.min(ceilingBytes, bytes + Math.max(1, configuredBytes / 16));
    }
  }

  /**
   * A batch of {@code sentChanges} changes and {@code sentBytes} bytes was too large; {@code hint}
   * is the peer's stated maximum count, or 0.
   */
  public void onTooLarge(int sentChanges, long sentBytes, int hint) {
    if (hint > 0 && hint < sentChanges) {
      ceilingChanges = hint;
      changes = Math.max(1, Math.min(hint, sentChanges / 2));
    } else {
      ceilingChanges = Math.max(1, sentChanges - 1);
      ceilingBytes = Math.max(1, sentBytes - 1);
      changes = Math.max(1, sentChanges / 2);
      bytes = Math.max(1, sentBytes / 2);
    }
  }

  /** The current count limit (for status and tests). */
  public int currentChanges() {
    return changes;
  }
}
