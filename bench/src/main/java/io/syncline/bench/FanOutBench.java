package io.syncline.bench;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.reactivex.rxjava3.disposables.Disposable;
import io.syncline.engine.SyncEngine;
import io.syncline.engine.SyncResult;
import io.syncline.spi.FeedPage;
import io.syncline.store.jdbc.JdbcStore;
import io.syncline.store.memory.MemoryStore;
import io.syncline.transport.grpc.GrpcSyncTransport;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Fan-out: one server (PostgreSQL) and many clients in one process, all syncing at once. Clients
 * come in pairs sharing a scope (two devices of one user), so each sync pushes the client's own
 * writes and pulls its partner's. Each round, every client writes a few records, then all clients
 * start a sync at the same instant; a sync's latency is from that instant to its end, queueing
 * included.
 *
 * <p>To hold a thousand clients, the process shares what real devices would each own: the clients
 * are spread over a few gRPC channels ({@code perChannel} clients each, within the server's
 * concurrent-call limit per connection), all on one Netty event loop group of two threads; each
 * client keeps its own engine and in-memory store, and syncs on RxJava's I/O threads (the SPI
 * blocks, so a sync in flight holds a thread).
 *
 * <pre>
 * mvn -B -pl bench -am package -DskipTests exec:exec@fanout -Dbench.args="clients=1000"
 * </pre>
 *
 * Arguments: {@code clients} (1,000, even), {@code writes} per client per round (10), {@code
 * rounds} (5; the first warms up and is not counted), {@code perChannel} (50).
 */
public final class FanOutBench {

  /** Changes per second (pushed and pulled, all clients), latency percentiles in ms (medians). */
  public record Result(
      String args,
      int clients,
      int channels,
      int writes,
      int rounds,
      double changesPerSecond,
      double p50,
      double p99,
      double max) {}

  private FanOutBench() {}

  public static void main(String[] argv) throws Exception {
    Args args = Args.parse(argv);
    int clients = args.integer("clients", 1000);
    int writes = args.integer("writes", 10);
    int rounds = args.integer("rounds", 5);
    int perChannel = args.integer("perChannel", 50);
    args.checkAllUsed();
    try (BenchPostgres pg = BenchPostgres.start()) {
      System.out.println(
          format(run(pg.db(), args.toString(), clients, writes, rounds, perChannel)));
    }
  }

