package io.syncline.engine.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Unmodifiable copies, for code that runs on Android before API 30 (which lacks {@code List.copyOf}
 * and {@code Map.copyOf}).
 */
public final class Immutables {
  private Immutables() {}

  /** An unmodifiable copy of {@code values}. */
  public static <T> List<T> list(Collection<? extends T> values) {
    return Collections.unmodifiableList(new ArrayList<>(values));
  }

  /** An unmodifiable, key-sorted copy of {@code values}. */
  public static <K extends Comparable<K>, V> Map<K, V> sortedMap(Map<K, V> values) {
    return Collections.unmodifiableMap(new TreeMap<>(values));
  }
}
