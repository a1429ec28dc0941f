package io.syncline.transport.grpc.internal;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.syncline.spi.Change;
import io.syncline.spi.FeedPage;
import io.syncline.spi.Payload;
import io.syncline.spi.PushRequest;
import io.syncline.spi.RecordId;
import io.syncline.spi.SyncRecord;
import io.syncline.spi.Version;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Encodes and decodes the two bulk messages, {@code PushBatch} and {@code FeedPage}, straight
 * between the SPI's values and protobuf bytes, in exactly the encoding of {@code syncline.v1}: the
 * same bytes the generated classes write, read the way they read (unknown fields skipped, a
 * repeated singular field merged or overridden as protobuf does). Going through the generated
 * message objects would build four objects and two builders per change on each side; this builds
 * only the values the engine keeps.
 */
public final class BatchCodec {
  // Field numbers of syncline.v1, as in sync.proto.
  private static final int PUSH_SENDER = 1;
  private static final int PUSH_SCOPE = 2;
  private static final int PUSH_BATCH_ID = 3;
  private static final int PUSH_CHANGES = 4;
  private static final int PAGE_CHANGES = 1;
  private static final int PAGE_NEXT_CURSOR = 2;
  private static final int PAGE_HAS_MORE = 3;
  private static final int CHANGE_RECORD = 1;
  private static final int CHANGE_SEQ = 2;
  private static final int RECORD_COLLECTION = 1;
  private static final int RECORD_KEY = 2;
  private static final int RECORD_SCOPE = 3;
  private static final int RECORD_VERSION = 4;
  private static final int RECORD_DELETED = 5;
  private static final int RECORD_PAYLOAD = 6;
  private static final int RECORD_META = 7;
  private static final int VERSION_STAMP = 1;
  private static final int VERSION_REPLICA = 2;

  private BatchCodec() {}

  /** A message with more changes than the receiver takes; nothing past the limit was decoded. */
  public static final class TooManyChanges extends Exception {
    private static final long serialVersionUID = 1L;

    TooManyChanges(int limit) {
      super("more than " + limit + " changes");
    }
  }

  // ---- encoding ----

  /** {@code request} as a {@code PushBatch} message. */
  public static byte[] encode(PushRequest request) {
    Encoder e = new Encoder(request.changes());
    byte[] sender = utf8(request.senderId());
    byte[] scope = utf8(request.scope());
    byte[] batchId = utf8(request.batchId());
    int size =
        bytesSize(PUSH_SENDER, sender.length)
            + bytesSize(PUSH_SCOPE, scope.length)
            + bytesSize(PUSH_BATCH_ID, batchId.length)
            + e.size(PUSH_CHANGES);
    Out o = new Out(size);
    o.bytes(PUSH_SENDER, sender);
    o.bytes(PUSH_SCOPE, scope);
    o.bytes(PUSH_BATCH_ID, batchId);
    e.write(o, PUSH_CHANGES);
    return o.done("push batch");
  }

