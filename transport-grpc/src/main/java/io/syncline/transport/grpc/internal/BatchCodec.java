package io.syncline.transport.grpc.internal;

import com.google.protobuf.CodedInputStream;
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
import java.util.ArrayList;
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
    List<Change> changes = request.changes();
    int[] recordSizes = new int[changes.size()];
    int size =
        stringSize(PUSH_SENDER, request.senderId())
            + stringSize(PUSH_SCOPE, request.scope())
            + stringSize(PUSH_BATCH_ID, request.batchId())
            + changesSize(PUSH_CHANGES, changes, recordSizes);
    byte[] out = new byte[size];
    CodedOutputStream o = CodedOutputStream.newInstance(out);
    try {
      writeString(o, PUSH_SENDER, request.senderId());
      writeString(o, PUSH_SCOPE, request.scope());
      writeString(o, PUSH_BATCH_ID, request.batchId());
      writeChanges(o, PUSH_CHANGES, changes, recordSizes);
      o.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new IllegalStateException("push batch size miscounted", e);
    }
    return out;
  }

  /** {@code page} as a {@code FeedPage} message. */
  public static byte[] encode(FeedPage page) {
    List<Change> changes = page.changes();
    int[] recordSizes = new int[changes.size()];
    int size = changesSize(PAGE_CHANGES, changes, recordSizes);
    if (page.nextCursor() != 0) {
      size += CodedOutputStream.computeInt64Size(PAGE_NEXT_CURSOR, page.nextCursor());
    }
    if (page.hasMore()) {
      size += CodedOutputStream.computeBoolSize(PAGE_HAS_MORE, true);
    }
    byte[] out = new byte[size];
    CodedOutputStream o = CodedOutputStream.newInstance(out);
    try {
      writeChanges(o, PAGE_CHANGES, changes, recordSizes);
      if (page.nextCursor() != 0) {
        o.writeInt64(PAGE_NEXT_CURSOR, page.nextCursor());
      }
      if (page.hasMore()) {
        o.writeBool(PAGE_HAS_MORE, true);
      }
      o.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new IllegalStateException("feed page size miscounted", e);
    }
    return out;
  }

  private static int changesSize(int field, List<Change> changes, int[] recordSizes) {
    int size = 0;
    for (int i = 0; i < recordSizes.length; i++) {
      Change c = changes.get(i);
      int record = recordSize(c.record());
      recordSizes[i] = record;
      size += nested(field, changeSize(record, c.seq()));
    }
    return size;
  }

  private static void writeChanges(
      CodedOutputStream o, int field, List<Change> changes, int[] recordSizes) throws IOException {
    for (int i = 0; i < recordSizes.length; i++) {
      Change c = changes.get(i);
      int record = recordSizes[i];
      o.writeTag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
      o.writeUInt32NoTag(changeSize(record, c.seq()));
      o.writeTag(CHANGE_RECORD, WireFormat.WIRETYPE_LENGTH_DELIMITED);
      o.writeUInt32NoTag(record);
      writeRecord(o, c.record());
      o.writeInt64(CHANGE_SEQ, c.seq());
    }
  }

  /** The size of a Change message holding a record of {@code recordSize} bytes. */
  private static int changeSize(int recordSize, long seq) {
    return nested(CHANGE_RECORD, recordSize) + CodedOutputStream.computeInt64Size(CHANGE_SEQ, seq);
  }

  private static int versionSize(Version v) {
    return (v.stamp() != 0 ? CodedOutputStream.computeInt64Size(VERSION_STAMP, v.stamp()) : 0)
        + stringSize(VERSION_REPLICA, v.replicaId());
  }

  private static int recordSize(SyncRecord r) {
    return stringSize(RECORD_COLLECTION, r.id().collection())
        + stringSize(RECORD_KEY, r.id().key())
        + stringSize(RECORD_SCOPE, r.scope())
        + nested(RECORD_VERSION, versionSize(r.version()))
        + (r.deleted() ? CodedOutputStream.computeBoolSize(RECORD_DELETED, true) : 0)
        + bytesSize(RECORD_PAYLOAD, r.payload())
        + bytesSize(RECORD_META, r.meta());
  }

  private static void writeRecord(CodedOutputStream o, SyncRecord r) throws IOException {
    Version v = r.version();
    writeString(o, RECORD_COLLECTION, r.id().collection());
    writeString(o, RECORD_KEY, r.id().key());
    writeString(o, RECORD_SCOPE, r.scope());
    o.writeTag(RECORD_VERSION, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    o.writeUInt32NoTag(versionSize(v));
    if (v.stamp() != 0) {
      o.writeInt64(VERSION_STAMP, v.stamp());
    }
    writeString(o, VERSION_REPLICA, v.replicaId());
    if (r.deleted()) {
      o.writeBool(RECORD_DELETED, true);
    }
    writeBytes(o, RECORD_PAYLOAD, r.payload());
    writeBytes(o, RECORD_META, r.meta());
  }

  /** The size of a length-delimited field holding {@code length} bytes. */
  private static int nested(int field, int length) {
    return CodedOutputStream.computeTagSize(field)
        + CodedOutputStream.computeUInt32SizeNoTag(length)
        + length;
  }

  private static int stringSize(int field, String s) {
    return s.isEmpty() ? 0 : CodedOutputStream.computeStringSize(field, s);
  }

  private static void writeString(CodedOutputStream o, int field, String s) throws IOException {
    if (!s.isEmpty()) {
      o.writeString(field, s);
    }
  }

  private static int bytesSize(int field, Payload p) {
    return p.isEmpty() ? 0 : nested(field, p.size());
  }

  private static void writeBytes(CodedOutputStream o, int field, Payload p) throws IOException {
    if (!p.isEmpty()) {
      o.writeTag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
      o.writeUInt32NoTag(p.size());
      o.write(p.asReadOnlyBuffer());
    }
  }

  // ---- decoding ----

  /**
   * A {@code PushBatch} message as a push request, refusing more than {@code maxChanges} changes.
   */
  public static PushRequest decodePush(byte[] message, int maxChanges)
      throws Wire.WireException, TooManyChanges {
    CodedInputStream in = CodedInputStream.newInstance(message);
    Names names = new Names();
    String sender = "";
    String scope = "";
    String batchId = "";
    List<Change> changes = new ArrayList<>();
    try {
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        switch (tag) {
          case (PUSH_SENDER << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED ->
              sender = in.readStringRequireUtf8();
          case (PUSH_SCOPE << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED ->
              scope = in.readStringRequireUtf8();
          case (PUSH_BATCH_ID << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED ->
              batchId = in.readStringRequireUtf8();
          case (PUSH_CHANGES << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED -> {
            if (changes.size() == maxChanges) {
              throw new TooManyChanges(maxChanges);
            }
            changes.add(change(in, names));
          }
          default -> skip(in, tag);
        }
      }
      return new PushRequest(sender, scope, batchId, changes);
    } catch (IOException | RuntimeException e) {
      throw new Wire.WireException("invalid push batch: " + e.getMessage(), e);
    }
  }

  /** A {@code FeedPage} message whose changes must all be of {@code scope}. */
  public static FeedPage decodePage(byte[] message, String scope) throws Wire.WireException {
    CodedInputStream in = CodedInputStream.newInstance(message);
    Names names = new Names();
    List<Change> changes = new ArrayList<>();
    long nextCursor = 0;
    boolean hasMore = false;
    try {
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        switch (tag) {
          case (PAGE_CHANGES << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED -> {
            Change c = change(in, names);
            if (!c.record().scope().equals(scope)) {
              throw new IllegalArgumentException(
                  "page of scope " + scope + " holds a change of scope " + c.record().scope());
            }
            changes.add(c);
          }
          case (PAGE_NEXT_CURSOR << 3) | WireFormat.WIRETYPE_VARINT -> nextCursor = in.readInt64();
          case (PAGE_HAS_MORE << 3) | WireFormat.WIRETYPE_VARINT -> hasMore = in.readBool();
          default -> skip(in, tag);
        }
      }
      return new FeedPage(changes, nextCursor, hasMore);
    } catch (IOException | RuntimeException e) {
      throw new Wire.WireException("invalid feed page: " + e.getMessage(), e);
    }
  }

  private static void skip(CodedInputStream in, int tag) throws IOException {
    if (!in.skipField(tag)) {
      throw new IOException("unexpected end-group tag");
    }
  }

  /** The fields of a record as they arrive; a field that comes twice merges as protobuf does. */
  private static final class RecordFields {
    String collection = "";
    String key = "";
    String scope = "";
    boolean hasVersion;
    long stamp;
    String replica = "";
    boolean deleted;
    byte[] payload;
    byte[] meta;
  }

  private static Change change(CodedInputStream in, Names names) throws IOException {
    int limit = in.pushLimit(in.readRawVarint32());
    RecordFields r = null;
    long seq = 0;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (tag) {
        case (CHANGE_RECORD << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED -> {
          if (r == null) {
            r = new RecordFields();
          }
          record(in, r, names);
        }
        case (CHANGE_SEQ << 3) | WireFormat.WIRETYPE_VARINT -> seq = in.readInt64();
        default -> skip(in, tag);
      }
    }
    in.checkLastTagWas(0);
    in.popLimit(limit);
    if (r == null) {
      throw new IllegalArgumentException("a change has no record");
    }
    if (!r.hasVersion) {
      throw new IllegalArgumentException(
          "record " + r.collection + "/" + r.key + " has no version");
    }
    SyncRecord record =
        new SyncRecord(
            RecordId.of(r.collection, r.key),
            r.scope,
            new Version(r.stamp, r.replica),
            r.deleted,
            r.payload == null || r.payload.length == 0 ? Payload.EMPTY : Payload.wrap(r.payload),
            r.meta == null || r.meta.length == 0 ? Payload.EMPTY : Payload.wrap(r.meta));
    return new Change(record, seq);
  }

  private static void record(CodedInputStream in, RecordFields r, Names names) throws IOException {
    int limit = in.pushLimit(in.readRawVarint32());
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (tag) {
        case (RECORD_COLLECTION << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED ->
            r.collection = names.collection.of(in.readStringRequireUtf8());
        case (RECORD_KEY << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED ->
            r.key = in.readStringRequireUtf8();
        case (RECORD_SCOPE << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED ->
            r.scope = names.scope.of(in.readStringRequireUtf8());
        case (RECORD_VERSION << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED -> {
          r.hasVersion = true;
          version(in, r, names);
        }
        case (RECORD_DELETED << 3) | WireFormat.WIRETYPE_VARINT -> r.deleted = in.readBool();
        case (RECORD_PAYLOAD << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED ->
            r.payload = in.readByteArray();
        case (RECORD_META << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED ->
            r.meta = in.readByteArray();
        default -> skip(in, tag);
      }
    }
    in.checkLastTagWas(0);
    in.popLimit(limit);
  }

  private static void version(CodedInputStream in, RecordFields r, Names names) throws IOException {
    int limit = in.pushLimit(in.readRawVarint32());
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (tag) {
        case (VERSION_STAMP << 3) | WireFormat.WIRETYPE_VARINT -> r.stamp = in.readInt64();
        case (VERSION_REPLICA << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED ->
            r.replica = names.replica.of(in.readStringRequireUtf8());
        default -> skip(in, tag);
      }
    }
    in.checkLastTagWas(0);
    in.popLimit(limit);
  }

  /**
   * The collection, scope and replica names of one message's records: mostly the same few, so one
   * string of each is shared by every record that names it, which keeps two fewer objects per name
   * alive in the stores that keep the records.
   */
  static final class Names {
    final Shared collection = new Shared();
    final Shared scope = new Shared();
    final Shared replica = new Shared();
  }

  /** The last string seen in one field, returned again for an equal one. */
  static final class Shared {
    private String last = "";

    String of(String s) {
      if (!s.equals(last)) {
        last = s;
      }
      return last;
    }
  }
}
