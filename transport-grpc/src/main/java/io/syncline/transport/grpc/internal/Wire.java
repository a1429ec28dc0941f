package io.syncline.transport.grpc.internal;

import io.syncline.spi.HandshakeRequest;
import io.syncline.spi.HandshakeResponse;
import io.syncline.spi.LiveRequest;
import io.syncline.spi.Outcome;
import io.syncline.spi.PullRequest;
import io.syncline.spi.RecordId;
import io.syncline.spi.Version;
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

  private static Version version(io.syncline.transport.grpc.proto.Version v) {
    return new Version(v.getStamp(), v.getReplicaId());
  }

  private static WireException invalid(String what, RuntimeException e) {
    return new WireException("invalid " + what + ": " + e.getMessage(), e);
  }
}
