package io.syncline.transport.grpc.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.syncline.spi.Change;
import io.syncline.spi.FeedPage;
import io.syncline.spi.Payload;
import io.syncline.spi.PushRequest;
import io.syncline.spi.RecordId;
import io.syncline.spi.SyncRecord;
import io.syncline.spi.Version;
import io.syncline.transport.grpc.proto.PushBatch;
import io.syncline.transport.grpc.proto.Record;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The hand-written codec against the classes protoc generates from the same {@code .proto}: the
 * same bytes out, the same values in, whatever the records hold.
 */
class BatchCodecTest {
  private final Random random = new Random(11);

  /** The generated message for a change, built field by field: the oracle. */
  private static io.syncline.transport.grpc.proto.Change proto(Change c) {
    SyncRecord r = c.record();
    Record.Builder b =
        Record.newBuilder()
            .setCollection(r.id().collection())
            .setKey(r.id().key())
            .setScope(r.scope())
            .setVersion(
                io.syncline.transport.grpc.proto.Version.newBuilder()
                    .setStamp(r.version().stamp())
                    .setReplicaId(r.version().replicaId()))
            .setDeleted(r.deleted())
            .setPayload(ByteString.copyFrom(r.payload().toByteArray()))
            .setMeta(ByteString.copyFrom(r.meta().toByteArray()));
    return io.syncline.transport.grpc.proto.Change.newBuilder()
        .setRecord(b)
        .setSeq(c.seq())
        .build();
  }

  private static PushBatch proto(PushRequest p) {
    PushBatch.Builder b =
        PushBatch.newBuilder()
            .setSenderId(p.senderId())
            .setScope(p.scope())
            .setBatchId(p.batchId());
    p.changes().forEach(c -> b.addChanges(proto(c)));
    return b.build();
  }

  private static io.syncline.transport.grpc.proto.FeedPage proto(FeedPage p) {
    io.syncline.transport.grpc.proto.FeedPage.Builder b =
        io.syncline.transport.grpc.proto.FeedPage.newBuilder()
            .setNextCursor(p.nextCursor())
            .setHasMore(p.hasMore());
    p.changes().forEach(c -> b.addChanges(proto(c)));
    return b.build();
  }

  private static final String[] KEYS = {"a", "note-1", "ключ", "キー", "emoji-😀", "x".repeat(250)};

  private List<Change> changes(String scope, int n) {
    List<Change> out = new ArrayList<>();
    long seq = 1 + random.nextInt(1000);
    for (int i = 0; i < n; i++) {
      RecordId id =
          RecordId.of(
              random.nextBoolean() ? "notes" : "c.x-1", KEYS[random.nextInt(KEYS.length)] + i);
      Version v =
          Version.of(
              random.nextInt(1 << 20) * 1000L,
              random.nextInt(3),
              random.nextBoolean() ? "phone" : "r@2");
      SyncRecord r =
          random.nextInt(5) == 0
              ? SyncRecord.tombstone(id, scope, v)
              : new SyncRecord(
                  id,
                  scope,
                  v,
                  false,
                  Payload.utf8("{\"n\":" + random.nextLong() + ",\"s\":\"é\"}"),
                  random.nextBoolean() ? Payload.EMPTY : Payload.utf8("{\"f\":" + i + "}"));
      seq += 1 + random.nextInt(3);
      out.add(new Change(r, seq));
    }
    return out;
  }

  @Test
  void pushBatchesEncodeToTheGeneratedBytesAndDecodeBack() throws Exception {
    for (int round = 0; round < 200; round++) {
      PushRequest request =
          new PushRequest("phone-1", "team", "b" + round, changes("team", random.nextInt(40)));
      byte[] ours = BatchCodec.encode(request);
      assertThat(ours).isEqualTo(proto(request).toByteArray());
      PushRequest back = BatchCodec.decodePush(ours, 1000);
      assertThat(back).isEqualTo(request);
    }
  }

  @Test
  void feedPagesEncodeToTheGeneratedBytesAndDecodeBack() throws Exception {
    for (int round = 0; round < 200; round++) {
      FeedPage page =
          new FeedPage(changes("team", random.nextInt(40)), 5000 + round, random.nextBoolean());
      byte[] ours = BatchCodec.encode(page);
      assertThat(ours).isEqualTo(proto(page).toByteArray());
      assertThat(BatchCodec.decodePage(ours, "team")).isEqualTo(page);
    }
    assertThat(BatchCodec.encode(FeedPage.empty(0))).isEmpty();
    assertThat(BatchCodec.decodePage(new byte[0], "team")).isEqualTo(FeedPage.empty(0));
  }

