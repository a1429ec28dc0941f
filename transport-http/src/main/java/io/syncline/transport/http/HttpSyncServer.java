package io.syncline.transport.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.syncline.spi.Authenticator;
import io.syncline.spi.SyncHandler;
import io.syncline.transport.http.internal.JvmOnly;
import io.syncline.transport.http.internal.NettyHttpHandler;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/**
 * A standalone HTTP server for the sync protocol, on Netty: it serves an {@link HttpSyncEndpoint}
 * on one address and port.
 *
 * <pre>{@code
 * HttpSyncServer server =
 *     HttpSyncServer.builder()
 *         .handler(engine.handler())
 *         .authenticator(Authenticator.tokens(Map.of("s3cret", "alice")))
 *         .port(8080)
 *         .build()
 *         .start();
 * // clients use server.uri()
 * server.close();
 * }</pre>
 *
 * <p>Plain HTTP/1.1 with keep-alive; put TLS in front (a reverse proxy or load balancer) in
 * production. The event loops only move bytes: every request runs on a bounded pool of worker
 * threads the server owns, because the {@link SyncHandler} blocks. Request lines over 8 KiB get
 * 414, headers over 16 KiB get 431, bodies over {@link HttpServerLimits#maxRequestBytes()} get 413
 * before they are buffered, and idle connections close after {@link Builder#idleTimeout}.
 *
 * <p>Needs {@code io.netty:netty-codec-http} and {@code netty-handler} on the class path (optional
 * dependencies of this artifact, so that client-only apps do not pull Netty).
 *
 * <p>Thread-safe. {@link #start} once; {@link #close} stops accepting, closes connections and waits
 * briefly for the workers.
 */
@JvmOnly
public final class HttpSyncServer implements Closeable {
  private final HttpSyncEndpoint endpoint;
  private final String bindAddress;
  private final int requestedPort;
  private final Duration idleTimeout;
  private final SslContext sslContext;
  private final Object lock = new Object();
  private EventLoopGroup boss;
  private EventLoopGroup workers;
  private ThreadPoolExecutor executor;
  private Channel channel;
  private ChannelGroup connections;
  private boolean started;

