package io.syncline.transport.http.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** The {@code Retry-After} header: delay-seconds or an HTTP-date (RFC 9110, section 10.2.3). */
public final class RetryAfter {
  /** Longer delays are capped: a misconfigured proxy must not park a client for days. */
  public static final Duration MAX = Duration.ofHours(1);

  private RetryAfter() {}

  /**
   * The delay a {@code Retry-After} value asks for, measured from {@code now}; null if the value is
   * absent or unparseable. A date in the past means no delay.
   */
  public static Duration parse(String value, Instant now) {
    if (value == null) {
      return null;
    }
    String v = value.trim();
    if (v.isEmpty()) {
      return null;
    }
    if (v.chars().allMatch(c -> c >= '0' && c <= '9')) {
      if (v.length() > 9) {
        return MAX;
      }
      return min(Duration.ofSeconds(Long.parseLong(v)));
    }
    try {
      // RFC_1123_DATE_TIME uses fixed English names, whatever the default locale.
      Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration d = Duration.between(now, at);
      return d.isNegative() ? Duration.ZERO : min(d);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static Duration min(Duration d) {
    return d.compareTo(MAX) > 0 ? MAX : d;
  }

  /** The header value for {@code d}: whole seconds, rounded up. */
  public static String format(Duration d) {
    return Long.toString(seconds(d));
  }

  /** Whole seconds of {@code d}, rounded up. */
  public static long seconds(Duration d) {
    long s = d.getSeconds();
    return d.getNano() > 0 ? s + 1 : s;
  }
}
