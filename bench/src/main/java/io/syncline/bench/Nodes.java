package io.syncline.bench;

import io.reactivex.rxjava3.core.Scheduler;
import io.syncline.engine.InboundLimits;
import io.syncline.engine.Peer;
import io.syncline.engine.SyncEngine;
import io.syncline.spi.Authenticator;
import io.syncline.spi.SyncStore;
import io.syncline.spi.SyncTransport;
import io.syncline.transport.grpc.GrpcServerLimits;
import io.syncline.transport.grpc.GrpcSyncServer;
import io.syncline.transport.grpc.GrpcSyncTransport;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;

/** How the harnesses wire engines, servers and clients: one place, so every run is alike. */
public final class Nodes {
  /** The scope every record lives in, unless a harness says otherwise. */
  public static final String SCOPE = "bench";

  /** The bearer token clients present. */
  public static final String TOKEN = "bench-token";

  private Nodes() {}

  /** An engine with batches of {@code batch} changes both ways. */
  public static SyncEngine.Builder engine(String id, SyncStore store, int batch) {
    return SyncEngine.builder()
        .replicaId(id)
        .store(store)
        .defaultScope(SCOPE)
        .batchLimits(batch, 64L << 20)
        .inboundLimits(
            new InboundLimits(
                batch,
                64L << 20,
                InboundLimits.DEFAULT.maxRecordBytes(),
                InboundLimits.DEFAULT.maxClockSkew()));
  }

  /** An engine with a given I/O scheduler. */
  public static SyncEngine.Builder engine(String id, SyncStore store, int batch, Scheduler io) {
    return engine(id, store, batch).ioScheduler(io);
  }

  /** A server engine serving gRPC on a free port of 127.0.0.1; closing stops both. */
  public static final class Server implements Closeable {
    public final SyncEngine engine;
    public final GrpcSyncServer grpc;

    Server(SyncEngine engine, GrpcSyncServer grpc) {
      this.engine = engine;
      this.grpc = grpc;
    }

    /** The gRPC port. */
    public int port() {
      return grpc.port();
    }

    @Override
    public void close() {
      grpc.close();
      engine.close();
    }
  }

  /**
   * Serves {@code store} over gRPC. The server's rate limit is lifted: the default (200 batches a
   * second per peer) protects a production server and would throttle the benchmark.
   */
  public static Server server(SyncStore store, int batch, int maxCallsPerConnection)
      throws IOException {
    SyncEngine engine = engine("server", store, batch).build();
    GrpcServerLimits limits =
        GrpcServerLimits.DEFAULT.withRate(1e7, 10_000_000, Duration.ofSeconds(1));
    limits =
        new GrpcServerLimits(
            limits.maxMessageBytes(),
            Math.max(limits.maxBatchChanges(), batch),
            limits.requestsPerSecond(),
            limits.requestBurst(),
            maxCallsPerConnection,
            limits.busyRetryAfter());
    GrpcSyncServer grpc =
        GrpcSyncServer.builder()
            .port(0)
            .bindAddress("127.0.0.1")
            .handler(engine.handler())
            .authenticator(Authenticator.tokens(Map.of(TOKEN, SCOPE)))
            .limits(limits)
            .build()
            .start();
    return new Server(engine, grpc);
  }

  /** A gRPC client transport to {@code target} (host:port). */
  public static GrpcSyncTransport client(String target) {
    return GrpcSyncTransport.builder()
        .target(target)
        .bearerToken(TOKEN)
        .maxInboundMessageBytes(64 << 20)
        .requestTimeout(Duration.ofMinutes(2))
        .build();
  }

  /** The peer entry for the server. */
  public static Peer serverPeer(SyncTransport transport, String... scopes) {
    return Peer.of("server", transport, scopes.length == 0 ? new String[] {SCOPE} : scopes);
  }
}
