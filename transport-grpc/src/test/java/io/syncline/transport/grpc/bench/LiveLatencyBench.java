package io.syncline.transport.grpc.bench;

import io.reactivex.rxjava3.schedulers.Schedulers;
import io.syncline.engine.Peer;
import io.syncline.engine.SyncEngine;
import io.syncline.spi.Authenticator;
import io.syncline.spi.FeedPage;
import io.syncline.spi.LiveListener;
import io.syncline.spi.LiveRequest;
import io.syncline.spi.SyncConnection;
import io.syncline.store.memory.MemoryStore;
import io.syncline.transport.grpc.GrpcSyncServer;
import io.syncline.transport.grpc.GrpcSyncTransport;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Live propagation latency: client A writes a record and syncs; the server applies it and its live
 * stream carries it to client B. Measured from A's write to B's listener receiving the page, over
 * gRPC on 127.0.0.1 with memory stores; one change at a time, after a warm-up.
 *
 * <pre>
 * mvn -f transport-grpc/pom.xml test-compile exec:java@grpc-latency -Dexec.args="2000"
 * </pre>
 */
public final class LiveLatencyBench {
  private static final String SCOPE = "bench";
  private static final String TOKEN = "bench-token";

  /** Latency percentiles in microseconds. */
  public record Result(int samples, double p50Micros, double p99Micros, double maxMicros) {}

  private LiveLatencyBench() {}

  public static void main(String[] args) throws Exception {
    int samples = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    System.out.println(format(run(samples)));
  }

  public static String format(Result r) {
    return String.format(
        Locale.ROOT,
        "live propagation A -> server -> B over gRPC, %d changes: p50 %.0f us, p99 %.0f us,"
            + " max %.0f us",
        r.samples(),
        r.p50Micros(),
        r.p99Micros(),
        r.maxMicros());
  }

  public static Result run(int samples) throws Exception {
    if (samples < 1) {
      throw new IllegalArgumentException("samples < 1");
    }
    MemoryStore serverStore = new MemoryStore();
    SyncEngine server =
        SyncEngine.builder()
            .replicaId("server")
            .store(serverStore)
            .ioScheduler(Schedulers.trampoline())
            .defaultScope(SCOPE)
            .build();
    GrpcSyncServer grpc =
        GrpcSyncServer.builder()
            .port(0)
            .handler(server.handler())
            .authenticator(Authenticator.tokens(Map.of(TOKEN, "bench")))
            .limits(
                io.syncline.transport.grpc.GrpcServerLimits.DEFAULT.withRate(
                    1e6, 1_000_000, java.time.Duration.ofSeconds(1)))
            .build()
            .start();
    try (GrpcSyncTransport ta =
            GrpcSyncTransport.builder().target(grpc.target()).bearerToken(TOKEN).build();
        GrpcSyncTransport tb =
            GrpcSyncTransport.builder().target(grpc.target()).bearerToken(TOKEN).build()) {
      SyncEngine a =
          SyncEngine.builder()
              .replicaId("client-a")
              .store(new MemoryStore())
              .ioScheduler(Schedulers.trampoline())
              .defaultScope(SCOPE)
              .peer(Peer.of("server", ta, SCOPE))
              .build();
      BlockingQueue<Long> arrivals = new LinkedBlockingQueue<>();
      SyncConnection b = tb.connect();
      b.live(
          new LiveRequest("client-b", SCOPE, serverStore.headSeq()),
          new LiveListener() {
            @Override
            public void onPage(FeedPage page) {
              long now = System.nanoTime();
              for (int i = 0; i < page.changes().size(); i++) {
                arrivals.add(now);
              }
            }

            @Override
            public void onError(Throwable error) {
              arrivals.add(-1L);
            }
          });
      int warmup = Math.min(500, samples);
      long[] micros = new long[samples];
      for (int i = -warmup; i < samples; i++) {
        long start = System.nanoTime();
        a.collection("notes").putJson("k" + (i + warmup), "{\"i\":" + i + "}");
        if (!a.syncNow().blockingGet().isSuccess()) {
          throw new IllegalStateException("push failed");
        }
        Long at = arrivals.poll(30, TimeUnit.SECONDS);
        if (at == null || at < 0) {
          throw new IllegalStateException("the live stream failed or stalled");
        }
        if (i >= 0) {
          micros[i] = (at - start) / 1000;
        }
      }
      b.close();
      a.close();
      Arrays.sort(micros);
      return new Result(
          samples,
          micros[(int) Math.min(samples - 1, Math.floor(samples * 0.50))],
          micros[(int) Math.min(samples - 1, Math.floor(samples * 0.99))],
          micros[samples - 1]);
    } finally {
      grpc.close();
      server.close();
    }
  }
}
