package io.syncline.bench;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A harness's {@code name=value} arguments (names ignore case), with defaults; {@link #toString()}
 * lists every value a run used, so that the printed table says how it was made.
 */
public final class Args {
  private final Map<String, String> given = new TreeMap<>();
  private final Map<String, String> used = new TreeMap<>();

  private Args() {}

  /** Parses {@code name=value} words. */
  public static Args parse(String... args) {
    Args a = new Args();
    for (String arg : args) {
      if (arg.isBlank()) {
        continue;
      }
      int eq = arg.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("expected name=value, got " + arg);
      }
      a.given.put(arg.substring(0, eq).toLowerCase(Locale.ROOT), arg.substring(eq + 1));
    }
    return a;
  }

  /** An integer argument. */
  public int integer(String name, int defaultValue) {
    String v = given.getOrDefault(name.toLowerCase(Locale.ROOT), Integer.toString(defaultValue));
    used.put(name, v);
    try {
      return Integer.parseInt(v.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be an integer: " + v, e);
    }
  }

  /** A text argument. */
  public String text(String name, String defaultValue) {
    String v = given.getOrDefault(name.toLowerCase(Locale.ROOT), defaultValue);
    used.put(name, v);
    return v;
  }

  /** Fails on arguments no harness asked for (a typo would silently run the defaults). */
  public Args checkAllUsed() {
    for (String name : given.keySet()) {
      if (used.keySet().stream().noneMatch(u -> u.equalsIgnoreCase(name))) {
        throw new IllegalArgumentException(
            "unknown argument " + name + "; known: " + used.keySet());
      }
    }
    return this;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    used.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : " ").append(k).append('=').append(v));
    return sb.toString();
  }
}
