package io.syncline.spi;

/**
 * Checks that bytes are exactly one JSON value (RFC 8259) in UTF-8, with optional whitespace around
 * it and an optional UTF-8 byte order mark before it. One pass, no allocation for nesting up to 64
 * levels, no parser set up: the engine's inbound validation and the transports' encoders run it on
 * every record that crosses, so it must cost little more than reading the bytes. Used through
 * {@link Payload#isJson}.
 *
 * <p>Strings must be valid UTF-8 (no overlong forms, no encoded surrogates, nothing above
 * U+10FFFF), with no raw control characters and only the escapes JSON defines. Numbers follow the
 * grammar exactly (no leading zeros, no bare dot, no NaN). Nesting deeper than {@value #MAX_DEPTH}
 * levels is refused, like Jackson's default limit.
 */
final class JsonSyntax {
  static final int MAX_DEPTH = 1000;

  /**
   * Bytes that stand for themselves inside a string: printable ASCII but the quote and backslash.
   */
  private static final boolean[] PLAIN = new boolean[256];

  static {
    for (int c = 0x20; c < 0x80; c++) {
      PLAIN[c] = c != '"' && c != '\\';
    }
  }

  private static final byte OBJECT = 1;
  private static final byte ARRAY = 2;

  private final byte[] b;
  private final int n;
  // The kinds of the open containers: one bit each for the first 64 levels (set for an object),
  // an array beyond that, allocated only for documents that nest so deep.
  private long shallow;
  private byte[] deep;
  private int depth;

  private JsonSyntax(byte[] b) {
    this.b = b;
    this.n = b.length;
  }

  /** Whether {@code bytes} hold exactly one well-formed JSON value. */
  static boolean isWellFormed(byte[] bytes) {
    return new JsonSyntax(bytes).check();
  }

  private int at(int i) {
    return b[i] & 0xff;
  }

  private boolean check() {
    int i = 0;
    if (n >= 3 && at(0) == 0xEF && at(1) == 0xBB && at(2) == 0xBF) {
      i = 3;
    }
    i = value(ws(i));
    while (i >= 0) {
      i = ws(i);
      if (depth == 0) {
        return i == n;
      }
      if (i >= n) {
        return false;
      }
      int c = at(i);
      if (top() == OBJECT) {
        if (c == ',') {
          i = value(member(ws(i + 1)));
        } else if (c == '}') {
          depth--;
          i++;
        } else {
          return false;
        }
      } else if (c == ',') {
        i = value(ws(i + 1));
      } else if (c == ']') {
        depth--;
        i++;
      } else {
        return false;
      }
    }
    return false;
  }

  /**
   * Reads a value at {@code i}: a scalar whole, or just the opening of a container (pushed on the
   * stack, including its first member's name), returning the index after what it read, or -1.
   */
  private int value(int i) {
    if (i < 0 || i >= n) {
      return -1;
    }
    int c = at(i);
    switch (c) {
      case '{':
        {
          if (!push(OBJECT)) {
            return -1;
          }
          int j = ws(i + 1);
          if (j < n && at(j) == '}') {
            depth--;
            return j + 1;
          }
          // The member's value follows: read it now, so that the caller sees a completed value
          // or an opened container.
          return value(member(j));
        }
      case '[':
        {
          if (!push(ARRAY)) {
            return -1;
          }
          int j = ws(i + 1);
          if (j < n && at(j) == ']') {
            depth--;
            return j + 1;
          }
          return value(j);
        }
      case '"':
        return string(i);
      case 't':
        return literal(i, "true");
      case 'f':
        return literal(i, "false");
      case 'n':
        return literal(i, "null");
      default:
        return c == '-' || (c >= '0' && c <= '9') ? number(i) : -1;
    }
  }

  /** Reads {@code "name" :} at {@code i}, returning the index of the value after it, or -1. */
  private int member(int i) {
    if (i < 0 || i >= n || at(i) != '"') {
      return -1;
    }
    int j = ws(string(i));
    if (j < 0 || j >= n || at(j) != ':') {
      return -1;
    }
    return ws(j + 1);
  }

