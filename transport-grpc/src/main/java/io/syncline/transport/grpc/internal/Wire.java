package io.syncline.transport.grpc.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.syncline.spi.Change;
import io.syncline.spi.FeedPage;
import io.syncline.spi.HandshakeRequest;
import io.syncline.spi.HandshakeResponse;
import io.syncline.spi.LiveRequest;
import io.syncline.spi.Outcome;
import io.syncline.spi.Payload;
import io.syncline.spi.PullRequest;
import io.syncline.spi.PushRequest;
import io.syncline.spi.RecordId;
import io.syncline.spi.SyncRecord;
import io.syncline.spi.Version;
import io.syncline.transport.grpc.proto.PushBatch;
import io.syncline.transport.grpc.proto.Record;
import io.syncline.transport.grpc.proto.Rejection;
import io.syncline.transport.grpc.proto.Rejections;
import java.util.ArrayList;
import java.util.List;

/**
 * Converts between the generated messages of {@code syncline_sync.proto} and the SPI's value types.
 * Decoding validates through the value types' constructors: a message that breaks a rule throws
 * {@link WireException} naming the problem, so that nothing invalid reaches the handler.
 */
public final class Wire {
  private Wire() {}

  /** A message that cannot become a valid value. */
  public static final class WireException extends Exception {
    private static final long serialVersionUID = 1L;

    WireException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  // ---- encoding ----

  public static io.syncline.transport.grpc.proto.HandshakeRequest encode(HandshakeRequest r) {
    return io.syncline.transport.grpc.proto.HandshakeRequest.newBuilder()
        .setProtocolVersion(r.protocolVersion())
        .setReplicaId(r.replicaId())
        .setEpoch(r.epoch())
        .build();
  }

  public static io.syncline.transport.grpc.proto.HandshakeResponse encode(HandshakeResponse r) {
    return io.syncline.transport.grpc.proto.HandshakeResponse.newBuilder()
        .setProtocolVersion(r.protocolVersion())
        .setReplicaId(r.replicaId())
        .setEpoch(r.epoch())
        .setHeadSeq(r.headSeq())
        .setMaxBatchChanges(r.maxBatchChanges())
        .setMaxBatchBytes(r.maxBatchBytes())
        .build();
  }

  public static io.syncline.transport.grpc.proto.Version encode(Version v) {
    return io.syncline.transport.grpc.proto.Version.newBuilder()
        .setStamp(v.stamp())
        .setReplicaId(v.replicaId())
        .build();
  }

  public static Record encode(SyncRecord r) {
    Record.Builder b =
        Record.newBuilder()
            .setCollection(r.id().collection())
            .setKey(r.id().key())
            .setScope(r.scope())
            .setVersion(encode(r.version()))
            .setDeleted(r.deleted());
    if (!r.payload().isEmpty()) {
      b.setPayload(bytes(r.payload()));
    }
    if (!r.meta().isEmpty()) {
      b.setMeta(bytes(r.meta()));
    }
    return b.build();
  }

  private static ByteString bytes(Payload p) {
    // Payload keeps its array private: toByteArray() is a fresh copy nobody else holds, so it can
    // be wrapped without a second one.
    return UnsafeByteOperations.unsafeWrap(p.toByteArray());
  }

  public static io.syncline.transport.grpc.proto.Change encode(Change c) {
    return io.syncline.transport.grpc.proto.Change.newBuilder()
        .setRecord(encode(c.record()))
        .setSeq(c.seq())
        .build();
  }

  public static PushBatch encode(PushRequest r) {
    PushBatch.Builder b =
        PushBatch.newBuilder()
            .setSenderId(r.senderId())
            .setScope(r.scope())
            .setBatchId(r.batchId());
    for (Change c : r.changes()) {
      b.addChanges(encode(c));
    }
    return b.build();
  }

  public static io.syncline.transport.grpc.proto.PullRequest encode(PullRequest r) {
    return io.syncline.transport.grpc.proto.PullRequest.newBuilder()
        .setRequesterId(r.requesterId())
        .setScope(r.scope())
        .setAfterSeq(r.afterSeq())
        .setMaxChanges(r.maxChanges())
        .setMaxBytes(r.maxBytes())
        .build();
  }

  public static io.syncline.transport.grpc.proto.LiveRequest encode(LiveRequest r) {
    return io.syncline.transport.grpc.proto.LiveRequest.newBuilder()
        .setRequesterId(r.requesterId())
        .setScope(r.scope())
        .setAfterSeq(r.afterSeq())
        .build();
  }

  public static io.syncline.transport.grpc.proto.FeedPage encode(FeedPage page) {
    io.syncline.transport.grpc.proto.FeedPage.Builder b =
        io.syncline.transport.grpc.proto.FeedPage.newBuilder()
            .setNextCursor(page.nextCursor())
            .setHasMore(page.hasMore());
    for (Change c : page.changes()) {
      b.addChanges(encode(c));
    }
    return b.build();
  }

