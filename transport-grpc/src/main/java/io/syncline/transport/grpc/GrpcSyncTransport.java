package io.syncline.transport.grpc;

import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ConnectivityState;
import io.grpc.ForwardingClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import io.syncline.spi.Cancellable;
import io.syncline.spi.FeedPage;
import io.syncline.spi.HandshakeRequest;
import io.syncline.spi.HandshakeResponse;
import io.syncline.spi.LiveListener;
import io.syncline.spi.LiveRequest;
import io.syncline.spi.Outcome;
import io.syncline.spi.Protocol;
import io.syncline.spi.PullRequest;
import io.syncline.spi.PullResponse;
import io.syncline.spi.PushRequest;
import io.syncline.spi.SyncConnection;
import io.syncline.spi.SyncException;
import io.syncline.spi.SyncTransport;
import io.syncline.transport.grpc.internal.BatchCodec;
import io.syncline.transport.grpc.internal.Methods;
import io.syncline.transport.grpc.internal.StatusMapping;
import io.syncline.transport.grpc.internal.Wire;
import io.syncline.transport.grpc.proto.PushAck;
import io.syncline.transport.grpc.proto.SyncGrpc;
import java.io.File;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;

/**
 * A {@link SyncTransport} that speaks {@code syncline_sync.proto} (documented in {@code
 * docs/grpc-protocol.md}) to one server over gRPC.
 *
 * <pre>{@code
 * GrpcSyncTransport transport =
 *     GrpcSyncTransport.builder()
 *         .target("sync.example.com:443")
 *         .tls(true)
 *         .tokenSupplier(session::currentToken)
 *         .build();
 * SyncEngine engine = SyncEngine.builder()...peer(Peer.of("server", transport, "user-42")).build();
 * }</pre>
 *
 * <p>A connection keeps one push stream open for its pushes. The server applies the batches of a
 * stream in order, each atomically, and acknowledges each; the engine keeps up to {@link
 * Builder#pushWindow} batches in flight (default 4), so that it reads and encodes the next batches
 * while the server applies earlier ones. The window bounds what waits in buffers; gRPC flow control
 * does the rest. Consecutive {@link SyncConnection#pull}s that continue where the previous page
 * ended read one server stream, which the client pulls one page ahead at most (gRPC flow control),
 * so a slow client slows the server. {@link SyncConnection#live} opens a stream of new changes with
 * the same flow control.
 *
 * <p>Statuses become outcomes: {@code UNAVAILABLE}, {@code DEADLINE_EXCEEDED}, {@code INTERNAL},
 * {@code UNKNOWN}, {@code CANCELLED}, {@code ABORTED} and {@code RESOURCE_EXHAUSTED} with a retry
 * delay → retry; {@code RESOURCE_EXHAUSTED} without one → too large; {@code INVALID_ARGUMENT} or
 * {@code PERMISSION_DENIED} with refused changes → rejected (failed without); {@code
 * UNAUTHENTICATED} and {@code FAILED_PRECONDITION} (protocol version) → failed. A handshake or live
 * stream throws or reports the same as a {@link SyncException}. A reply that breaks the protocol is
 * an {@link IOException}.
 *
 * <p>Thread-safe; connections are thread-compatible, as the SPI says. The token supplier is called
 * once per call; a null or empty token sends no {@code authorization}. Live listeners run on the
 * channel's executor.
 */
public final class GrpcSyncTransport implements SyncTransport, AutoCloseable {
  private final ManagedChannel managed;
  private final boolean ownsChannel;
  private final Channel channel;
  private final Duration requestTimeout;
  private final int pushWindow;
  private final CallOptions pushOptions;
  private final String target;

