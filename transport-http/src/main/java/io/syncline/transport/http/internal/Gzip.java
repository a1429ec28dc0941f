package io.syncline.transport.http.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** gzip in both directions; inflating is bounded so that a small bomb cannot fill the heap. */
public final class Gzip {
  private Gzip() {}

  /** Thrown when inflated content would exceed its bound. */
  public static final class TooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    TooLargeException(long max) {
      super("decompressed body exceeds " + max + " bytes");
    }
  }

  public static byte[] compress(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, data.length / 4));
    try (GZIPOutputStream gz = new GZIPOutputStream(out, 8192)) {
      gz.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * Inflates {@code data}; throws {@link TooLargeException} as soon as the output passes {@code
   * max} bytes, and {@link IOException} if {@code data} is not gzip.
   */
  public static byte[] decompress(byte[] data, long max) throws IOException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(data), 8192)) {
      return readBounded(in, max);
    }
  }

  /** Reads {@code in} to its end, refusing more than {@code max} bytes. */
  public static byte[] readBounded(InputStream in, long max) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    long total = 0;
    int n;
    while ((n = in.read(buf)) != -1) {
      total += n;
      if (total > max) {
        throw new TooLargeException(max);
      }
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }

  /** Whether an {@code Accept-Encoding} header value admits gzip. */
  public static boolean accepted(String acceptEncoding) {
    if (acceptEncoding == null) {
      return false;
    }
    for (String part : acceptEncoding.split(",")) {
      String[] p = part.trim().split(";");
      String coding = p[0].trim();
      if (coding.equalsIgnoreCase("gzip") || coding.equals("*")) {
        for (int i = 1; i < p.length; i++) {
          String param = p[i].trim();
          if (param.startsWith("q=")) {
            try {
              if (Double.parseDouble(param.substring(2)) <= 0) {
                return false;
              }
            } catch (NumberFormatException e) {
              return false;
            }
          }
        }
        return true;
      }
    }
    return false;
  }
}