  /** {@code page} as a {@code FeedPage} message. */
  public static byte[] encode(FeedPage page) {
    Encoder e = new Encoder(page.changes());
    int size = e.size(PAGE_CHANGES);
    if (page.nextCursor() != 0) {
      size += CodedOutputStream.computeInt64Size(PAGE_NEXT_CURSOR, page.nextCursor());
    }
    if (page.hasMore()) {
      size += CodedOutputStream.computeBoolSize(PAGE_HAS_MORE, true);
    }
    Out o = new Out(size);
    e.write(o, PAGE_CHANGES);
    if (page.nextCursor() != 0) {
      o.tag(PAGE_NEXT_CURSOR, WireFormat.WIRETYPE_VARINT);
      o.varint(page.nextCursor());
    }
    if (page.hasMore()) {
      o.tag(PAGE_HAS_MORE, WireFormat.WIRETYPE_VARINT);
      o.varint(1);
    }
    return o.done("feed page");
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Writes a list of changes as repeated {@code Change} fields in two passes: sizes first (protobuf
   * puts each nested message's length before it), then bytes. Each key is turned into UTF-8 once,
   * in the first pass; the collection, scope and replica names repeat from record to record, so
   * each distinct one is turned into UTF-8 once per message.
   */
  private static final class Encoder {
    private final List<Change> changes;
    private final byte[][] keys;
    private final int[] recordSizes;
    private final Name collection = new Name();
    private final Name scope = new Name();
    private final Name replica = new Name();

    Encoder(List<Change> changes) {
      this.changes = changes;
      this.keys = new byte[changes.size()][];
      this.recordSizes = new int[changes.size()];
    }

    /**
     * The bytes of all the changes as repeated {@code field}; computes what {@link #write} needs.
     */
    int size(int field) {
      int size = 0;
      for (int i = 0; i < keys.length; i++) {
        Change c = changes.get(i);
        SyncRecord r = c.record();
        byte[] key = utf8(r.id().key());
        keys[i] = key;
        int record =
            collection.of(r.id().collection()).size(RECORD_COLLECTION)
                + bytesSize(RECORD_KEY, key.length)
                + scope.of(r.scope()).size(RECORD_SCOPE)
                + nested(RECORD_VERSION, versionSize(r.version()))
                + (r.deleted() ? CodedOutputStream.computeBoolSize(RECORD_DELETED, true) : 0)
                + bytesSize(RECORD_PAYLOAD, r.payload().size())
                + bytesSize(RECORD_META, r.meta().size());
        recordSizes[i] = record;
        size += nested(field, changeSize(record, c.seq()));
      }
      return size;
    }

    private int versionSize(Version v) {
      return (v.stamp() != 0 ? CodedOutputStream.computeInt64Size(VERSION_STAMP, v.stamp()) : 0)
          + replica.of(v.replicaId()).size(VERSION_REPLICA);
    }

    /** Writes the changes measured by {@link #size}. */
    void write(Out o, int field) {
      for (int i = 0; i < keys.length; i++) {
        Change c = changes.get(i);
        SyncRecord r = c.record();
        Version v = r.version();
        int record = recordSizes[i];
        o.tag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        o.varint(changeSize(record, c.seq()));
        o.tag(CHANGE_RECORD, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        o.varint(record);
        o.bytes(RECORD_COLLECTION, collection.of(r.id().collection()).utf8);
        o.bytes(RECORD_KEY, keys[i]);
        o.bytes(RECORD_SCOPE, scope.of(r.scope()).utf8);
        o.tag(RECORD_VERSION, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        o.varint(versionSize(v));
        if (v.stamp() != 0) {
          o.tag(VERSION_STAMP, WireFormat.WIRETYPE_VARINT);
          o.varint(v.stamp());
        }
        o.bytes(VERSION_REPLICA, replica.of(v.replicaId()).utf8);
        if (r.deleted()) {
          o.tag(RECORD_DELETED, WireFormat.WIRETYPE_VARINT);
          o.varint(1);
        }
        o.payload(RECORD_PAYLOAD, r.payload());
        o.payload(RECORD_META, r.meta());
        o.tag(CHANGE_SEQ, WireFormat.WIRETYPE_VARINT);
        o.varint(c.seq());
      }
    }
  }

  /** The UTF-8 bytes of the last name seen in one field, kept while the next record repeats it. */
  private static final class Name {
    private String last;
    private byte[] utf8;

    Name of(String s) {
      if (s != last) {
        last = s;
        utf8 = utf8(s);
      }
      return this;
    }

    int size(int field) {
      return bytesSize(field, utf8.length);
    }
  }

  /**
   * Protobuf's wire format written into an array of the exact size computed beforehand: tags of
   * field numbers below 16 (one byte), varints, and length-delimited bytes.
   */
  private static final class Out {
    private final byte[] buf;
    private int pos;

    Out(int size) {
      buf = new byte[size];
    }

    void tag(int field, int wireType) {
      buf[pos++] = (byte) ((field << 3) | wireType);
    }

    void varint(long v) {
      while ((v & ~0x7FL) != 0) {
        buf[pos++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      buf[pos++] = (byte) v;
    }

    /** A length-delimited field, left out when empty as proto3 leaves out default values. */
    void bytes(int field, byte[] b) {
      if (b.length != 0) {
        tag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        varint(b.length);
        System.arraycopy(b, 0, buf, pos, b.length);
        pos += b.length;
      }
    }

    void payload(int field, Payload p) {
      int n = p.size();
      if (n != 0) {
        tag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        varint(n);
        p.asReadOnlyBuffer().get(buf, pos, n);
        pos += n;
      }
    }

    byte[] done(String what) {
      if (pos != buf.length) {
        throw new IllegalStateException(what + " size miscounted");
      }
      return buf;
    }
  }

  /** The size of a Change message holding a record of {@code recordSize} bytes. */
  private static int changeSize(int recordSize, long seq) {
    return nested(CHANGE_RECORD, recordSize) + CodedOutputStream.computeInt64Size(CHANGE_SEQ, seq);
  }

  /** The size of a length-delimited field holding {@code length} bytes. */
  private static int nested(int field, int length) {
    return CodedOutputStream.computeTagSize(field)
        + CodedOutputStream.computeUInt32SizeNoTag(length)
        + length;
  }

  /** The size of a string or bytes field of {@code length} bytes; an empty one is not written. */
  private static int bytesSize(int field, int length) {
    return length == 0 ? 0 : nested(field, length);
  }

  // ---- decoding ----

  /**
   * A {@code PushBatch} message as a push request, refusing more than {@code maxChanges} changes.
   */
  public static PushRequest decodePush(byte[] message, int maxChanges)
      throws Wire.WireException, TooManyChanges {
    Reader in = new Reader(message);
    String sender = "";
    String scope = "";
    String batchId = "";
    List<Change> changes = new ArrayList<>();
    try {
      for (int tag = in.tag(); tag != 0; tag = in.tag()) {
        switch (tag) {
          case (PUSH_SENDER << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED -> sender = in.string();
          case (PUSH_SCOPE << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED -> scope = in.string();
          case (PUSH_BATCH_ID << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED -> batchId = in.string();
          case (PUSH_CHANGES << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED -> {
            if (changes.size() == maxChanges) {
              throw new TooManyChanges(maxChanges);
            }
            changes.add(in.change());
          }
          default -> in.skip(tag);
        }
      }
      return new PushRequest(sender, scope, batchId, changes);
    } catch (IOException | RuntimeException e) {
      throw new Wire.WireException("invalid push batch: " + e.getMessage(), e);
    }
  }

  /** A {@code FeedPage} message whose changes must all be of {@code scope}. */
  public static FeedPage decodePage(byte[] message, String scope) throws Wire.WireException {
    Reader in = new Reader(message);
    List<Change> changes = new ArrayList<>();
    long nextCursor = 0;
    boolean hasMore = false;
    try {
      for (int tag = in.tag(); tag != 0; tag = in.tag()) {
        switch (tag) {
          case (PAGE_CHANGES << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED -> {
            Change c = in.change();
            if (!c.record().scope().equals(scope)) {
              throw new IllegalArgumentException(
                  "page of scope " + scope + " holds a change of scope " + c.record().scope());
            }
            changes.add(c);
          }
          case (PAGE_NEXT_CURSOR << 3) | WireFormat.WIRETYPE_VARINT -> nextCursor = in.varint();
          case (PAGE_HAS_MORE << 3) | WireFormat.WIRETYPE_VARINT -> hasMore = in.varint() != 0;
          default -> in.skip(tag);
        }
      }
      return new FeedPage(changes, nextCursor, hasMore);
    } catch (IOException | RuntimeException e) {
      throw new Wire.WireException("invalid feed page: " + e.getMessage(), e);
    }
  }

  /**
   * Reads protobuf's wire format from one array, as protobuf's own parser would for these messages:
   * fields in any order, unknown fields (groups included) skipped, a singular field that comes
   * twice overriding (a message field merging), strings required to be valid UTF-8. Malformed bytes
   * are an {@link IOException}. The collection, scope and replica names of consecutive records are
   * mostly the same, so a name equal in bytes to the one before is not decoded again: its string is
   * shared by every record that names it.
   */
  private static final class Reader {
    /** How deep unknown groups may nest before the message counts as malformed. */
    private static final int MAX_GROUP_DEPTH = 64;

    private final byte[] buf;
    private int pos;
    private int limit;
    private final Name collection = new Name();
    private final Name scope = new Name();
    private final Name replica = new Name();
    // The fields of the record being read; reset for each change.
    private String rCollection;
    private String rKey;
    private String rScope;
    private boolean rHasVersion;
    private long rStamp;
    private String rReplica;
    private boolean rDeleted;
    private byte[] rPayload;
    private byte[] rMeta;

    Reader(byte[] buf) {
      this.buf = buf;
      this.limit = buf.length;
    }

    /** The next tag, or 0 at the end of the current message. */
    int tag() throws IOException {
      if (pos == limit) {
        return 0;
      }
      int tag = (int) varint();
      if (tag >>> 3 == 0) {
        throw new IOException("protocol message contained an invalid tag (zero)");
      }
      return tag;
    }

    long varint() throws IOException {
      if (pos < limit && buf[pos] >= 0) {
        return buf[pos++];
      }
      long result = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (pos == limit) {
          throw truncated();
        }
        byte b = buf[pos++];
        result |= (long) (b & 0x7F) << shift;
        if (b >= 0) {
          return result;
        }
      }
      throw new IOException("protocol message contained a malformed varint");
    }

    /** A length prefix, checked against the bytes left in the current message. */
    private int length() throws IOException {
      int n = (int) varint();
      if (n < 0) {
        throw new IOException("protocol message contained a negative length");
      }
      if (n > limit - pos) {
        throw truncated();
      }
      return n;
    }

    private static IOException truncated() {
      return new IOException("protocol message ended in the middle of a field");
    }

    String string() throws IOException {
      int n = length();
      String s = utf8(buf, pos, n);
      pos += n;
      return s;
    }

    private byte[] bytes() throws IOException {
      int n = length();
      byte[] b = Arrays.copyOfRange(buf, pos, pos + n);
      pos += n;
      return b;
    }

    void skip(int tag) throws IOException {
      skip(tag, 0);
    }

    private void skip(int tag, int depth) throws IOException {
      switch (tag & 7) {
        case WireFormat.WIRETYPE_VARINT -> varint();
        case WireFormat.WIRETYPE_FIXED64 -> advance(8);
        case WireFormat.WIRETYPE_LENGTH_DELIMITED -> advance(length());
        case WireFormat.WIRETYPE_FIXED32 -> advance(4);
        case WireFormat.WIRETYPE_START_GROUP -> {
          if (depth == MAX_GROUP_DEPTH) {
            throw new IOException("protocol message had too many levels of nesting");
          }
          int end = (tag & ~7) | WireFormat.WIRETYPE_END_GROUP;
          for (int t = tag(); t != end; t = tag()) {
            if (t == 0) {
              throw truncated();
            }
            skip(t, depth + 1);
          }
        }
        case WireFormat.WIRETYPE_END_GROUP -> throw new IOException("unexpected end-group tag");
        default -> throw new IOException("protocol message tag had an invalid wire type");
      }
    }

    private void advance(int n) throws IOException {
      if (n > limit - pos) {
        throw truncated();
      }
      pos += n;
    }

    /** Enters a length-delimited message; returns the limit to restore when it ends. */
    private int enter() throws IOException {
      int n = length();
      int outer = limit;
      limit = pos + n;
      return outer;
    }

    Change change() throws IOException {
      int outer = enter();
      boolean hasRecord = false;
      long seq = 0;
      rCollection = "";
      rKey = "";
      rScope = "";
      rHasVersion = false;
      rStamp = 0;
      rReplica = "";
      rDeleted = false;
      rPayload = null;
      rMeta = null;
      for (int tag = tag(); tag != 0; tag = tag()) {
        switch (tag) {
          case (CHANGE_RECORD << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED -> {
            hasRecord = true;
            record();
          }
          case (CHANGE_SEQ << 3) | WireFormat.WIRETYPE_VARINT -> seq = varint();
          default -> skip(tag);
        }
      }
      limit = outer;
      if (!hasRecord) {
        throw new IllegalArgumentException("a change has no record");
      }
      if (!rHasVersion) {
        throw new IllegalArgumentException(
            "record " + rCollection + "/" + rKey + " has no version");
      }
      SyncRecord record =
          new SyncRecord(
              RecordId.of(rCollection, rKey),
              rScope,
              new Version(rStamp, rReplica),
              rDeleted,
              rPayload == null || rPayload.length == 0 ? Payload.EMPTY : Payload.wrap(rPayload),
              rMeta == null || rMeta.length == 0 ? Payload.EMPTY : Payload.wrap(rMeta));
      return new Change(record, seq);
    }

    private void record() throws IOException {
      int outer = enter();
      for (int tag = tag(); tag != 0; tag = tag()) {
        switch (tag) {
          case (RECORD_COLLECTION << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED ->
              rCollection = collection.read(this);
          case (RECORD_KEY << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED -> rKey = string();
          case (RECORD_SCOPE << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED ->
              rScope = scope.read(this);
          case (RECORD_VERSION << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED -> {
            rHasVersion = true;
            version();
          }
          case (RECORD_DELETED << 3) | WireFormat.WIRETYPE_VARINT -> rDeleted = varint() != 0;
          case (RECORD_PAYLOAD << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED -> rPayload = bytes();
          case (RECORD_META << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED -> rMeta = bytes();
          default -> skip(tag);
        }
      }
      limit = outer;
    }

    private void version() throws IOException {
      int outer = enter();
      for (int tag = tag(); tag != 0; tag = tag()) {
        switch (tag) {
          case (VERSION_STAMP << 3) | WireFormat.WIRETYPE_VARINT -> rStamp = varint();
          case (VERSION_REPLICA << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED ->
              rReplica = replica.read(this);
          default -> skip(tag);
        }
      }
      limit = outer;
    }

    /** The last string read in one field, and its bytes: returned again for the same bytes. */
    private static final class Name {
      private String last = "";
      private byte[] utf8 = new byte[0];

      String read(Reader in) throws IOException {
        int n = in.length();
        byte[] b = in.buf;
        int at = in.pos;
        in.pos += n;
        if (!same(b, at, n)) {
          last = utf8(b, at, n);
          utf8 = Arrays.copyOfRange(b, at, at + n);
        }
        return last;
      }

      private boolean same(byte[] b, int at, int n) {
        if (n != utf8.length) {
          return false;
        }
        for (int i = 0; i < n; i++) {
          if (b[at + i] != utf8[i]) {
            return false;
          }
        }
        return true;
      }
    }
  }

  /**
   * {@code length} bytes from {@code offset} as a string, refusing bytes that are not well-formed
   * UTF-8 (as protobuf refuses them in a {@code string} field). ASCII, the common case, is copied
   * as it is.
   */
  static String utf8(byte[] b, int offset, int length) throws IOException {
    int end = offset + length;
    for (int i = offset; i < end; i++) {
      if (b[i] < 0) {
        return StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(b, offset, length))
            .toString();
      }
    }
    return new String(b, offset, length, StandardCharsets.ISO_8859_1);
  }
}