  private GrpcSyncTransport(Builder b, ManagedChannel managed, boolean owns) {
    this.managed = managed;
    this.ownsChannel = owns;
    this.channel = ClientInterceptors.intercept(managed, new Headers(b.tokenSupplier));
    this.requestTimeout = b.requestTimeout;
    this.pushWindow = b.pushWindow;
    // A push stream's callbacks only queue what arrived, so they run where it arrives: one thread
    // to wake fewer per acknowledgement.
    CallOptions push = CallOptions.DEFAULT.withExecutor(MoreExecutors.directExecutor());
    this.pushOptions = b.gzip ? push.withCompression("gzip") : push;
    this.target = b.target != null ? b.target : managed.authority();
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Opens a session. gRPC connects lazily and reconnects by itself, so this does no I/O; but if the
   * channel is waiting out its own reconnect backoff, it reconnects now: the engine has already
   * waited out its backoff and wants to try.
   */
  @Override
  public SyncConnection connect() throws IOException {
    if (managed.isShutdown()) {
      throw new IOException("transport closed");
    }
    if (managed.getState(true) == ConnectivityState.TRANSIENT_FAILURE) {
      managed.resetConnectBackoff();
    }
    return new Connection();
  }

  /** Shuts the channel down if this transport created it. */
  @Override
  public void close() {
    if (ownsChannel) {
      managed.shutdownNow();
      try {
        managed.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public String toString() {
    return "GrpcSyncTransport{" + target + "}";
  }

  /** Adds the protocol version and the bearer token to every call. */
  private static final class Headers implements ClientInterceptor {
    private final Supplier<String> tokens;

    Headers(Supplier<String> tokens) {
      this.tokens = tokens;
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(
        MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
      return new ForwardingClientCall.SimpleForwardingClientCall<Q, R>(
          next.newCall(method, options)) {
        @Override
        public void start(Listener<R> listener, Metadata headers) {
          headers.put(StatusMapping.PROTOCOL, Integer.toString(Protocol.VERSION));
          String token = tokens == null ? null : tokens.get();
          if (token != null && !token.isEmpty()) {
            headers.put(StatusMapping.AUTHORIZATION, "Bearer " + token);
          }
          super.start(listener, headers);
        }
      };
    }
  }

  /** The end of a stream: a status and its trailers (OK when the server completed it). */
  private record End(Status status, Metadata trailers) {
    static End of(Throwable t) {
      Metadata m = Status.trailersFromThrowable(t);
      return new End(Status.fromThrowable(t), m == null ? new Metadata() : m);
    }
  }

  private static IOException interrupted(InterruptedException e) {
    Thread.currentThread().interrupt();
    InterruptedIOException io = new InterruptedIOException("interrupted");
    io.initCause(e);
    return io;
  }

  /** The push stream: batches up, acknowledgements down. */
  private static final class PushStream implements ClientResponseObserver<byte[], PushAck> {
    final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    ClientCallStreamObserver<byte[]> requests;

    @Override
    public void beforeStart(ClientCallStreamObserver<byte[]> r) {
      requests = r;
      // An acknowledgement read ahead: the next one is ready on the channel's executor as soon as
      // it arrives, instead of being asked for only after this one was handed over.
      r.disableAutoRequestWithInitial(2);
    }

    @Override
    public void onNext(PushAck ack) {
      events.add(ack);
      requests.request(1);
    }

    @Override
    public void onError(Throwable t) {
      events.add(End.of(t));
    }

    @Override
    public void onCompleted() {
      events.add(
          new End(
              Status.UNAVAILABLE.withDescription("the server ended the push stream"),
              new Metadata()));
    }
  }

  /** One server stream of pages, read one page ahead at most. */
  private static final class PullStream
      implements ClientResponseObserver<io.syncline.transport.grpc.proto.PullRequest, byte[]> {
    final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    final PullRequest first;
    ClientCallStreamObserver<io.syncline.transport.grpc.proto.PullRequest> call;
    long cursor;

    PullStream(PullRequest first) {
      this.first = first;
      this.cursor = first.afterSeq();
    }

    boolean continues(PullRequest r) {
      return r.afterSeq() == cursor
          && r.scope().equals(first.scope())
          && r.requesterId().equals(first.requesterId())
          && r.maxChanges() == first.maxChanges()
          && r.maxBytes() == first.maxBytes();
    }

    @Override
    public void beforeStart(
        ClientCallStreamObserver<io.syncline.transport.grpc.proto.PullRequest> r) {
      call = r;
      r.disableAutoRequestWithInitial(1);
    }

    @Override
    public void onNext(byte[] page) {
      events.add(page);
    }

    @Override
    public void onError(Throwable t) {
      events.add(End.of(t));
    }

    @Override
    public void onCompleted() {
      events.add(new End(Status.OK, new Metadata()));
    }

    void cancel(String why) {
      call.cancel(why, null);
    }
  }

  private final class Connection implements SyncConnection {
    private volatile boolean closed;
    private final ArrayDeque<String> sent = new ArrayDeque<>();
    private PushStream push;
    private PullStream pull;

    private void checkOpen() throws IOException {
      if (closed) {
        throw new IOException("connection closed");
      }
    }

    @Override
    public HandshakeResponse handshake(HandshakeRequest request) throws IOException {
      Objects.requireNonNull(request, "request == null");
      checkOpen();
      io.syncline.transport.grpc.proto.HandshakeResponse r;
      try {
        r =
            SyncGrpc.newBlockingStub(channel)
                .withDeadlineAfter(requestTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .handshake(Wire.encode(request));
      } catch (StatusRuntimeException e) {
        throw StatusMapping.exception(e.getStatus(), e.getTrailers());
      }
      try {
        return Wire.decode(r);
      } catch (Wire.WireException e) {
        throw new IOException("malformed handshake response: " + e.getMessage(), e);
      }
    }

    @Override
    public int pushWindow() {
      return pushWindow;
    }

    @Override
    public void sendPush(PushRequest request) throws IOException {
      Objects.requireNonNull(request, "request == null");
      if (pushWindow == 1) {
        throw new UnsupportedOperationException("push window is 1");
      }
      if (sent.size() >= pushWindow) {
        throw new IllegalStateException("already " + sent.size() + " pushes outstanding");
      }
      send(request);
    }

    @Override
    public Outcome awaitPush() throws IOException {
      if (sent.isEmpty()) {
        throw new IllegalStateException("no push outstanding");
      }
      return await();
    }

    @Override
    public Outcome push(PushRequest request) throws IOException {
      Objects.requireNonNull(request, "request == null");
      if (!sent.isEmpty()) {
        throw new IllegalStateException("push while " + sent.size() + " sends are outstanding");
      }
      send(request);
      return await();
    }

    private void send(PushRequest request) throws IOException {
      checkOpen();
      if (sent.isEmpty() && push != null && !push.events.isEmpty()) {
        push = null; // ended while idle (server restarted, connection cut): start afresh
      }
      if (push == null) {
        push = new PushStream();
        ClientCalls.asyncBidiStreamingCall(channel.newCall(Methods.PUSH, pushOptions), push);
      }
      push.requests.onNext(BatchCodec.encode(request));
      sent.add(request.batchId());
    }

    /** The outcome of the oldest batch sent; anything but success voids the others. */
    private Outcome await() throws IOException {
      String batchId = sent.poll();
      boolean success = false;
      try {
        Outcome o = awaitAck(batchId);
        success = o instanceof Outcome.Success;
        return o;
      } finally {
        if (!success) {
          sent.clear();
          push = null;
        }
      }
    }

    private Outcome awaitAck(String batchId) throws IOException {
      PushStream s = push;
      Object event;
      try {
        event = s.events.poll(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        s.requests.cancel("interrupted", null);
        throw interrupted(e);
      }
      if (event == null) {
        s.requests.cancel("no acknowledgement in time", null);
        return new Outcome.Retry(
            null, "no acknowledgement of batch " + batchId + " within " + requestTimeout);
      }
      if (event instanceof PushAck ack) {
        if (!ack.getBatchId().equals(batchId)) {
          s.requests.cancel("acknowledgement out of order", null);
          throw new IOException(
              "acknowledgement of batch " + ack.getBatchId() + ", expected " + batchId);
        }
        return Outcome.SUCCESS;
      }
      End end = (End) event;
      return StatusMapping.outcome(end.status(), end.trailers());
    }

    @Override
    public PullResponse pull(PullRequest request) throws IOException {
      Objects.requireNonNull(request, "request == null");
      checkOpen();
      if (pull != null && (!pull.continues(request))) {
        pull.cancel("the client asked from another cursor");
        pull = null;
      }
      if (pull == null) {
        pull = new PullStream(request);
        ClientCalls.asyncServerStreamingCall(
            channel.newCall(Methods.PULL, CallOptions.DEFAULT), Wire.encode(request), pull);
      }
      PullStream s = pull;
      Object event;
      try {
        event = s.events.poll(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        s.cancel("interrupted");
        pull = null;
        throw interrupted(e);
      }
      if (event == null) {
        s.cancel("no page in time");
        pull = null;
        return PullResponse.failed(
            new Outcome.Retry(null, "no page within " + requestTimeout + " (gRPC deadline)"));
      }
      if (event instanceof End end) {
        pull = null;
        if (end.status().isOk()) {
          throw new IOException("the server ended the pull stream without a final page");
        }
        return PullResponse.failed(StatusMapping.pullOutcome(end.status(), end.trailers()));
      }
      FeedPage page;
      try {
        page = BatchCodec.decodePage((byte[]) event, request.scope());
      } catch (Wire.WireException e) {
        s.cancel("malformed page");
        pull = null;
        throw new IOException("malformed page: " + e.getMessage(), e);
      }
      if (page.nextCursor() < request.afterSeq()) {
        s.cancel("cursor moved back");
        pull = null;
        throw new IOException(
            "page moved the cursor back from " + request.afterSeq() + " to " + page.nextCursor());
      }
      if (page.hasMore()) {
        s.cursor = page.nextCursor();
        s.call.request(1); // read one page ahead while the engine applies this one
      } else {
        pull = null; // the server completes the stream after this page
      }
      return PullResponse.of(page);
    }

    /**
     * Opens a live stream. Pages reach the listener on the channel's executor, one at a time; the
     * next page is requested only after {@link LiveListener#onPage} returns. The stream's end (a
     * status, the server going away) reaches {@link LiveListener#onError} as a {@link
     * SyncException}; {@link Cancellable#cancel} ends it silently.
     */
    @Override
    public Cancellable live(LiveRequest request, LiveListener listener) throws IOException {
      Objects.requireNonNull(request, "request == null");
      Objects.requireNonNull(listener, "listener == null");
      checkOpen();
      LiveCall call = new LiveCall(request, listener);
      ClientCalls.asyncServerStreamingCall(
          channel.newCall(Methods.LIVE, CallOptions.DEFAULT), Wire.encode(request), call);
      return call;
    }

    @Override
    public void close() {
      closed = true;
      if (push != null && push.events.isEmpty()) {
        push.requests.onCompleted();
      }
      push = null;
      sent.clear();
      if (pull != null) {
        pull.cancel("connection closed");
        pull = null;
      }
    }
  }

  private static final class LiveCall
      implements ClientResponseObserver<io.syncline.transport.grpc.proto.LiveRequest, byte[]>,
          Cancellable {
    private final LiveRequest request;
    private final LiveListener listener;
    private volatile boolean done;
    private ClientCallStreamObserver<io.syncline.transport.grpc.proto.LiveRequest> call;
    private long cursor;

    LiveCall(LiveRequest request, LiveListener listener) {
      this.request = request;
      this.listener = listener;
      this.cursor = request.afterSeq();
    }

    @Override
    public void beforeStart(
        ClientCallStreamObserver<io.syncline.transport.grpc.proto.LiveRequest> r) {
      call = r;
      r.disableAutoRequestWithInitial(1);
    }

    @Override
    public void onNext(byte[] m) {
      if (done) {
        return;
      }
      FeedPage page;
      try {
        page = BatchCodec.decodePage(m, request.scope());
      } catch (Wire.WireException e) {
        fail(new SyncException(SyncException.Code.PROTOCOL, e.getMessage()));
        return;
      }
      if (page.nextCursor() < cursor) {
        fail(
            new SyncException(
                SyncException.Code.PROTOCOL,
                "live page moved the cursor back from " + cursor + " to " + page.nextCursor()));
        return;
      }
      cursor = page.nextCursor();
      try {
        listener.onPage(page);
      } catch (RuntimeException e) {
        fail(e);
        return;
      }
      call.request(1);
    }

    private void fail(Throwable e) {
      done = true;
      call.cancel("live stream failed", e);
      listener.onError(e);
    }

    @Override
    public void onError(Throwable t) {
      if (!done) {
        done = true;
        End end = End.of(t);
        listener.onError(StatusMapping.exception(end.status(), end.trailers()));
      }
    }

    @Override
    public void onCompleted() {
      if (!done) {
        done = true;
        listener.onError(
            new SyncException(SyncException.Code.UNAVAILABLE, "the server ended the live stream"));
      }
    }

    @Override
    public void cancel() {
      if (!done) {
        done = true;
        call.cancel("cancelled by the client", null);
      }
    }
  }

  /**
   * Builds a {@link GrpcSyncTransport}: a {@link #target} (the transport creates and owns a Netty
   * channel) or a {@link #channel} of your own (for example grpc-okhttp on Android, or an
   * in-process channel in tests). {@link #build()} validates.
   */
  public static final class Builder {
    private String target;
    private ManagedChannel channel;
    private Supplier<String> tokenSupplier;
    private Duration requestTimeout = Duration.ofSeconds(30);
    private Duration keepAliveTime = Duration.ofMinutes(1);
    private boolean tls;
    private File trustCertificates;
    private String overrideAuthority;
    private int maxInboundMessageBytes = 64 << 20;
    private int pushWindow = 4;
    private boolean gzip;

    private Builder() {}

    /** The server as {@code host:port}, such as {@code 127.0.0.1:9090}. */
    public Builder target(String target) {
      Objects.requireNonNull(target, "target == null");
      if (target.trim().isEmpty()) {
        throw new IllegalArgumentException("target is blank");
      }
      this.target = target;
      return this;
    }

    /**
     * A channel of your own instead of a target; it stays yours to shut down, and TLS, keepalive
     * and message size are its settings.
     */
    public Builder channel(ManagedChannel channel) {
      this.channel = Objects.requireNonNull(channel, "channel == null");
      return this;
    }

    /** Supplies the bearer token for each call (default: none). */
    public Builder tokenSupplier(Supplier<String> tokenSupplier) {
      this.tokenSupplier = Objects.requireNonNull(tokenSupplier, "tokenSupplier == null");
      return this;
    }

    /** A fixed bearer token. */
    public Builder bearerToken(String token) {
      Objects.requireNonNull(token, "token == null");
      if (token.isEmpty()) {
        throw new IllegalArgumentException("token is empty");
      }
      return tokenSupplier(() -> token);
    }

    /**
     * The deadline of a handshake, and the longest wait for a push's acknowledgement or for the
     * next page of a pull (default 30 s). A miss is a retry.
     */
    public Builder requestTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "requestTimeout == null");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("requestTimeout must be positive: " + timeout);
      }
      this.requestTimeout = timeout;
      return this;
    }

    /**
     * How many push batches may be in flight at once, 1 to 64 (default 4). More overlaps reading,
     * the network and the server's applying further, at the cost of buffering that many batches; 1
     * waits for each acknowledgement before the next batch is read.
     */
    public Builder pushWindow(int window) {
      if (window < 1 || window > 64) {
        throw new IllegalArgumentException("pushWindow must be 1 to 64: " + window);
      }
      this.pushWindow = window;
      return this;
    }

    /**
     * Whether to gzip push batches (default false). Records of JSON usually shrink to a third or
     * less, for some CPU time on both ends; worth it where bandwidth is scarce or paid for. Pages
     * come gzipped when the server is set to send them so.
     */
    public Builder gzip(boolean gzip) {
      this.gzip = gzip;
      return this;
    }

    /** How often to ping the server on a quiet connection (default 1 min, at least 10 s). */
    public Builder keepAliveTime(Duration time) {
      Objects.requireNonNull(time, "keepAliveTime == null");
      if (time.compareTo(Duration.ofSeconds(10)) < 0) {
        throw new IllegalArgumentException("keepAliveTime < 10 s: " + time);
      }
      this.keepAliveTime = time;
      return this;
    }

    /** Whether to use TLS, trusting the system's certificate authorities (default false). */
    public Builder tls(boolean tls) {
      this.tls = tls;
      return this;
    }

    /** Uses TLS trusting only the PEM certificates in {@code file} (a private CA, tests). */
    public Builder trustCertificates(File file) {
      this.trustCertificates = Objects.requireNonNull(file, "file == null");
      this.tls = true;
      return this;
    }

    /** The host name to verify the server's certificate against, if not the target's. */
    public Builder overrideAuthority(String authority) {
      this.overrideAuthority = Objects.requireNonNull(authority, "authority == null");
      return this;
    }

    /** The largest message to accept from the server (default 64 MiB). */
    public Builder maxInboundMessageBytes(int bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("maxInboundMessageBytes < 1024: " + bytes);
      }
      this.maxInboundMessageBytes = bytes;
      return this;
    }

    /**
     * Builds the transport.
     *
     * @throws IllegalStateException if neither or both of target and channel are set, or TLS
     *     settings come with a channel of your own
     * @throws IllegalArgumentException if the trusted certificates cannot be read
     */
    public GrpcSyncTransport build() {
      if ((target == null) == (channel == null)) {
        throw new IllegalStateException("set exactly one of target and channel");
      }
      if (channel != null) {
        if (tls || overrideAuthority != null) {
          throw new IllegalStateException("TLS settings belong to your own channel");
        }
        return new GrpcSyncTransport(this, channel, false);
      }
      NettyChannelBuilder b =
          NettyChannelBuilder.forTarget(target)
              .maxInboundMessageSize(maxInboundMessageBytes)
              .keepAliveTime(keepAliveTime.toMillis(), TimeUnit.MILLISECONDS)
              .keepAliveTimeout(20, TimeUnit.SECONDS)
              .keepAliveWithoutCalls(false);
      if (tls) {
        try {
          b.sslContext(
              trustCertificates == null
                  ? GrpcSslContexts.forClient().build()
                  : GrpcSslContexts.forClient().trustManager(trustCertificates).build());
        } catch (SSLException | RuntimeException e) {
          throw new IllegalArgumentException("cannot set up TLS: " + e.getMessage(), e);
        }
      } else {
        b.usePlaintext();
      }
      if (overrideAuthority != null) {
        b.overrideAuthority(overrideAuthority);
      }
      return new GrpcSyncTransport(this, b.build(), true);
    }
  }
}