  private HttpSyncServer(Builder b, HttpSyncEndpoint endpoint) {
    this.endpoint = endpoint;
    this.bindAddress = b.bindAddress;
    this.requestedPort = b.port;
    this.idleTimeout = b.idleTimeout;
    this.sslContext = b.sslContext;
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Binds and starts serving; returns this server.
   *
   * @throws IOException if the address cannot be bound (port in use, unknown address)
   * @throws IllegalStateException if already started
   */
  public HttpSyncServer start() throws IOException {
    synchronized (lock) {
      if (started) {
        throw new IllegalStateException("already started");
      }
      started = true;
      HttpServerLimits limits = endpoint.limits();
      int maxThreads = limits.maxConcurrentRequests() + limits.maxLongPolls() + 8;
      executor =
          new ThreadPoolExecutor(
              0,
              maxThreads,
              60,
              TimeUnit.SECONDS,
              new SynchronousQueue<>(),
              new DefaultThreadFactory("syncline-http-worker", true));
      boss = new NioEventLoopGroup(1, new DefaultThreadFactory("syncline-http-boss", true));
      workers =
          new NioEventLoopGroup(
              Math.min(2, Runtime.getRuntime().availableProcessors()),
              new DefaultThreadFactory("syncline-http-io", true));
      connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
      ChannelGroup group = connections;
      int idleSeconds = (int) Math.max(1, idleTimeout.toSeconds());
      int maxBody = (int) limits.maxRequestBytes();
      ServerBootstrap bootstrap =
          new ServerBootstrap()
              .group(boss, workers)
              .channel(NioServerSocketChannel.class)
              .option(ChannelOption.SO_BACKLOG, 256)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      group.add(ch);
                      if (sslContext != null) {
                        ch.pipeline().addLast(sslContext.newHandler(ch.alloc()));
                      }
                      ch.pipeline()
                          .addLast(new IdleStateHandler(0, 0, idleSeconds))
                          .addLast(new HttpServerCodec(8192, 16384, 65536))
                          .addLast(new NettyHttpHandler.Aggregator(maxBody))
                          .addLast(new NettyHttpHandler(endpoint, executor));
                    }
                  });
      try {
        channel =
            bootstrap.bind(new InetSocketAddress(bindAddress, requestedPort)).sync().channel();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        shutdown();
        throw new IOException("interrupted while binding", e);
      } catch (Exception e) { // Netty rethrows a BindException undeclared
        shutdown();
        throw new IOException("cannot bind " + bindAddress + ":" + requestedPort + ": " + e, e);
      }
      return this;
    }
  }

  /** The port the server listens on (the actual one when built with port 0). */
  public int port() {
    synchronized (lock) {
      if (channel == null) {
        throw new IllegalStateException("not started");
      }
      return ((InetSocketAddress) channel.localAddress()).getPort();
    }
  }

  /** The base URI clients use, such as {@code http://127.0.0.1:8080/}. */
  public URI uri() {
    String host = bindAddress.contains(":") ? "[" + bindAddress + "]" : bindAddress;
    if (host.equals("0.0.0.0") || host.equals("[::]")) {
      host = "127.0.0.1";
    }
    return URI.create((sslContext == null ? "http://" : "https://") + host + ":" + port() + "/");
  }

  /** The endpoint this server serves. */
  public HttpSyncEndpoint endpoint() {
    return endpoint;
  }

  /** Stops accepting, closes every connection and stops the threads. Idempotent. */
  @Override
  public void close() {
    synchronized (lock) {
      shutdown();
    }
  }

  private void shutdown() {
    if (channel != null) {
      channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    if (connections != null) {
      connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    if (executor != null) {
      // Long-polls end early; their answers go nowhere, since every connection is closed.
      executor.shutdownNow();
      try {
        executor.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (boss != null) {
      boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    if (workers != null) {
      workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
  }

  @Override
  public String toString() {
    synchronized (lock) {
      return "HttpSyncServer{"
          + bindAddress
          + ":"
          + (channel == null ? requestedPort : port())
          + (channel == null ? ", not started" : "")
          + "}";
    }
  }

  /**
   * Builds an {@link HttpSyncServer}: either an {@link #endpoint} or a {@link #handler} plus an
   * {@link #authenticator} (and optionally {@link #limits}). Validated in {@link #build()}.
   */
  @JvmOnly
  public static final class Builder {
    private HttpSyncEndpoint endpoint;
    private SyncHandler handler;
    private Authenticator authenticator;
    private HttpServerLimits limits;
    private String bindAddress = "127.0.0.1";
    private int port = -1;
    private Duration idleTimeout = Duration.ofMinutes(2);
    private SslContext sslContext;

    private Builder() {}

    /**
     * Serves https with the certificate chain and private key in {@code certChainPem} and {@code
     * privateKeyPem} (PEM files; the key in PKCS#8).
     *
     * @throws IllegalArgumentException if either file cannot be read or they do not form a usable
     *     key pair, with the reason
     */
    public Builder tls(Path certChainPem, Path privateKeyPem) {
      Objects.requireNonNull(certChainPem, "certChainPem == null");
      Objects.requireNonNull(privateKeyPem, "privateKeyPem == null");
      try {
        this.sslContext =
            SslContextBuilder.forServer(certChainPem.toFile(), privateKeyPem.toFile()).build();
      } catch (SSLException | IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "cannot use TLS certificate "
                + certChainPem
                + " with key "
                + privateKeyPem
                + ": "
                + rootMessage(e),
            e);
      }
      return this;
    }

    private static String rootMessage(Throwable e) {
      Throwable t = e;
      while (t.getCause() != null) {
        t = t.getCause();
      }
      return t.getMessage() == null ? t.toString() : t.getMessage();
    }

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

    /** The engine's server side, usually {@code SyncEngine.handler()}. */
    public Builder handler(SyncHandler handler) {
      this.handler = Objects.requireNonNull(handler, "handler == null");
      return this;
    }

    /** Who the callers are; required with {@link #handler}. */
    public Builder authenticator(Authenticator authenticator) {
      this.authenticator = Objects.requireNonNull(authenticator, "authenticator == null");
      return this;
    }

    /** Request bounds (default {@link HttpServerLimits#DEFAULT}); only with {@link #handler}. */
    public Builder limits(HttpServerLimits limits) {
      this.limits = Objects.requireNonNull(limits, "limits == null");
      return this;
    }

    /** A ready endpoint to serve, instead of handler, authenticator and limits. */
    public Builder endpoint(HttpSyncEndpoint endpoint) {
      this.endpoint = Objects.requireNonNull(endpoint, "endpoint == null");
      return this;
    }

    /** How long a connection may sit idle before the server closes it (default 2 minutes). */
    public Builder idleTimeout(Duration idleTimeout) {
      Objects.requireNonNull(idleTimeout, "idleTimeout == null");
      if (idleTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("idleTimeout < 1 s: " + idleTimeout);
      }
      this.idleTimeout = idleTimeout;
      return this;
    }

    /**
     * Builds the server (not yet started).
     *
     * @throws IllegalStateException naming what is missing or contradictory
     */
    public HttpSyncServer build() {
      if (port < 0) {
        throw new IllegalStateException("port is not set (use 0 for an ephemeral port)");
      }
      HttpSyncEndpoint e = endpoint;
      if (e != null) {
        if (handler != null || authenticator != null || limits != null) {
          throw new IllegalStateException(
              "set either endpoint or handler/authenticator/limits, not both");
        }
      } else {
        if (handler == null) {
          throw new IllegalStateException("handler is not set");
        }
        if (authenticator == null) {
          throw new IllegalStateException(
              "authenticator is not set (use Authenticator.ANONYMOUS to admit everybody)");
        }
        HttpServerLimits l = limits == null ? HttpServerLimits.DEFAULT : limits;
        e =
            HttpSyncEndpoint.builder()
                .handler(handler)
                .authenticator(authenticator)
                .limits(l)
                .build();
      }
      if (idleTimeout.compareTo(e.limits().maxLongPollWait().plusSeconds(5)) < 0) {
        throw new IllegalStateException(
            "idleTimeout "
                + idleTimeout
                + " must exceed the long-poll wait "
                + e.limits().maxLongPollWait()
                + " by 5 s");
      }
      return new HttpSyncServer(this, e);
    }
  }
}
