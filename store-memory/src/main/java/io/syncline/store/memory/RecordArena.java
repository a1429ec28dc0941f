package io.syncline.store.memory;

import io.syncline.spi.Payload;
import io.syncline.spi.SyncRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Record states packed one after another into large byte arrays. A store of a million records then
 * holds a few hundred arrays instead of several objects per record: the garbage collector copies an
 * array of bytes far faster than a graph of small objects, and a state takes about a third of the
 * memory. A state is written once and never changed. A newer state of the same record is appended
 * and the old one counted as dead, until {@link #compact} copies the live states to fresh arrays.
 *
 * <p>A state lives at an address: the array's index in the high 32 bits, the offset in the low. Its
 * layout: length of the whole entry (int), seq (long), stamp (long), the name ids of collection,
 * scope, replica and source (int each; the source is {@link #NO_SOURCE} for a local write), flags
 * (byte), key length in bytes (int) and key, payload length (int) and payload, meta length (int)
 * and meta. A key of ASCII characters takes a byte a character; any other key is kept as its UTF-16
 * code units, so that every string, unpaired surrogates included, comes back exactly.
 *
 * <p>Not thread-safe: the store calls it under its lock.
 */
final class RecordArena {
  /** The size of the arrays that take the states; a larger state gets an array of its own. */
  static final int CHUNK = 256 * 1024;

  private static final int FIRST_CHUNK = 4 * 1024;

  /** The source id of a local write. */
  static final int NO_SOURCE = -1;

  private static final int LENGTH = 0;
  private static final int SEQ = 4;
  private static final int STAMP = 12;
  private static final int COLLECTION = 20;
  private static final int SCOPE = 24;
  private static final int REPLICA = 28;
  private static final int SOURCE = 32;
  private static final int FLAGS = 36;
  private static final int KEY_LENGTH = 37;
  private static final int KEY = 41;
  private static final byte DELETED = 1;
  private static final byte UTF16_KEY = 2;

  private byte[][] chunks = new byte[8][];
  private ByteBuffer[] views = new ByteBuffer[8];
  private int count;
  private int current = -1;
  private int fill;
  private long liveBytes;
  private long deadBytes;

  /** Appends a state and returns its address. */
  long write(SyncRecord r, long seq, int collection, int scope, int replica, int source) {
    String key = r.id().key();
    boolean ascii = isAscii(key);
    int keyBytes = ascii ? key.length() : key.length() * 2;
    // Record limits keep a state far below 2 GiB; a long guards the sum all the same.
    long size = (long) KEY + keyBytes + 4 + r.payload().size() + 4 + r.meta().size();
    if (size > Integer.MAX_VALUE - 64) {
      throw new IllegalArgumentException("record too large for a memory store: " + size);
    }
    int length = (int) size;
    long address = reserve(length);
    byte[] b = chunks[(int) (address >>> 32)];
    ByteBuffer v = views[(int) (address >>> 32)];
    int o = (int) address;
    v.putInt(o + LENGTH, length);
    v.putLong(o + SEQ, seq);
    v.putLong(o + STAMP, r.version().stamp());
    v.putInt(o + COLLECTION, collection);
    v.putInt(o + SCOPE, scope);
    v.putInt(o + REPLICA, replica);
    v.putInt(o + SOURCE, source);
    b[o + FLAGS] = (byte) ((r.deleted() ? DELETED : 0) | (ascii ? 0 : UTF16_KEY));
    v.putInt(o + KEY_LENGTH, keyBytes);
    int p = o + KEY;
    if (ascii) {
      asciiBytes(key, b, p);
    } else {
      for (int i = 0; i < key.length(); i++) {
        v.putChar(p + 2 * i, key.charAt(i));
      }
    }
    p = put(b, v, p + keyBytes, r.payload());
    put(b, v, p, r.meta());
    liveBytes += length;
    return address;
  }

  /**
   * Copies the characters of {@code s}, all ASCII, as one byte each. String's own copy of the low
   * bytes is deprecated only because it drops the high ones, which ASCII does not have; it copies a
   * compact string's array at once instead of a character at a time.
   */
  @SuppressWarnings("deprecation")
  private static void asciiBytes(String s, byte[] b, int p) {
    s.getBytes(0, s.length(), b, p);
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  private static int put(byte[] b, ByteBuffer v, int p, Payload payload) {
    int n = payload.size();
    v.putInt(p, n);
    if (n > 0) {
      payload.asReadOnlyBuffer().get(b, p + 4, n);
    }
    return p + 4 + n;
  }

  private long reserve(int length) {
    if (length > CHUNK / 2) {
      return (long) addChunk(length) << 32;
    }
    if (current < 0 || fill + length > chunks[current].length) {
      // A small store stays small: arrays start at 4 KiB and double up to CHUNK.
      int size = current < 0 ? FIRST_CHUNK : Math.min(CHUNK, chunks[current].length * 2);
      current = addChunk(Math.max(size, length));
      fill = 0;
    }
    long address = ((long) current << 32) | fill;
    fill += length;
    return address;
  }

  private int addChunk(int size) {
    if (count == chunks.length) {
      chunks = Arrays.copyOf(chunks, count * 2);
      views = Arrays.copyOf(views, count * 2);
    }
    chunks[count] = new byte[size];
    views[count] = ByteBuffer.wrap(chunks[count]);
    return count++;
  }

  /** Counts the state at {@code address} as dead: a newer one replaced it. */
  void release(long address) {
    int length = view(address).getInt((int) address + LENGTH);
    liveBytes -= length;
    deadBytes += length;
  }

  /**
   * Copies the live states, whose addresses {@code addresses} holds, to fresh arrays and updates
   * their addresses, once dead states take more room than live ones (and more than a few arrays'
   * worth).
   */
  void compact(Paged.Longs addresses) {
    if (deadBytes <= liveBytes || deadBytes < 4L * CHUNK) {
      return;
    }
    RecordArena fresh = new RecordArena();
    for (int i = 0, n = addresses.size(); i < n; i++) {
      long a = addresses.get(i);
      int o = (int) a;
      int length = view(a).getInt(o + LENGTH);
      long to = fresh.reserve(length);
      System.arraycopy(
          chunks[(int) (a >>> 32)], o, fresh.chunks[(int) (to >>> 32)], (int) to, length);
      fresh.liveBytes += length;
      addresses.set(i, to);
    }
    chunks = fresh.chunks;
    views = fresh.views;
    count = fresh.count;
    current = fresh.current;
    fill = fresh.fill;
    liveBytes = fresh.liveBytes;
    deadBytes = 0;
  }

  /** The bytes of all arrays held, live or dead. */
  long heldBytes() {
    long n = 0;
    for (int i = 0; i < count; i++) {
      n += chunks[i].length;
    }
    return n;
  }

  private ByteBuffer view(long address) {
    return views[(int) (address >>> 32)];
  }

  long seq(long a) {
    return view(a).getLong((int) a + SEQ);
  }

  long stamp(long a) {
    return view(a).getLong((int) a + STAMP);
  }

  int collection(long a) {
    return view(a).getInt((int) a + COLLECTION);
  }

  int scope(long a) {
    return view(a).getInt((int) a + SCOPE);
  }

  int replica(long a) {
    return view(a).getInt((int) a + REPLICA);
  }

  int source(long a) {
    return view(a).getInt((int) a + SOURCE);
  }

  boolean deleted(long a) {
    return (chunks[(int) (a >>> 32)][(int) a + FLAGS] & DELETED) != 0;
  }

  /** The key of the state at {@code a}. */
  String key(long a) {
    byte[] b = chunks[(int) (a >>> 32)];
    ByteBuffer v = view(a);
    int o = (int) a;
    int n = v.getInt(o + KEY_LENGTH);
    if ((b[o + FLAGS] & UTF16_KEY) == 0) {
      return new String(b, o + KEY, n, StandardCharsets.ISO_8859_1);
    }
    char[] chars = new char[n / 2];
    for (int i = 0; i < chars.length; i++) {
      chars[i] = v.getChar(o + KEY + 2 * i);
    }
    return new String(chars);
  }

  /** Whether the state at {@code a} has {@code key}, without building its key. */
  boolean keyEquals(long a, String key) {
    byte[] b = chunks[(int) (a >>> 32)];
    ByteBuffer v = view(a);
    int o = (int) a;
    int n = v.getInt(o + KEY_LENGTH);
    if ((b[o + FLAGS] & UTF16_KEY) == 0) {
      if (n != key.length()) {
        return false;
      }
      for (int i = 0; i < n; i++) {
        if (b[o + KEY + i] != key.charAt(i)) {
          return false;
        }
      }
      return true;
    }
    if (n != 2 * key.length()) {
      return false;
    }
    for (int i = 0; i < key.length(); i++) {
      if (v.getChar(o + KEY + 2 * i) != key.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** The payload of the state at {@code a}, copied out. */
  Payload payload(long a) {
    int o = (int) a;
    return copy(a, o + KEY + view(a).getInt(o + KEY_LENGTH));
  }

  /** The metadata of the state at {@code a}, copied out. */
  Payload meta(long a) {
    int o = (int) a;
    int p = o + KEY + view(a).getInt(o + KEY_LENGTH);
    return copy(a, p + 4 + view(a).getInt(p));
  }

  private Payload copy(long a, int p) {
    int n = view(a).getInt(p);
    if (n == 0) {
      return Payload.EMPTY;
    }
    return Payload.wrap(Arrays.copyOfRange(chunks[(int) (a >>> 32)], p + 4, p + 4 + n));
  }
}
