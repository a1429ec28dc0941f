package io.syncline.transport.grpc.internal;

import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.Status;
import io.syncline.transport.grpc.proto.HandshakeRequest;
import io.syncline.transport.grpc.proto.LiveRequest;
import io.syncline.transport.grpc.proto.PullRequest;
import java.io.InputStream;

/**
 * Turns bytes that do not parse into a sentinel message instead of an exception. gRPC answers an
 * exception from a request parser with {@code UNKNOWN}; with a sentinel the service answers {@code
 * INVALID_ARGUMENT}, saying the message is malformed, as the protocol document promises.
 */
@JvmOnly
public final class Malformed {
  private Malformed() {}

  /** The sentinels: compared by identity, never sent. */
  public static final HandshakeRequest HANDSHAKE = HandshakeRequest.newBuilder().build();

  public static final PullRequest PULL = PullRequest.newBuilder().build();
  public static final LiveRequest LIVE = LiveRequest.newBuilder().build();

  /** The status a malformed message gets. */
  public static StatusMapping.Closing status(String what) {
    return new StatusMapping.Closing(
        Status.INVALID_ARGUMENT.withDescription(
            "malformed " + what + " message: not a valid syncline.v1 protobuf encoding"),
        new io.grpc.Metadata());
  }

  /** {@code m} with a request parser that returns {@code sentinel} for malformed bytes. */
  static <Q, R> ServerMethodDefinition<Q, R> lenient(ServerMethodDefinition<Q, R> m, Q sentinel) {
    MethodDescriptor<Q, R> d = m.getMethodDescriptor();
    return ServerMethodDefinition.create(
        d.toBuilder().setRequestMarshaller(lenient(d.getRequestMarshaller(), sentinel)).build(),
        m.getServerCallHandler());
  }

  /** {@code strict}, but parsing malformed bytes to {@code sentinel}. */
  static <Q> MethodDescriptor.Marshaller<Q> lenient(
      MethodDescriptor.Marshaller<Q> strict, Q sentinel) {
    return new MethodDescriptor.Marshaller<Q>() {
      @Override
      public InputStream stream(Q value) {
        return strict.stream(value);
      }

      @Override
      public Q parse(InputStream stream) {
        try {
          return strict.parse(stream);
        } catch (RuntimeException e) {
          return sentinel;
        }
      }
    };
  }
}
