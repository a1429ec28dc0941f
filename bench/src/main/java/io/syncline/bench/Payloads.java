package io.syncline.bench;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** The benchmark's records: JSON documents of exactly {@link #SIZE} bytes, like a contact. */
public final class Payloads {
  /** Bytes per payload. */
  public static final int SIZE = 200;

  /** The collection every harness writes. */
  public static final String COLLECTION = "contacts";

  private Payloads() {}

  /** The key of record {@code i}. */
  public static String key(int i) {
    return String.format(Locale.ROOT, "c%09d", i);
  }

  /** Record {@code i} at revision {@code rev}, as JSON text of {@link #SIZE} bytes. */
  public static String json(int i, int rev) {
    String head =
        String.format(
            Locale.ROOT,
            "{\"name\":\"Contact %d\",\"email\":\"contact%d@example.org\",\"phone\":\"+44 20 %07d\","
                + "\"rev\":%d,\"note\":\"",
            i,
            i,
            i % 10_000_000,
            rev);
    StringBuilder sb = new StringBuilder(SIZE).append(head);
    int pad = SIZE - head.length() - 2;
    for (int k = 0; k < pad; k++) {
      sb.append((char) ('a' + (i + k) % 26));
    }
    String s = sb.append("\"}").toString();
    if (s.getBytes(StandardCharsets.UTF_8).length != SIZE) {
      throw new IllegalStateException("payload is not " + SIZE + " bytes: " + s);
    }
    return s;
  }
}
