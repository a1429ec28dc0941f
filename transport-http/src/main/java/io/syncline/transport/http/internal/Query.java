package io.syncline.transport.http.internal;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/** A strictly parsed query string: each parameter at most once, integers as plain digits. */
@JvmOnly
public final class Query {
  private final Map<String, String> params;

  private Query(Map<String, String> params) {
    this.params = params;
  }

  /** Parses {@code raw} (without {@code ?}; null means empty). */
  public static Query parse(String raw) throws WireException {
    Map<String, String> out = new TreeMap<>();
    if (raw != null && !raw.isEmpty()) {
      for (String pair : raw.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String name = decode(eq < 0 ? pair : pair.substring(0, eq));
        String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
        if (out.put(name, value) != null) {
          throw WireException.badRequest("query parameter \"" + name + "\" is given twice");
        }
      }
    }
    return new Query(out);
  }

  private static String decode(String s) throws WireException {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw WireException.badRequest("malformed percent-encoding in the query string");
    }
  }

  /** {@code s} percent-encoded for a query string. */
  public static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** The value of {@code name}; a 400 if it is absent or empty. */
  public String required(String name) throws WireException {
    String v = params.get(name);
    if (v == null || v.isEmpty()) {
      throw WireException.badRequest("missing query parameter \"" + name + "\"");
    }
    return v;
  }

  /**
   * The integer value of {@code name} in {@code [min, max]}, or {@code fallback} if absent; a 400
   * if it is absent without a fallback, not plain decimal digits, or out of range.
   */
  public long longParam(String name, long min, long max, Long fallback) throws WireException {
    String v = params.get(name);
    if (v == null) {
      if (fallback == null) {
        throw WireException.badRequest("missing query parameter \"" + name + "\"");
      }
      return fallback;
    }
    String range = " must be an integer in [" + min + ", " + max + "]";
    boolean digits = !v.isEmpty() && v.length() <= 19;
    for (int i = 0; digits && i < v.length(); i++) {
      digits = v.charAt(i) >= '0' && v.charAt(i) <= '9';
    }
    if (!digits) {
      throw WireException.badRequest(
          "query parameter \"" + name + "\"" + range + ", not \"" + abbreviate(v) + "\"");
    }
    long n;
    try {
      n = Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw WireException.badRequest("query parameter \"" + name + "\"" + range);
    }
    if (n < min || n > max) {
      throw WireException.badRequest("query parameter \"" + name + "\"" + range + ": " + n);
    }
    return n;
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }
}