  public static Rejections encodeRejections(List<Outcome.Rejection> rejections) {
    Rejections.Builder b = Rejections.newBuilder();
    for (Outcome.Rejection r : rejections) {
      b.addRejections(
          Rejection.newBuilder()
              .setCollection(r.id().collection())
              .setKey(r.id().key())
              .setVersion(encode(r.version()))
              .setCode(r.code())
              .setReason(r.reason()));
    }
    return b.build();
  }

  // ---- decoding: every failure of a value type's validation becomes a WireException ----

  public static HandshakeRequest decode(io.syncline.transport.grpc.proto.HandshakeRequest m)
      throws WireException {
    try {
      return new HandshakeRequest(m.getProtocolVersion(), m.getReplicaId(), m.getEpoch());
    } catch (RuntimeException e) {
      throw invalid("handshake", e);
    }
  }

  public static HandshakeResponse decode(io.syncline.transport.grpc.proto.HandshakeResponse m)
      throws WireException {
    try {
      return new HandshakeResponse(
          m.getProtocolVersion(),
          m.getReplicaId(),
          m.getEpoch(),
          m.getHeadSeq(),
          m.getMaxBatchChanges(),
          m.getMaxBatchBytes());
    } catch (RuntimeException e) {
      throw invalid("handshake response", e);
    }
  }

  public static PushRequest decode(PushBatch m) throws WireException {
    try {
      List<Change> changes = new ArrayList<>(m.getChangesCount());
      for (io.syncline.transport.grpc.proto.Change c : m.getChangesList()) {
        changes.add(change(c));
      }
      return new PushRequest(m.getSenderId(), m.getScope(), m.getBatchId(), changes);
    } catch (RuntimeException e) {
      throw invalid("push batch", e);
    }
  }

  /**
   * A pull request; a zero {@code max_changes} or {@code max_bytes} takes {@code defaultChanges} or
   * {@code defaultBytes}.
   */
  public static PullRequest decode(
      io.syncline.transport.grpc.proto.PullRequest m, int defaultChanges, long defaultBytes)
      throws WireException {
    try {
      return new PullRequest(
          m.getRequesterId(),
          m.getScope(),
          m.getAfterSeq(),
          m.getMaxChanges() == 0 ? defaultChanges : m.getMaxChanges(),
          m.getMaxBytes() == 0 ? defaultBytes : m.getMaxBytes());
    } catch (RuntimeException e) {
      throw invalid("pull request", e);
    }
  }

  public static LiveRequest decode(io.syncline.transport.grpc.proto.LiveRequest m)
      throws WireException {
    try {
      return new LiveRequest(m.getRequesterId(), m.getScope(), m.getAfterSeq());
    } catch (RuntimeException e) {
      throw invalid("live request", e);
    }
  }

  public static FeedPage decode(io.syncline.transport.grpc.proto.FeedPage m, String scope)
      throws WireException {
    try {
      List<Change> changes = new ArrayList<>(m.getChangesCount());
      for (io.syncline.transport.grpc.proto.Change c : m.getChangesList()) {
        Change change = change(c);
        if (!change.record().scope().equals(scope)) {
          throw new IllegalArgumentException(
              "page of scope " + scope + " holds a change of scope " + change.record().scope());
        }
        changes.add(change);
      }
      return new FeedPage(changes, m.getNextCursor(), m.getHasMore());
    } catch (RuntimeException e) {
      throw invalid("feed page", e);
    }
  }

  public static List<Outcome.Rejection> decode(Rejections m) throws WireException {
    try {
      List<Outcome.Rejection> out = new ArrayList<>(m.getRejectionsCount());
      for (Rejection r : m.getRejectionsList()) {
        out.add(
            new Outcome.Rejection(
                RecordId.of(r.getCollection(), r.getKey()),
                version(r.getVersion()),
                r.getCode(),
                r.getReason()));
      }
      return out;
    } catch (RuntimeException e) {
      throw invalid("rejections", e);
    }
  }

  private static Change change(io.syncline.transport.grpc.proto.Change c) {
    if (!c.hasRecord()) {
      throw new IllegalArgumentException("a change has no record");
    }
    Record r = c.getRecord();
    if (!r.hasVersion()) {
      throw new IllegalArgumentException(
          "record " + r.getCollection() + "/" + r.getKey() + " has no version");
    }
    SyncRecord record =
        new SyncRecord(
            RecordId.of(r.getCollection(), r.getKey()),
            r.getScope(),
            version(r.getVersion()),
            r.getDeleted(),
            r.getPayload().isEmpty() ? Payload.EMPTY : Payload.wrap(r.getPayload().toByteArray()),
            r.getMeta().isEmpty() ? Payload.EMPTY : Payload.wrap(r.getMeta().toByteArray()));
    return new Change(record, c.getSeq());
  }

  private static Version version(io.syncline.transport.grpc.proto.Version v) {
    return new Version(v.getStamp(), v.getReplicaId());
  }

  private static WireException invalid(String what, RuntimeException e) {
    return new WireException("invalid " + what + ": " + e.getMessage(), e);
  }
}
