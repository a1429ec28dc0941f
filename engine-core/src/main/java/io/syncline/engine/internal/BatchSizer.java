package io.syncline.engine.internal;

/**
 * The batch limits for one peer, learned from its answers. A batch that comes back too large halves
 * the next one and marks its size as known bad; a batch that succeeds marks its size as known good
 * and lets the next one grow additively, but never to a known bad size: growth that would reach it
 * probes half-way between the largest good and the smallest bad size instead. The limits therefore
 * settle just under the peer's real limit after a logarithmic number of probes, and stay there for
 * the life of the engine. Counts and bytes are learned separately, since a peer may refuse either.
 *
 * <p>Thread-compatible: used by one sync session at a time.
 */
public final class BatchSizer {
  private final Dimension changes;
  private final Dimension bytes;

  public BatchSizer(int maxChanges, long maxBytes) {
    this.changes = new Dimension(maxChanges);
    this.bytes = new Dimension(maxBytes);
  }

  /** The most changes to send in the next batch, at most {@code peerMax}. */
  public int maxChanges(int peerMax) {
    return (int) Math.max(1, Math.min(changes.current, peerMax));
  }

  /** The most bytes to send in the next batch, at most {@code peerMax}. */
  public long maxBytes(long peerMax) {
    return Math.max(1, Math.min(bytes.current, peerMax));
  }

  /** A batch of {@code sentChanges} changes and {@code sentBytes} bytes was accepted. */
  public void onSuccess(int sentChanges, long sentBytes) {
    changes.good(sentChanges);
    bytes.good(sentBytes);
  }

  /**
   * A batch of {@code sentChanges} changes and {@code sentBytes} bytes was too large; {@code hint}
   * is the peer's stated maximum count, or 0.
   */
  public void onTooLarge(int sentChanges, long sentBytes, int hint) {
    if (hint > 0 && hint < sentChanges) {
      changes.bad(sentChanges);
      changes.current = hint;
      changes.knownGood = hint;
      return;
    }
    changes.bad(sentChanges);
    bytes.bad(sentBytes);
  }

  /** The current count limit (for tests). */
  public int currentChanges() {
    return (int) changes.current;
  }

  private static final class Dimension {
    final long configured;
    long current;
    long knownGood;
    long knownBad = Long.MAX_VALUE;

    Dimension(long configured) {
      this.configured = configured;
      this.current = configured;
    }

    void good(long sent) {
      knownGood = Math.max(knownGood, sent);
      if (sent < current) {
        return; // the feed ran out before the limit: nothing learned about larger batches
      }
      long next = current + Math.max(1, configured / 16);
      if (next >= knownBad) {
        next = knownGood + (knownBad - knownGood) / 2;
      }
      current = Math.min(configured, Math.max(current, next));
    }

    void bad(long sent) {
      knownBad = Math.min(knownBad, sent);
      if (knownGood >= knownBad) {
        knownGood = 0; // the peer's limit went down
      }
      current = Math.max(1, Math.max(knownGood, sent / 2));
    }
  }
}