  /** Runs {@code rounds} rounds (the first a warm-up) and checks that every pair converged. */
  public static Result run(
      BenchPostgres.Db db, String argsText, int clients, int writes, int rounds, int perChannel)
      throws Exception {
    if (clients < 2 || clients % 2 != 0 || writes < 1 || rounds < 2 || perChannel < 1) {
      throw new IllegalArgumentException(
          "clients even and >= 2, writes >= 1, rounds >= 2, perChannel >= 1");
    }
    int channelCount = (clients + perChannel - 1) / perChannel;
    NioEventLoopGroup loop = new NioEventLoopGroup(2);
    List<ManagedChannel> channels = new ArrayList<>();
    List<SyncEngine> engines = new ArrayList<>();
    List<MemoryStore> stores = new ArrayList<>();
    try (JdbcStore serverStore =
            JdbcStore.builder()
                .postgres(db.url(), db.user(), db.password())
                .schema(BenchPostgres.freshSchema("fanout"))
                .maxConnections(10)
                .build();
        Nodes.Server server = Nodes.server(serverStore, 1000, Math.max(100, perChannel * 2))) {
      for (int c = 0; c < channelCount; c++) {
        channels.add(
            NettyChannelBuilder.forTarget("127.0.0.1:" + server.port())
                .usePlaintext()
                .eventLoopGroup(loop)
                .channelType(NioSocketChannel.class)
                .maxInboundMessageSize(64 << 20)
                .build());
      }
      for (int i = 0; i < clients; i++) {
        GrpcSyncTransport t =
            GrpcSyncTransport.builder()
                .channel(channels.get(i / perChannel))
                .bearerToken(Nodes.TOKEN)
                .build();
        MemoryStore store = new MemoryStore();
        stores.add(store);
        engines.add(
            Nodes.engine("c" + i, store, 1000)
                .defaultScope(scope(i))
                .peer(Nodes.serverPeer(t, scope(i)))
                .build());
      }
      List<Double> tput = new ArrayList<>();
      List<Double> p50 = new ArrayList<>();
      List<Double> p99 = new ArrayList<>();
      List<Double> max = new ArrayList<>();
      for (int round = 0; round < rounds; round++) {
        for (int i = 0; i < clients; i++) {
          TreeMap<String, String> docs = new TreeMap<>();
          for (int w = 0; w < writes; w++) {
            int n = round * writes + w;
            docs.put("c" + i + "-" + n, Payloads.json(n, 0));
          }
          var col = engines.get(i).collection(Payloads.COLLECTION);
          docs.forEach(col::putJson);
        }
        long[] latencies = new long[clients];
        AtomicInteger moved = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(clients);
        List<Disposable> subs = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < clients; i++) {
          int k = i;
          subs.add(
              engines
                  .get(i)
                  .syncNow()
                  .subscribe(
                      r -> {
                        latencies[k] = System.nanoTime() - start;
                        check(r, failure);
                        moved.addAndGet(r.pushed() + r.pulled());
                        done.countDown();
                      },
                      e -> {
                        failure.compareAndSet(null, e);
                        done.countDown();
                      }));
        }
        if (!done.await(300, TimeUnit.SECONDS)) {
          throw new IllegalStateException("round " + round + " did not finish in 300 s");
        }
        long wall = System.nanoTime() - start;
        if (failure.get() != null) {
          throw new IllegalStateException("a client's sync failed", failure.get());
        }
        if (round > 0) {
          tput.add(moved.get() / (wall / 1e9));
          p50.add(Stats.percentile(latencies, 50) / 1e6);
          p99.add(Stats.percentile(latencies, 99) / 1e6);
          max.add(Stats.percentile(latencies, 100) / 1e6);
        }
      }
      // Converged: one more sync each, then every client holds both partners' writes.
      for (SyncEngine e : engines) {
        check(e.syncNow().blockingGet(), new AtomicReference<>());
      }
      int expected = 2 * writes * rounds;
      for (int i = 0; i < clients; i++) {
        FeedPage page = stores.get(i).readFeed(scope(i), 0, expected + 1, Long.MAX_VALUE, null);
        if (page.changes().size() != expected) {
          throw new IllegalStateException(
              "client " + i + " holds " + page.changes().size() + " of " + expected);
        }
      }
      return new Result(
          argsText,
          clients,
          channelCount,
          writes,
          rounds - 1,
          Stats.median(tput),
          Stats.median(p50),
          Stats.median(p99),
          Stats.median(max));
    } finally {
      engines.forEach(SyncEngine::close);
      for (ManagedChannel ch : channels) {
        ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }
  }

  private static void check(SyncResult r, AtomicReference<Throwable> failure) {
    if (!r.isSuccess()) {
      failure.compareAndSet(null, new IllegalStateException("sync did not succeed: " + r));
    }
  }

  private static String scope(int client) {
    return "pair-" + client / 2;
  }

  /** The table the main prints. */
  public static String format(Result r) {
    return String.format(
        Locale.ROOT,
        "fan-out: one server (PostgreSQL), %d clients (memory stores) in pairs, on %d shared gRPC"
            + " channels; each round every client writes %d records, then all sync at once%n"
            + "medians of %d rounds; args: %s%n"
            + "throughput %.0f changes/s (pushed + pulled); sync latency from the common start:"
            + " p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
        r.clients(),
        r.channels(),
        r.writes(),
        r.rounds(),
        r.args(),
        r.changesPerSecond(),
        r.p50(),
        r.p99(),
        r.max());
  }
}
