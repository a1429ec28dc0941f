package io.syncline.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.syncline.engine.Resolvers;
import io.syncline.engine.SyncEngine;
import io.syncline.spi.Authenticator;
import io.syncline.spi.Authorizer;
import io.syncline.spi.SyncException;
import io.syncline.spi.SyncStore;
import io.syncline.store.jdbc.JdbcStore;
import io.syncline.transport.grpc.GrpcSyncServer;
import io.syncline.transport.http.HttpSyncServer;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Locale;

/**
 * A running sync server: the engine on its store, gRPC and HTTP sync, and an admin port with {@code
 * /health} and {@code /metrics}. Start one with {@link #start}; {@link #close()} shuts it down
 * gracefully (stops accepting, lets requests in progress finish, then closes the engine and the
 * store).
 *
 * <pre>{@code
 * try (SyncServer server = SyncServer.start(ServerOptions.parse(args, System::getenv), log)) {
 *   System.out.println("syncing at " + server.httpUri());
 *   ...
 * }
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class SyncServer implements Closeable {
  private final Log log;
  private final SyncStore store;
  private final SyncEngine engine;
  private final Metrics metrics;
  private final HttpSyncServer http;
  private final GrpcSyncServer grpc;
  private final HttpServer admin;
  private boolean closed;

  /** Why a server could not start; the message is one line for a person. */
  public static final class StartupException extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean badInput;

    StartupException(String message, boolean badInput, Throwable cause) {
      super(message, cause);
      this.badInput = badInput;
    }

    /** Whether the input (a file, an option) was at fault rather than the environment. */
    public boolean badInput() {
      return badInput;
    }
  }

  private SyncServer(
      Log log,
      SyncStore store,
      SyncEngine engine,
      Metrics metrics,
      HttpSyncServer http,
      GrpcSyncServer grpc,
      HttpServer admin) {
    this.log = log;
    this.store = store;
    this.engine = engine;
    this.metrics = metrics;
    this.http = http;
    this.grpc = grpc;
    this.admin = admin;
  }

  /** Opens the database, builds the engine and starts listening. */
  public static SyncServer start(ServerOptions o, Log log) throws StartupException {
    Authenticator authenticator = Authenticator.ANONYMOUS;
    Authorizer authorizer = Authorizer.ALLOW_ALL;
    if (o.tokensFile() != null) {
      try {
        Tokens tokens = Tokens.read(o.tokensFile());
        authenticator = tokens.authenticator();
        authorizer = tokens.authorizer();
        log.info("tokens", "file", o.tokensFile(), "count", tokens.size());
      } catch (IOException e) {
        throw new StartupException("cannot use tokens: " + e.getMessage(), true, e);
      }
    } else {
      log.warn("anonymous", "detail", "no --tokens file: every caller may read and write");
    }
    HttpSyncServer.Builder hb =
        HttpSyncServer.builder().bindAddress(o.bind()).port(Math.max(0, o.httpPort()));
    GrpcSyncServer.Builder gb =
        GrpcSyncServer.builder()
            .bindAddress(o.bind())
            .port(Math.max(0, o.grpcPort()))
            .shutdownGrace(Duration.ofSeconds(5));
    if (o.tlsCert() != null) {
      try {
        hb.tls(o.tlsCert(), o.tlsKey()); // reads and checks the files
      } catch (IllegalArgumentException e) {
        throw new StartupException(e.getMessage(), true, e);
      }
      gb.tls(o.tlsCert().toFile(), o.tlsKey().toFile());
    }
    SyncStore store = openStore(o);
    SyncEngine engine =
        SyncEngine.builder()
            .replicaId(o.replicaId())
            .store(store)
            .resolver(Resolvers.fieldMerge())
            .authorizer(authorizer)
            .build();
    Metrics metrics = new Metrics(engine.handler());
    HttpSyncServer http = null;
    GrpcSyncServer grpc = null;
    HttpServer admin = null;
    String listening = o.bind() + ":" + o.httpPort();
    try {
      if (o.httpPort() >= 0) {
        http = hb.handler(metrics).authenticator(authenticator).build().start();
      }
      listening = o.bind() + ":" + o.grpcPort();
      if (o.grpcPort() >= 0) {
        grpc = gb.handler(metrics).authenticator(authenticator).build().start();
      }
      listening = o.bind() + ":" + o.adminPort();
      if (o.adminPort() >= 0) {
        admin = HttpServer.create(new InetSocketAddress(o.bind(), o.adminPort()), 16);
        SyncStore s = store;
        admin.createContext(
            "/health",
            ex ->
                respond(
                    ex,
                    200,
                    "application/json",
                    "{\"status\":\"ok\",\"replica\":\""
                        + o.replicaId()
                        + "\",\"head\":"
                        + s.headSeq()
                        + "}"));
        admin.createContext(
            "/metrics", ex -> respond(ex, 200, "text/plain; version=0.0.4", metrics.render()));
        admin.start();
      }
    } catch (IOException | RuntimeException e) {
      if (http != null) {
        http.close();
      }
      if (grpc != null) {
        grpc.close();
      }
      engine.close();
      store.close();
      throw new StartupException("cannot listen on " + listening + ": " + rootMessage(e), false, e);
    }
    SyncServer server = new SyncServer(log, store, engine, metrics, http, grpc, admin);
    log.info(
        "listening",
        "http",
        http == null ? "none" : http.uri(),
        "grpc",
        grpc == null ? "none" : grpc.target(),
        "admin",
        server.adminUri() == null ? "none" : server.adminUri(),
        "db",
        describe(o),
        "replica",
        o.replicaId());
    return server;
  }

  private static SyncStore openStore(ServerOptions o) throws StartupException {
    try {
      if (o.postgres()) {
        return JdbcStore.postgres(o.database(), o.dbUser(), o.dbPassword());
      }
      return JdbcStore.sqlite(Paths.get(o.database()));
    } catch (SyncException | IllegalArgumentException e) {
      throw new StartupException(
          "cannot open database " + describe(o) + ": " + rootMessage(e), false, e);
    }
  }

  private static String describe(ServerOptions o) {
    String db = o.database();
    int q = db.indexOf('?');
    return q < 0 ? db : db.substring(0, q); // query parameters may carry secrets
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    return m.replace('\n', ' ').replace('\r', ' ');
  }

  private static void respond(HttpExchange ex, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** Where clients sync over HTTP, or null without an HTTP port. */
  public URI httpUri() {
    return http == null ? null : http.uri();
  }

  /** Where clients sync over gRPC ({@code host:port}), or null without a gRPC port. */
  public String grpcTarget() {
    return grpc == null ? null : grpc.target();
  }

  /** Where {@code /health} and {@code /metrics} are, or null without an admin port. */
  public URI adminUri() {
    if (admin == null) {
      return null;
    }
    InetSocketAddress a = admin.getAddress();
    String host = a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getHostString();
    return URI.create(String.format(Locale.ROOT, "http://%s:%d/", host, a.getPort()));
  }

  /** The server's counters. */
  public Metrics metrics() {
    return metrics;
  }

  /** The engine behind the server. */
  public SyncEngine engine() {
    return engine;
  }

  /** Shuts down gracefully. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    log.info("stopping");
    // Stop accepting; requests in progress finish first (gRPC waits up to its grace).
    if (http != null) {
      http.close();
    }
    if (grpc != null) {
      grpc.close();
    }
    if (admin != null) {
      admin.stop(0);
    }
    engine.close();
    store.close();
    log.info(
        "stopped", "changes_in", metrics.changesIn.get(), "changes_out", metrics.changesOut.get());
  }
}
