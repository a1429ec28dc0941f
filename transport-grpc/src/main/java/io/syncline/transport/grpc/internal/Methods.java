package io.syncline.transport.grpc.internal;

import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;
import io.syncline.transport.grpc.proto.LiveRequest;
import io.syncline.transport.grpc.proto.PullRequest;
import io.syncline.transport.grpc.proto.PushAck;
import io.syncline.transport.grpc.proto.SyncGrpc;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * The push, pull and live methods of {@code syncline.v1.Sync} with their bulk messages ({@code
 * PushBatch}, {@code FeedPage}) carried as encoded bytes, which {@link BatchCodec} turns into the
 * SPI's values and back. Same names, same bytes on the wire as the generated descriptors: only the
 * Java types differ. The small messages keep their generated marshallers; the requests a server
 * parses are lenient ({@link Malformed}).
 */
public final class Methods {
  private Methods() {}

  /**
   * Encoded bytes, passed through: a message is written to gRPC's buffers straight from its array
   * ({@link Drainable}), and read whole into one array (at its announced length where gRPC knows
   * it). Also what raw-stream benchmarks and protocol tests send with.
   */
  public static final MethodDescriptor.Marshaller<byte[]> BYTES =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new BytesStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            if (stream instanceof KnownLength) {
              int known = stream.available();
              byte[] out = new byte[known];
              int n = 0;
              while (n < known) {
                int r = stream.read(out, n, known - n);
                if (r < 0) {
                  throw new IOException("message shorter than announced");
                }
                n += r;
              }
              if (stream.read() != -1) {
                throw new IOException("message longer than announced");
              }
              return out;
            }
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            byte[] chunk = new byte[8192];
            for (int r = stream.read(chunk); r != -1; r = stream.read(chunk)) {
              buffer.write(chunk, 0, r);
            }
            return buffer.toByteArray();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  /**
   * An array as a message gRPC can drain in one write: without {@link Drainable}, gRPC copies a
   * stream through a buffer of its own on the way to the transport's buffers, a second copy of
   * every batch and page sent.
   */
  static final class BytesStream extends ByteArrayInputStream implements KnownLength, Drainable {
    BytesStream(byte[] bytes) {
      super(bytes);
    }

    @Override
    public synchronized int drainTo(OutputStream target) throws IOException {
      int n = count - pos;
      target.write(buf, pos, n);
      pos = count;
      return n;
    }
  }

  /** Push: {@code PushBatch} bytes up, {@code PushAck} down. */
  public static final MethodDescriptor<byte[], PushAck> PUSH =
      MethodDescriptor.<byte[], PushAck>newBuilder(
              BYTES, ProtoUtils.marshaller(PushAck.getDefaultInstance()))
          .setType(MethodDescriptor.MethodType.BIDI_STREAMING)
          .setFullMethodName(SyncGrpc.getPushMethod().getFullMethodName())
          .build();

  /** Pull: a {@code PullRequest} up, {@code FeedPage} bytes down. */
  public static final MethodDescriptor<PullRequest, byte[]> PULL =
      MethodDescriptor.<PullRequest, byte[]>newBuilder(
              Malformed.lenient(
                  ProtoUtils.marshaller(PullRequest.getDefaultInstance()), Malformed.PULL),
              BYTES)
          .setType(MethodDescriptor.MethodType.SERVER_STREAMING)
          .setFullMethodName(SyncGrpc.getPullMethod().getFullMethodName())
          .build();

  /** Live: a {@code LiveRequest} up, {@code FeedPage} bytes down. */
  public static final MethodDescriptor<LiveRequest, byte[]> LIVE =
      MethodDescriptor.<LiveRequest, byte[]>newBuilder(
              Malformed.lenient(
                  ProtoUtils.marshaller(LiveRequest.getDefaultInstance()), Malformed.LIVE),
              BYTES)
          .setType(MethodDescriptor.MethodType.SERVER_STREAMING)
          .setFullMethodName(SyncGrpc.getLiveMethod().getFullMethodName())
          .build();
}
