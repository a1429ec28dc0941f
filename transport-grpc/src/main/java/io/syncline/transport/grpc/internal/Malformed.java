package io.syncline.transport.grpc.internal;

import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.syncline.transport.grpc.proto.FeedPage;
import io.syncline.transport.grpc.proto.HandshakeRequest;
import io.syncline.transport.grpc.proto.HandshakeResponse;
import io.syncline.transport.grpc.proto.LiveRequest;
import io.syncline.transport.grpc.proto.PullRequest;
import io.syncline.transport.grpc.proto.PushAck;
import io.syncline.transport.grpc.proto.PushBatch;
import io.syncline.transport.grpc.proto.SyncGrpc;
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

  public static final PushBatch PUSH = PushBatch.newBuilder().build();
  public static final PullRequest PULL = PullRequest.newBuilder().build();
  public static final LiveRequest LIVE = LiveRequest.newBuilder().build();

  /** The status a malformed message gets. */
  public static StatusMapping.Closing status(String what) {
    return new StatusMapping.Closing(
        Status.INVALID_ARGUMENT.withDescription(
            "malformed " + what + " message: not a valid syncline.v1 protobuf encoding"),
        new io.grpc.Metadata());
  }

  /** {@code service} with parsers that return the sentinels for malformed bytes. */
  @SuppressWarnings("unchecked")
  public static ServerServiceDefinition lenient(ServerServiceDefinition service) {
    ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(SyncGrpc.SERVICE_NAME);
    b.addMethod(
        lenient(
            (ServerMethodDefinition<HandshakeRequest, HandshakeResponse>)
                service.getMethod(SyncGrpc.getHandshakeMethod().getFullMethodName()),
            HANDSHAKE));
    b.addMethod(
        lenient(
            (ServerMethodDefinition<PushBatch, PushAck>)
                service.getMethod(SyncGrpc.getPushMethod().getFullMethodName()),
            PUSH));
    b.addMethod(
        lenient(
            (ServerMethodDefinition<PullRequest, FeedPage>)
                service.getMethod(SyncGrpc.getPullMethod().getFullMethodName()),
            PULL));
    b.addMethod(
        lenient(
            (ServerMethodDefinition<LiveRequest, FeedPage>)
                service.getMethod(SyncGrpc.getLiveMethod().getFullMethodName()),
            LIVE));
    return b.build();
  }

  private static <Q, R> ServerMethodDefinition<Q, R> lenient(
      ServerMethodDefinition<Q, R> m, Q sentinel) {
    MethodDescriptor<Q, R> d = m.getMethodDescriptor();
    MethodDescriptor.Marshaller<Q> strict = d.getRequestMarshaller();
    MethodDescriptor.Marshaller<Q> lenient =
        new MethodDescriptor.Marshaller<Q>() {
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
    return ServerMethodDefinition.create(
        d.toBuilder().setRequestMarshaller(lenient).build(), m.getServerCallHandler());
  }
}
