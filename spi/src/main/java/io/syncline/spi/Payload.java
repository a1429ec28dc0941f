package io.syncline.spi;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An immutable sequence of bytes: a record's JSON document, opaque to stores and transports.
 *
 * <p>Thread-safe. Equality is by content.
 */
public final class Payload {
  /** The empty payload, held by tombstones. */
  public static final Payload EMPTY = new Payload(new byte[0]);

  private final byte[] bytes;
  private int hash;

  private Payload(byte[] bytes) {
    this.bytes = bytes;
  }

  /** A payload holding a copy of {@code bytes}. */
  public static Payload copyOf(byte[] bytes) {
    Checks.notNull(bytes, "bytes");
    return bytes.length == 0 ? EMPTY : new Payload(bytes.clone());
  }

  /**
   * A payload that takes ownership of {@code bytes} without copying. The caller must never change
   * the array afterwards; this exists for decoders that have just allocated it.
   */
  public static Payload wrap(byte[] bytes) {
    Checks.notNull(bytes, "bytes");
    return bytes.length == 0 ? EMPTY : new Payload(bytes);
  }

  /** A payload holding {@code text} encoded as UTF-8. */
  public static Payload utf8(String text) {
    Checks.notNull(text, "text");
    return wrap(text.getBytes(StandardCharsets.UTF_8));
  }

  /** The number of bytes. */
  public int size() {
    return bytes.length;
  }

  /** Whether this payload has no bytes. */
  public boolean isEmpty() {
    return bytes.length == 0;
  }

  /**
   * Whether the bytes are exactly one well-formed JSON value (RFC 8259) in UTF-8, with optional
   * whitespace around it and an optional byte order mark before it. Strings must be valid UTF-8
   * with only JSON's escapes; nesting deeper than 1000 levels is refused. One pass over the bytes,
   * without a parser. The empty payload is not JSON.
   */
  public boolean isJson() {
    return bytes.length > 0 && JsonSyntax.isWellFormed(bytes);
  }

  /** A copy of the bytes. */
  public byte[] toByteArray() {
    return bytes.clone();
  }

  /**
   * The bytes as a read-only buffer, without copying them: for codecs and validators that read a
   * payload once. Each call returns a new buffer, positioned at 0.
   */
  public ByteBuffer asReadOnlyBuffer() {
    return ByteBuffer.wrap(bytes).asReadOnlyBuffer();
  }

  /** A stream over the bytes, without copying them. */
  public InputStream newInputStream() {
    return new ByteArrayInputStream(bytes);
  }

  /** The bytes decoded as UTF-8. */
  public String toUtf8() {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Payload && Arrays.equals(bytes, ((Payload) o).bytes);
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0 && bytes.length > 0) {
      h = Arrays.hashCode(bytes);
      hash = h;
    }
    return h;
  }

  /** The first bytes as UTF-8 text, abbreviated; for logs. */
  @Override
  public String toString() {
    if (bytes.length <= 64) {
      return toUtf8();
    }
    return new String(bytes, 0, 64, StandardCharsets.UTF_8) + "...(" + bytes.length + " bytes)";
  }
}