  @Test
  void unknownFieldsAreSkippedAndRepeatedFieldsMergeAsProtobufDoes() throws Exception {
    List<Change> three = new ArrayList<>(changes("team", 2));
    three.add(
        0,
        new Change(
            SyncRecord.live(
                RecordId.of("notes", "live"),
                "team",
                Version.of(5_000, 0, "phone"),
                Payload.utf8("[1]")),
            1));
    PushRequest request = new PushRequest("phone-1", "team", "b1", three);
    PushBatch.Builder b = proto(request).toBuilder();
    // A newer sender's fields, at every level.
    UnknownFieldSet extra =
        UnknownFieldSet.newBuilder()
            .addField(
                99,
                UnknownFieldSet.Field.newBuilder()
                    .addVarint(7)
                    .addLengthDelimited(ByteString.copyFromUtf8("later"))
                    .addFixed64(1)
                    .build())
            .build();
    b.setUnknownFields(extra);
    io.syncline.transport.grpc.proto.Change.Builder first = b.getChangesBuilder(0);
    first.setUnknownFields(extra);
    first.getRecordBuilder().setUnknownFields(extra);
    first.getRecordBuilder().getVersionBuilder().setUnknownFields(extra);
    byte[] bytes = b.build().toByteArray();
    assertThat(BatchCodec.decodePush(bytes, 1000)).isEqualTo(request);

    // The record field twice in one change: the second's set fields override the first's.
    io.syncline.transport.grpc.proto.Change c = proto(request.changes().get(0));
    Record second = Record.newBuilder().setPayload(ByteString.copyFromUtf8("[2]")).build();
    byte[] twice =
        concat(
            c.toByteArray(),
            io.syncline.transport.grpc.proto.Change.newBuilder()
                .setRecord(second)
                .build()
                .toByteArray());
    io.syncline.transport.grpc.proto.Change merged =
        io.syncline.transport.grpc.proto.Change.parseFrom(twice);
    PushBatch oneChange =
        PushBatch.newBuilder().setSenderId("p").setScope("team").addChanges(merged).build();
    PushRequest decoded = BatchCodec.decodePush(oneChange.toByteArray(), 10);
    assertThat(decoded.changes().get(0).record().payload().toUtf8()).isEqualTo("[2]");
    // And on the raw concatenation, without protoc merging first:
    byte[] raw =
        concat(
            concat(
                PushBatch.newBuilder().setSenderId("p").setScope("team").build().toByteArray(),
                new byte[] {0x22, (byte) twice.length}),
            twice);
    assertThat(BatchCodec.decodePush(raw, 10).changes().get(0).record())
        .isEqualTo(decoded.changes().get(0).record());
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void unknownGroupsAreSkippedAndStrayEndGroupsRefusedAsProtobufDoes() throws Exception {
    PushRequest request = new PushRequest("p", "team", "b", changes("team", 3));
    UnknownFieldSet inner =
        UnknownFieldSet.newBuilder()
            .addField(1, UnknownFieldSet.Field.newBuilder().addVarint(5).build())
            .build();
    UnknownFieldSet groups =
        UnknownFieldSet.newBuilder()
            .addField(
                40,
                UnknownFieldSet.Field.newBuilder()
                    .addGroup(
                        UnknownFieldSet.newBuilder()
                            .mergeFrom(inner)
                            .addField(
                                41, UnknownFieldSet.Field.newBuilder().addGroup(inner).build())
                            .build())
                    .build())
            .build();
    PushBatch.Builder b = proto(request).toBuilder().setUnknownFields(groups);
    b.getChangesBuilder(1).getRecordBuilder().setUnknownFields(groups);
    byte[] bytes = b.build().toByteArray();
    assertThat(PushBatch.parseFrom(bytes).getChangesCount()).isEqualTo(3);
    assertThat(BatchCodec.decodePush(bytes, 10)).isEqualTo(request);

    // An end-group tag with no group open (field 1, wire type 4), and a group never closed.
    for (byte[] bad : new byte[][] {{0x0C}, {0x0B, 0x08, 0x01}}) {
      assertThatThrownBy(() -> PushBatch.parseFrom(bad)).isInstanceOf(IOException.class);
      assertThatThrownBy(() -> BatchCodec.decodePush(bad, 10))
          .isInstanceOf(Wire.WireException.class)
          .hasCauseInstanceOf(IOException.class);
    }
  }

  @Test
  void stringsThatAreNotUtf8AreRefusedAsProtobufRefusesThem() throws Exception {
    PushRequest request = new PushRequest("p", "team", "b", changes("team", 1));
    io.syncline.transport.grpc.proto.Change good = proto(request).getChanges(0);
    // Field 2 (the key) written as raw bytes: a lone continuation byte, an overlong slash, and an
    // encoded surrogate; protoc's builders would refuse to set them, so they go in as unknown.
    byte[][] invalid = {
      {'k', (byte) 0x80}, {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}
    };
    for (byte[] key : invalid) {
      Record record =
          good.getRecord().toBuilder()
              .clearKey()
              .setUnknownFields(
                  UnknownFieldSet.newBuilder()
                      .addField(
                          2,
                          UnknownFieldSet.Field.newBuilder()
                              .addLengthDelimited(ByteString.copyFrom(key))
                              .build())
                      .build())
              .build();
      byte[] bytes =
          proto(request).toBuilder()
              .setChanges(0, good.toBuilder().setRecord(record))
              .build()
              .toByteArray();
      assertThatThrownBy(() -> PushBatch.parseFrom(bytes)).isInstanceOf(IOException.class);
      assertThatThrownBy(() -> BatchCodec.decodePush(bytes, 10))
          .isInstanceOf(Wire.WireException.class)
          .hasCauseInstanceOf(IOException.class);
    }
  }

  @Test
  void malformedBytesAreAnErrorFromTheProtobufLayer() {
    byte[] good = BatchCodec.encode(new PushRequest("p", "team", "b", changes("team", 5)));
    for (int cut = 1; cut < good.length; cut += 7) {
      byte[] truncated = java.util.Arrays.copyOf(good, cut);
      assertThatThrownBy(() -> BatchCodec.decodePush(truncated, 1000))
          .isInstanceOf(Wire.WireException.class)
          .hasCauseInstanceOf(IOException.class);
    }
    assertThatThrownBy(() -> BatchCodec.decodePush(new byte[] {(byte) 0xFF, (byte) 0xFF}, 10))
        .isInstanceOf(Wire.WireException.class);
  }

  @Test
  void invalidValuesAreRefusedWithTheReason() {
    PushBatch noVersion =
        PushBatch.newBuilder()
            .setSenderId("p")
            .setScope("team")
            .addChanges(
                io.syncline.transport.grpc.proto.Change.newBuilder()
                    .setSeq(1)
                    .setRecord(
                        Record.newBuilder().setCollection("notes").setKey("k").setScope("team")))
            .build();
    assertThatThrownBy(() -> BatchCodec.decodePush(noVersion.toByteArray(), 10))
        .isInstanceOf(Wire.WireException.class)
        .hasMessageContaining("has no version");
    PushBatch badCollection =
        proto(new PushRequest("p", "team", "b", changes("team", 1))).toBuilder()
            .setChanges(
                0,
                proto(new PushRequest("p", "team", "b", changes("team", 1)))
                    .getChanges(0)
                    .toBuilder()
                    .setRecord(
                        proto(new PushRequest("p", "team", "b", changes("team", 1)))
                            .getChanges(0)
                            .getRecord()
                            .toBuilder()
                            .setCollection("no spaces")))
            .build();
    assertThatThrownBy(() -> BatchCodec.decodePush(badCollection.toByteArray(), 10))
        .isInstanceOf(Wire.WireException.class)
        .hasMessageContaining("collection");
    FeedPage page = new FeedPage(changes("other", 2), 10_000, false);
    assertThatThrownBy(() -> BatchCodec.decodePage(BatchCodec.encode(page), "team"))
        .isInstanceOf(Wire.WireException.class)
        .hasMessageContaining("scope");
  }

  @Test
  void decodingStopsAtTheChangeLimit() throws Exception {
    byte[] ten = BatchCodec.encode(new PushRequest("p", "team", "b", changes("team", 10)));
    assertThat(BatchCodec.decodePush(ten, 10).changes()).hasSize(10);
    assertThatThrownBy(() -> BatchCodec.decodePush(ten, 9))
        .isInstanceOf(BatchCodec.TooManyChanges.class);
  }
}
