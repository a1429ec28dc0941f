package io.syncline.transport.grpc;

import io.grpc.Server;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyServerBuilder;
import io.netty.handler.ssl.SslContext;
import io.syncline.spi.Authenticator;
import io.syncline.spi.SyncHandler;
import io.syncline.transport.grpc.internal.JvmOnly;
import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A standalone gRPC server for the sync protocol on Netty: it serves a {@link GrpcSyncService} on
 * one address and port, in plain text or with TLS.
 *
 * <pre>{@code
 * GrpcSyncServer server =
 *     GrpcSyncServer.builder()
 *         .handler(engine.handler())
 *         .authenticator(Authenticator.tokens(Map.of("s3cret", "alice")))
 *         .port(9090)
 *         .tls(new File("server.crt"), new File("server.key")) // optional
 *         .build()
 *         .start();
 * // clients use server.target(), such as "127.0.0.1:9090"
 * server.close();
 * }</pre>
 *
 * <p>Messages over {@link GrpcServerLimits#maxMessageBytes()} are refused by gRPC with {@code
 * RESOURCE_EXHAUSTED} before they are parsed. Connections are kept alive with HTTP/2 pings (a
 * client may ping every 10 s or more slowly; faster is a protocol violation that closes the
 * connection), and idle connections close after {@link Builder#maxConnectionIdle}. The handler runs
 * on a pool of {@link Builder#threads} threads the server owns, because it blocks.
 *
 * <p>Thread-safe. {@link #start} once; {@link #close} stops accepting, cancels calls in flight
 * (their clients see {@code UNAVAILABLE} and retry) and waits briefly for the threads.
 */
@JvmOnly
public final class GrpcSyncServer implements Closeable {
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final Builder config;
  private final Object lock = new Object();
  private ThreadPoolExecutor executor;
  private Server server;
  private boolean started;

  private GrpcSyncServer(Builder b) {
    this.config = b;
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Binds and starts serving; returns this server.
   *
   * @throws IOException if the address cannot be bound, or the TLS files cannot be read
   * @throws IllegalStateException if already started
   */
  public GrpcSyncServer start() throws IOException {
    synchronized (lock) {
      if (started) {
        throw new IllegalStateException("already started");
      }
      started = true;
      ThreadFactory factory =
          r -> {
            Thread t = new Thread(r, "syncline-grpc-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
          };
      executor =
          new ThreadPoolExecutor(
              config.threads,
              config.threads,
              60,
              TimeUnit.SECONDS,
              new LinkedBlockingQueue<>(),
              factory);
      executor.allowCoreThreadTimeOut(true);
      GrpcSyncService service =
          GrpcSyncService.builder()
              .handler(config.handler)
              .authenticator(config.authenticator)
              .limits(config.limits)
              .executor(executor)
              .gzip(config.gzip)
              .build();
      NettyServerBuilder b =
          NettyServerBuilder.forAddress(new InetSocketAddress(config.bindAddress, config.port))
              .executor(executor)
              .addService(service.serviceDefinition())
              .maxInboundMessageSize(config.limits.maxMessageBytes())
              .maxInboundMetadataSize(16 << 10)
              .maxConcurrentCallsPerConnection(config.limits.maxConcurrentCallsPerConnection())
              .keepAliveTime(config.keepAliveTime.toMillis(), TimeUnit.MILLISECONDS)
              .keepAliveTimeout(20, TimeUnit.SECONDS)
              .permitKeepAliveTime(10, TimeUnit.SECONDS)
              .permitKeepAliveWithoutCalls(true)
              .maxConnectionIdle(config.maxConnectionIdle.toMillis(), TimeUnit.MILLISECONDS);
      if (config.certChain != null) {
        try {
          SslContext ssl = GrpcSslContexts.forServer(config.certChain, config.privateKey).build();
          b.sslContext(ssl);
        } catch (IOException | RuntimeException e) {
          shutdown();
          throw new IOException("cannot load the TLS certificate or key: " + e.getMessage(), e);
        }
      }
      try {
        server = b.build().start();
      } catch (IOException e) {
        shutdown();
        throw new IOException(
            "cannot bind " + config.bindAddress + ":" + config.port + ": " + e.getMessage(), e);
      }
      return this;
    }
  }

  /** The port the server listens on (the actual one when built with port 0). */
  public int port() {
    synchronized (lock) {
      if (server == null) {
        throw new IllegalStateException("not started");
      }
      return server.getPort();
    }
  }

  /** The target clients use, such as {@code 127.0.0.1:9090}. */
  public String target() {
    String host = config.bindAddress;
    if (host.equals("0.0.0.0") || host.equals("::")) {
      host = "127.0.0.1";
    }
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port();
  }

  /**
   * Stops accepting, lets calls in progress finish for the {@link Builder#shutdownGrace} (if any),
   * cancels the rest and stops the threads. Idempotent.
   */
  @Override
  public void close() {
    synchronized (lock) {
      shutdown();
    }
  }

  private void shutdown() {
    if (server != null && !config.shutdownGrace.isZero()) {
      server.shutdown(); // no new calls; the ones in progress may finish
      try {
        server.awaitTermination(config.shutdownGrace.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (server != null) {
      server.shutdownNow();
      try {
        server.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (executor != null) {
      // Not shutdownNow at once: gRPC cancels each stopped call's context by a task on this
      // executor, and only a cancelled call stops delivering messages. Dropping that task would
      // let a push batch read ahead be applied after the stop, with nobody to acknowledge it.
      executor.shutdown();
      try {
        if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
          executor.shutdownNow();
          executor.awaitTermination(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        executor.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public String toString() {
    synchronized (lock) {
      return "GrpcSyncServer{"
          + config.bindAddress
          + ":"
          + (server == null ? config.port + ", not started" : server.getPort())
          + (config.certChain != null ? ", tls" : "")
          + "}";
    }
  }

  /** Builds a {@link GrpcSyncServer}. Port, handler and authenticator are required. */
  @JvmOnly
  public static final class Builder {
    private SyncHandler handler;
    private Authenticator authenticator;
    private GrpcServerLimits limits = GrpcServerLimits.DEFAULT;
    private String bindAddress = "127.0.0.1";
    private int port = -1;
    private int threads = 32;
    private File certChain;
    private File privateKey;
    private Duration keepAliveTime = Duration.ofMinutes(1);
    private Duration maxConnectionIdle = Duration.ofMinutes(10);
    private Duration shutdownGrace = Duration.ZERO;
    private boolean gzip;

    private Builder() {}

    /** The port, 0 for an ephemeral one. Required. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must lie in [0, 65535]: " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * The address to bind (default {@code 127.0.0.1}: only this machine). Use {@code 0.0.0.0} to
     * listen on every interface.
     */
    public Builder bindAddress(String bindAddress) {
      Objects.requireNonNull(bindAddress, "bindAddress == null");
      if (bindAddress.isBlank()) {
        throw new IllegalArgumentException("bindAddress is blank");
      }
      this.bindAddress = bindAddress;
      return this;
    }

    /** The engine's server side, usually {@code SyncEngine.handler()}. Required. */
    public Builder handler(SyncHandler handler) {
      this.handler = Objects.requireNonNull(handler, "handler == null");
      return this;
    }

    /** Who the callers are. Required ({@link Authenticator#ANONYMOUS} to admit everybody). */
    public Builder authenticator(Authenticator authenticator) {
      this.authenticator = Objects.requireNonNull(authenticator, "authenticator == null");
      return this;
    }

    /** Bounds (default {@link GrpcServerLimits#DEFAULT}). */
    public Builder limits(GrpcServerLimits limits) {
      this.limits = Objects.requireNonNull(limits, "limits == null");
      return this;
    }

    /**
     * Whether to gzip the feed pages of pulls and live streams (default false), for clients that
     * accept gzip (gRPC clients do by default). Records of JSON usually shrink to a third or less,
     * for some CPU time on both ends; worth it where bandwidth is scarce or paid for.
     */
    public Builder gzip(boolean gzip) {
      this.gzip = gzip;
      return this;
    }

    /** How many threads run the handler (default 32). */
    public Builder threads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("threads < 1: " + threads);
      }
      this.threads = threads;
      return this;
    }

    /** Serves TLS with this PEM certificate chain and PEM (PKCS#8) private key. */
    public Builder tls(File certChain, File privateKey) {
      this.certChain = Objects.requireNonNull(certChain, "certChain == null");
      this.privateKey = Objects.requireNonNull(privateKey, "privateKey == null");
      return this;
    }

    /** How often the server pings an idle connection to see it is alive (default 1 min). */
    public Builder keepAliveTime(Duration time) {
      Objects.requireNonNull(time, "keepAliveTime == null");
      if (time.compareTo(Duration.ofSeconds(10)) < 0) {
        throw new IllegalArgumentException("keepAliveTime < 10 s: " + time);
      }
      this.keepAliveTime = time;
      return this;
    }

    /** How long a connection without calls stays open (default 10 min). */
    public Builder maxConnectionIdle(Duration idle) {
      Objects.requireNonNull(idle, "maxConnectionIdle == null");
      if (idle.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("maxConnectionIdle < 1 s: " + idle);
      }
      this.maxConnectionIdle = idle;
      return this;
    }

    /**
     * How long {@link GrpcSyncServer#close()} lets calls in progress finish before it cancels them
     * (default zero: cancel at once). A server that should finish in-flight batches on shutdown
     * sets a few seconds; live streams, which never finish, are cancelled when it runs out.
     */
    public Builder shutdownGrace(Duration grace) {
      Objects.requireNonNull(grace, "shutdownGrace == null");
      if (grace.isNegative()) {
        throw new IllegalArgumentException("shutdownGrace < 0: " + grace);
      }
      this.shutdownGrace = grace;
      return this;
    }

    /**
     * Builds the server (not yet started).
     *
     * @throws IllegalStateException naming what is missing
     */
    public GrpcSyncServer build() {
      if (port < 0) {
        throw new IllegalStateException("port is not set (use 0 for an ephemeral port)");
      }
      if (handler == null) {
        throw new IllegalStateException("handler is not set");
      }
      if (authenticator == null) {
        throw new IllegalStateException(
            "authenticator is not set (use Authenticator.ANONYMOUS to admit everybody)");
      }
      Builder copy = new Builder();
      copy.handler = handler;
      copy.authenticator = authenticator;
      copy.limits = limits;
      copy.bindAddress = bindAddress;
      copy.port = port;
      copy.threads = threads;
      copy.certChain = certChain;
      copy.privateKey = privateKey;
      copy.gzip = gzip;
      copy.keepAliveTime = keepAliveTime;
      copy.maxConnectionIdle = maxConnectionIdle;
      copy.shutdownGrace = shutdownGrace;
      return new GrpcSyncServer(copy);
    }
  }
}
