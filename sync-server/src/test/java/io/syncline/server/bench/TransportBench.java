package io.syncline.server.bench;

import io.reactivex.rxjava3.schedulers.Schedulers;
import io.syncline.engine.Peer;
import io.syncline.engine.SyncEngine;
import io.syncline.engine.SyncResult;
import io.syncline.spi.Authenticator;
import io.syncline.spi.SyncTransport;
import io.syncline.store.memory.MemoryStore;
import io.syncline.testkit.LoopbackTransport;
import io.syncline.transport.grpc.GrpcServerLimits;
import io.syncline.transport.grpc.GrpcSyncServer;
import io.syncline.transport.grpc.GrpcSyncTransport;
import io.syncline.transport.http.HttpSyncServer;
import io.syncline.transport.http.HttpSyncTransport;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Push throughput client → server with memory stores, over HTTP and over gRPC on 127.0.0.1, next to
 * the engine over the in-process loopback transport, in one run: rounds interleave the three so
 * that the shared machine's noise hits them alike, the first round warms up, and the figures are
 * medians with ratios to in-process.
 *
 * <pre>
 * mvn -q -B -pl sync-server -am test-compile exec:java@transport-bench -Dexec.args="200000 5"
 * </pre>
 */
public final class TransportBench {
  private static final String SCOPE = "bench";
  private static final String TOKEN = "bench-token";

  /** The transports compared. */
  public enum Kind {
    IN_PROCESS,
    HTTP,
    GRPC
  }

  private TransportBench() {}

  public static void main(String[] args) throws IOException {
    int changes = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Map<Kind, Double> r = run(changes, runs);
    System.out.printf(
        Locale.ROOT,
        "push throughput, %d changes per run, median of %d runs (memory stores, 127.0.0.1)%n",
        changes,
        runs);
    System.out.printf(Locale.ROOT, "%-12s %14s %10s%n", "transport", "changes/s", "ratio");
    for (Map.Entry<Kind, Double> e : r.entrySet()) {
      System.out.printf(
          Locale.ROOT,
          "%-12s %14.0f %10.2f%n",
          e.getKey().name().toLowerCase(Locale.ROOT).replace('_', '-'),
          e.getValue(),
          e.getValue() / r.get(Kind.IN_PROCESS));
    }
  }

  /** Medians of {@code runs} measured runs per transport, after one warm-up round. */
  public static Map<Kind, Double> run(int changes, int runs) throws IOException {
    if (changes < 1 || runs < 1) {
      throw new IllegalArgumentException("changes and runs must be positive");
    }
    Map<Kind, List<Double>> samples = new EnumMap<>(Kind.class);
    for (int i = 0; i <= runs; i++) {
      for (Kind k : Kind.values()) {
        double v = once(changes, k);
        if (i > 0) {
          samples.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
      }
    }
    Map<Kind, Double> out = new TreeMap<>();
    samples.forEach((k, v) -> out.put(k, median(v)));
    return out;
  }

  private static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    Collections.sort(s);
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }

  private static SyncEngine.Builder engine(String id, MemoryStore store) {
    return SyncEngine.builder()
        .replicaId(id)
        .store(store)
        .ioScheduler(Schedulers.trampoline())
        .defaultScope(SCOPE)
        .batchLimits(1000, 8L << 20);
  }

  /** One run: the changes are written first (not timed), then one sync pushes them all. */
  private static double once(int changes, Kind kind) throws IOException {
    MemoryStore serverStore = new MemoryStore();
    SyncEngine server = engine("server", serverStore).build();
    List<AutoCloseable> open = new ArrayList<>();
    try {
      SyncTransport transport;
      Authenticator auth = Authenticator.tokens(Map.of(TOKEN, "bench"));
      switch (kind) {
        case HTTP -> {
          HttpSyncServer s =
              HttpSyncServer.builder()
                  .port(0)
                  .handler(server.handler())
                  .authenticator(auth)
                  .build()
                  .start();
          open.add(s);
          HttpSyncTransport t =
              HttpSyncTransport.builder().baseUri(s.uri()).bearerToken(TOKEN).build();
          open.add(0, t);
          transport = t;
        }
        case GRPC -> {
          GrpcSyncServer s =
              GrpcSyncServer.builder()
                  .port(0)
                  .handler(server.handler())
                  .authenticator(auth)
                  .limits(
                      GrpcServerLimits.DEFAULT.withRate(100_000, 100_000, Duration.ofSeconds(1)))
                  .build()
                  .start();
          open.add(s);
          GrpcSyncTransport t =
              GrpcSyncTransport.builder().target(s.target()).bearerToken(TOKEN).build();
          open.add(0, t);
          transport = t;
        }
        default -> transport = new LoopbackTransport(server.handler());
      }
      SyncEngine client =
          engine("client", new MemoryStore()).peer(Peer.of("server", transport, SCOPE)).build();
      for (int from = 0; from < changes; from += 1000) {
        Map<String, String> chunk = new TreeMap<>();
        for (int i = from; i < Math.min(changes, from + 1000); i++) {
          chunk.put(
              "note-" + i,
              "{\"title\":\"note " + i + "\",\"body\":\"a short body of text\",\"n\":" + i + "}");
        }
        for (Map.Entry<String, String> e : chunk.entrySet()) {
          client.collection("notes").putJson(e.getKey(), e.getValue());
        }
      }
      long start = System.nanoTime();
      SyncResult r = client.syncNow().blockingGet();
      long nanos = System.nanoTime() - start;
      if (!r.isSuccess() || r.pushed() != changes || serverStore.headSeq() != changes) {
        throw new IllegalStateException(kind + " run did not push everything: " + r);
      }
      client.close();
      return changes / (nanos / 1e9);
    } finally {
      for (AutoCloseable c : open) {
        try {
          c.close();
        } catch (Exception e) {
          throw new IOException("closing " + c, e);
        }
      }
      server.close();
    }
  }
}
