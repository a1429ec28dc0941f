package io.syncline.bench;

import java.util.Arrays;
import java.util.List;

/** Medians and percentiles. */
public final class Stats {
  private Stats() {}

  /** The median of {@code xs} (the mean of the middle two for an even count). */
  public static double median(List<Double> xs) {
    if (xs.isEmpty()) {
      throw new IllegalArgumentException("no values");
    }
    double[] a = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int n = a.length;
    return n % 2 == 1 ? a[n / 2] : (a[n / 2 - 1] + a[n / 2]) / 2;
  }

  /** The {@code p}-th percentile (0..100, nearest rank) of {@code values}. */
  public static long percentile(long[] values, double p) {
    if (values.length == 0) {
      throw new IllegalArgumentException("no values");
    }
    long[] a = values.clone();
    Arrays.sort(a);
    int rank = (int) Math.ceil(p / 100.0 * a.length);
    return a[Math.min(a.length - 1, Math.max(0, rank - 1))];
  }
}
