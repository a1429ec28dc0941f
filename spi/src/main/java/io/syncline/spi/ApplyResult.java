package io.syncline.spi;

import java.util.Arrays;

/**
 * What {@link SyncStore#apply} did with each write of a {@link WriteSet}: the seq it assigned, or 0
 * where the write was not newer than the stored state and so changed nothing.
 *
 * <p>Immutable.
 */
public final class ApplyResult {
  private final long[] seqs;

  private ApplyResult(long[] seqs) {
    this.seqs = seqs;
  }

  /** A result from the seqs assigned to each write, in write order; 0 for a skipped write. */
  public static ApplyResult of(long... seqs) {
    for (long s : seqs) {
      Checks.nonNegative(s, "seq");
    }
    return new ApplyResult(seqs.clone());
  }

  /** The number of writes the result covers. */
  public int size() {
    return seqs.length;
  }

  /** The seq assigned to write {@code i}, or 0 if that write changed nothing. */
  public long seq(int i) {
    return seqs[i];
  }

  /** Whether write {@code i} was stored. */
  public boolean applied(int i) {
    return seqs[i] != 0;
  }

  /** How many writes were stored. */
  public int appliedCount() {
    int n = 0;
    for (long s : seqs) {
      if (s != 0) {
        n++;
      }
    }
    return n;
  }

  @Override
  public String toString() {
    return "ApplyResult" + Arrays.toString(seqs);
  }
}