  private boolean push(byte kind) {
    if (depth == MAX_DEPTH) {
      return false;
    }
    if (depth < 64) {
      long bit = 1L << depth;
      shallow = kind == OBJECT ? shallow | bit : shallow & ~bit;
    } else {
      if (deep == null) {
        deep = new byte[MAX_DEPTH];
      }
      deep[depth] = kind;
    }
    depth++;
    return true;
  }

  private byte top() {
    int at = depth - 1;
    if (at < 64) {
      return (shallow & (1L << at)) != 0 ? OBJECT : ARRAY;
    }
    return deep[at];
  }

  private int ws(int i) {
    if (i < 0) {
      return -1;
    }
    while (i < n) {
      int c = at(i);
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        break;
      }
      i++;
    }
    return i;
  }

  private int literal(int i, String word) {
    int len = word.length();
    if (i + len > n) {
      return -1;
    }
    for (int k = 0; k < len; k++) {
      if (at(i + k) != word.charAt(k)) {
        return -1;
      }
    }
    return i + len;
  }

  private int number(int i) {
    if (at(i) == '-') {
      i++;
    }
    if (i >= n) {
      return -1;
    }
    int c = at(i);
    if (c == '0') {
      i++;
    } else if (c >= '1' && c <= '9') {
      i = digits(i);
    } else {
      return -1;
    }
    if (i < n && at(i) == '.') {
      int j = digits(i + 1);
      if (j == i + 1) {
        return -1;
      }
      i = j;
    }
    if (i < n && (at(i) == 'e' || at(i) == 'E')) {
      i++;
      if (i < n && (at(i) == '+' || at(i) == '-')) {
        i++;
      }
      int j = digits(i);
      if (j == i) {
        return -1;
      }
      i = j;
    }
    return i;
  }

  private int digits(int i) {
    while (i < n) {
      int c = at(i);
      if (c < '0' || c > '9') {
        break;
      }
      i++;
    }
    return i;
  }

  /** Reads a string starting at the quote at {@code i}; returns the index after its end, or -1. */
  private int string(int i) {
    if (i < 0) {
      return -1;
    }
    i++;
    while (i < n) {
      int c = at(i);
      if (PLAIN[c]) {
        i++;
        continue;
      }
      if (c == '"') {
        return i + 1;
      }
      if (c == '\\') {
        i = escape(i + 1);
      } else if (c < 0x20) {
        return -1;
      } else if (c < 0x80) {
        i++;
      } else {
        i = utf8(i, c);
      }
      if (i < 0) {
        return -1;
      }
    }
    return -1;
  }

  private int escape(int i) {
    if (i >= n) {
      return -1;
    }
    int c = at(i);
    switch (c) {
      case '"':
      case '\\':
      case '/':
      case 'b':
      case 'f':
      case 'n':
      case 'r':
      case 't':
        return i + 1;
      case 'u':
        if (i + 5 > n) {
          return -1;
        }
        for (int k = 1; k <= 4; k++) {
          int h = at(i + k);
          boolean hex = (h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') || (h >= 'A' && h <= 'F');
          if (!hex) {
            return -1;
          }
        }
        return i + 5;
      default:
        return -1;
    }
  }

  /** Checks one multi-byte UTF-8 sequence whose lead byte {@code c} is at {@code i}. */
  private int utf8(int i, int c) {
    int more;
    int lo = 0x80;
    int hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      more = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      more = 2;
      if (c == 0xE0) {
        lo = 0xA0; // no overlong forms
      } else if (c == 0xED) {
        hi = 0x9F; // no UTF-16 surrogates
      }
    } else if (c >= 0xF0 && c <= 0xF4) {
      more = 3;
      if (c == 0xF0) {
        lo = 0x90; // no overlong forms
      } else if (c == 0xF4) {
        hi = 0x8F; // nothing above U+10FFFF
      }
    } else {
      return -1;
    }
    if (i + more >= n) {
      return -1; // the closing quote must still follow
    }
    int second = at(i + 1);
    if (second < lo || second > hi) {
      return -1;
    }
    for (int k = 2; k <= more; k++) {
      int x = at(i + k);
      if (x < 0x80 || x > 0xBF) {
        return -1;
      }
    }
    return i + more + 1;
  }
}
