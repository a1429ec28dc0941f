package io.syncline.transport.http.internal;

import com.fasterxml.jackson.core.SerializableString;
import io.syncline.spi.Payload;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Bytes that are already one JSON value, written into a document unchanged. Payloads travel this
 * way so that every replica stores exactly the bytes the writer produced.
 */
final class RawJson implements SerializableString {
  private final byte[] utf8;

  RawJson(byte[] utf8) {
    this.utf8 = utf8;
  }

  /**
   * Whether {@code payload} can be embedded as a JSON value byte for byte: valid UTF-8, exactly one
   * well-formed JSON value, no surrounding whitespace. Anything else travels as base64.
   */
  static boolean embeddable(Payload payload) {
    if (payload.isEmpty()) {
      return false;
    }
    ByteBuffer b = payload.asReadOnlyBuffer();
    if (isWhitespace(b.get(0)) || isWhitespace(b.get(b.limit() - 1))) {
      return false;
    }
    return payload.isJson();
  }

  private static boolean isWhitespace(byte b) {
    return b == ' ' || b == '\t' || b == '\n' || b == '\r';
  }

  @Override
  public String getValue() {
    return new String(utf8, StandardCharsets.UTF_8);
  }

  @Override
  public int charLength() {
    return getValue().length();
  }

  @Override
  public char[] asQuotedChars() {
    throw new UnsupportedOperationException();
  }

  @Override
  public byte[] asUnquotedUTF8() {
    return utf8;
  }

  @Override
  public byte[] asQuotedUTF8() {
    throw new UnsupportedOperationException();
  }

  @Override
  public int appendQuotedUTF8(byte[] buffer, int offset) {
    throw new UnsupportedOperationException();
  }

  @Override
  public int appendQuoted(char[] buffer, int offset) {
    throw new UnsupportedOperationException();
  }

  @Override
  public int appendUnquotedUTF8(byte[] buffer, int offset) {
    if (buffer.length - offset < utf8.length) {
      return -1;
    }
    System.arraycopy(utf8, 0, buffer, offset, utf8.length);
    return utf8.length;
  }

  @Override
  public int appendUnquoted(char[] buffer, int offset) {
    String s = getValue();
    if (buffer.length - offset < s.length()) {
      return -1;
    }
    s.getChars(0, s.length(), buffer, offset);
    return s.length();
  }

  @Override
  public int writeQuotedUTF8(OutputStream out) {
    throw new UnsupportedOperationException();
  }

  @Override
  public int writeUnquotedUTF8(OutputStream out) throws IOException {
    out.write(utf8);
    return utf8.length;
  }

  @Override
  public int putQuotedUTF8(ByteBuffer buffer) {
    throw new UnsupportedOperationException();
  }

  @Override
  public int putUnquotedUTF8(ByteBuffer buffer) {
    if (buffer.remaining() < utf8.length) {
      return -1;
    }
    buffer.put(utf8);
    return utf8.length;
  }

  @Override
  public String toString() {
    return getValue();
  }
}
