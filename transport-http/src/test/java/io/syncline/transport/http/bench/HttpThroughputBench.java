package io.syncline.transport.http.bench;

import io.reactivex.rxjava3.schedulers.Schedulers;
import io.syncline.engine.Peer;
import io.syncline.engine.SyncEngine;
import io.syncline.engine.SyncResult;
import io.syncline.spi.Authenticator;
import io.syncline.spi.SyncTransport;
import io.syncline.store.memory.MemoryStore;
import io.syncline.testkit.LoopbackTransport;
import io.syncline.transport.http.HttpSyncServer;
import io.syncline.transport.http.HttpSyncTransport;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Push throughput, client to server, in changes per second: the engine over HTTP on 127.0.0.1
 * (Netty server, {@code java.net.http} client, bearer auth, gzip) next to the same engine over the
 * in-process {@link LoopbackTransport}, both on memory stores, in one run. Medians of several runs
 * after a warm-up.
 *
 * <pre>
 * mvn -f transport-http/pom.xml test-compile exec:java@bench -Dexec.args="20000 5"
 * </pre>
 *
 * Arguments: changes per run (default 20000), measured runs per transport (default 5).
 */
public final class HttpThroughputBench {
  private static final String SCOPE = "bench";
  private static final String TOKEN = "bench-token";

  /** Medians in changes per second; {@code grpc} is absent until transport-grpc exists. */
  public record Result(int changes, int runs, double inProcess, double http) {
    /** HTTP throughput as a fraction of in-process throughput. */
    public double httpRatio() {
      return http / inProcess;
    }
  }

  private HttpThroughputBench() {}

  public static void main(String[] args) throws IOException {
    int changes = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Result r = run(changes, runs);
    System.out.println(format(r));
  }

  /** The table the main prints. */
  public static String format(Result r) {
    return String.format(
        Locale.ROOT,
        "push throughput, %d changes per run, median of %d runs (memory stores, 127.0.0.1)%n"
            + "%-12s %14s %10s%n"
            + "%-12s %14.0f %10.2f%n"
            + "%-12s %14.0f %10.2f%n"
            + "%-12s %14s %10s%n",
        r.changes(),
        r.runs(),
        "transport",
        "changes/s",
        "ratio",
        "in-process",
        r.inProcess(),
        1.0,
        "http",
        r.http(),
        r.httpRatio(),
        "grpc",
        "n/a",
        "(TransportBench in sync-server measures it beside http)");
  }

  /** Measures both transports: one warm-up run each, then {@code runs} measured runs each. */
  public static Result run(int changes, int runs) throws IOException {
    if (changes < 1 || runs < 1) {
      throw new IllegalArgumentException("changes and runs must be positive");
    }
    List<Double> inProcess = new ArrayList<>();
    List<Double> http = new ArrayList<>();
    for (int i = 0; i <= runs; i++) {
      double a = once(changes, false);
      double b = once(changes, true);
      if (i > 0) { // the first round warms the JIT up
        inProcess.add(a);
        http.add(b);
      }
    }
    return new Result(changes, runs, median(inProcess), median(http));
  }

  private static double median(List<Double> xs) {
    List<Double> sorted = new ArrayList<>(xs);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static SyncEngine.Builder engine(String id, MemoryStore store) {
    return SyncEngine.builder()
        .replicaId(id)
        .store(store)
        .ioScheduler(Schedulers.trampoline())
        .defaultScope(SCOPE)
        .batchLimits(1000, 8L << 20);
  }

  /** One run: the changes are written first, then one sync pushes them all; changes/s. */
  private static double once(int changes, boolean overHttp) throws IOException {
    MemoryStore serverStore = new MemoryStore();
    SyncEngine server = engine("server", serverStore).build();
    HttpSyncServer httpServer = null;
    HttpSyncTransport httpTransport = null;
    try {
      SyncTransport transport;
      if (overHttp) {
        httpServer =
            HttpSyncServer.builder()
                .port(0)
                .handler(server.handler())
                .authenticator(Authenticator.tokens(Map.of(TOKEN, "bench")))
                .build()
                .start();
        httpTransport =
            HttpSyncTransport.builder().baseUri(httpServer.uri()).bearerToken(TOKEN).build();
        transport = httpTransport;
      } else {
        transport = new LoopbackTransport(server.handler());
      }
      SyncEngine client =
          engine("client", new MemoryStore()).peer(Peer.of("server", transport, SCOPE)).build();
      for (int i = 0; i < changes; i++) {
        client
            .collection("notes")
            .putJson(
                "note-" + i,
                "{\"title\":\"note " + i + "\",\"body\":\"a short body of text\",\"n\":" + i + "}");
      }
      long start = System.nanoTime();
      SyncResult r = client.syncNow().blockingGet();
      long nanos = System.nanoTime() - start;
      if (!r.isSuccess() || r.pushed() != changes || serverStore.headSeq() != changes) {
        throw new IllegalStateException("bench run did not push everything: " + r);
      }
      client.close();
      return changes / (nanos / 1e9);
    } finally {
      if (httpTransport != null) {
        httpTransport.close();
      }
      if (httpServer != null) {
        httpServer.close();
      }
      server.close();
    }
  }
}
