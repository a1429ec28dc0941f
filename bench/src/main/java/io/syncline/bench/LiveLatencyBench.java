package io.syncline.bench;

import io.reactivex.rxjava3.disposables.Disposable;
import io.syncline.engine.SyncEngine;
import io.syncline.engine.SyncPolicy;
import io.syncline.engine.SyncResult;
import io.syncline.store.jdbc.JdbcStore;
import io.syncline.store.jdbc.SqliteSync;
import io.syncline.transport.grpc.GrpcSyncTransport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Live latency: A (SQLite) writes at a steady rate, one record per transaction, and pushes as soon
 * as it has written (a pusher thread runs {@code syncNow()} whenever writes are waiting, so one
 * push carries every write made while the previous one ran); the server (PostgreSQL) applies and
 * its live stream tells B (SQLite), which pulls. Latency is from A's commit (the write call
 * returned) to B's store having applied it (B's change event), both read from one clock in one
 * process.
 *
 * <pre>
 * mvn -B -pl bench -am package -DskipTests exec:exec@latency -Dbench.args="rate=1000 seconds=30"
 * </pre>
 *
 * Arguments: {@code rate} changes per second (1,000), {@code seconds} measured (30), {@code warmup}
 * seconds before measuring (3), {@code runs} (3; medians of the runs' percentiles).
 */
public final class LiveLatencyBench {

  /** Percentiles in milliseconds (medians over runs), and the write rate A reached. */
  public record Result(
      String args,
      int rate,
      int changes,
      int runs,
      double achievedRate,
      double p50,
      double p99,
      double max) {}

  private LiveLatencyBench() {}

  public static void main(String[] argv) throws Exception {
    Args args = Args.parse(argv);
    int rate = args.integer("rate", 1000);
    int seconds = args.integer("seconds", 30);
    int warmup = args.integer("warmup", 3);
    int runs = args.integer("runs", 3);
    boolean background = args.text("push", "loop").equals("background");
    SqliteSync sync = SqliteSync.valueOf(args.text("sqliteSync", "FULL"));
    args.checkAllUsed();
    try (BenchPostgres pg = BenchPostgres.start()) {
      System.out.println(
          format(
              run(
                  pg.db(),
                  args.toString(),
                  rate,
                  rate * seconds,
                  rate * warmup,
                  runs,
                  background,
                  sync)));
    }
  }

  /** {@code runs} runs of {@code warmup + changes} paced writes each. */
  public static Result run(
      BenchPostgres.Db db,
      String argsText,
      int rate,
      int changes,
      int warmup,
      int runs,
      boolean background,
      SqliteSync sync)
      throws Exception {
    if (rate < 1 || changes < 1 || warmup < 0 || runs < 1) {
      throw new IllegalArgumentException("rate, changes, runs >= 1; warmup >= 0");
    }
    double[][] r = new double[4][runs];
    for (int i = 0; i < runs; i++) {
      double[] one = once(db, rate, changes, warmup, background, sync);
      for (int k = 0; k < 4; k++) {
        r[k][i] = one[k];
      }
    }
    return new Result(
        argsText, rate, changes, runs, median(r[0]), median(r[1]), median(r[2]), median(r[3]));
  }

  private static double median(double[] xs) {
    return Stats.median(Arrays.stream(xs).boxed().toList());
  }

  /** One run: {achieved rate, p50 ms, p99 ms, max ms}. */
  private static double[] once(
      BenchPostgres.Db db, int rate, int changes, int warmup, boolean background, SqliteSync sync)
      throws Exception {
    Path dir = Files.createTempDirectory("syncline-latency");
    int total = warmup + changes;
    long[] committed = new long[total];
    AtomicLongArray applied = new AtomicLongArray(total);
    try (JdbcStore storeA =
            JdbcStore.builder().sqlite(dir.resolve("a.db")).sqliteSync(sync).build();
        JdbcStore storeB =
            JdbcStore.builder().sqlite(dir.resolve("b.db")).sqliteSync(sync).build();
        JdbcStore serverStore =
            JdbcStore.builder()
                .postgres(db.url(), db.user(), db.password())
                .schema(BenchPostgres.freshSchema("live"))
                .build();
        Nodes.Server server = Nodes.server(serverStore, 1000, 100);
        GrpcSyncTransport transportA = Nodes.client("127.0.0.1:" + server.port());
        GrpcSyncTransport transportB = Nodes.client("127.0.0.1:" + server.port());
        SyncEngine a =
            Nodes.engine("a", storeA, 1000)
                .peer(Nodes.serverPeer(transportA).pushOnly())
                .syncPolicy(SyncPolicy.builder().localChangeDebounce(Duration.ZERO).build())
                .build();
        SyncEngine b =
            Nodes.engine("b", storeB, 1000).peer(Nodes.serverPeer(transportB).pullOnly()).build()) {
      Disposable events =
          b.changes()
              .subscribe(
                  e -> {
                    if (e.remote()) {
                      int i = index(e.id().key());
                      if (i >= 0 && i < total) {
                        applied.compareAndSet(i, 0, System.nanoTime());
                      }
                    }
                  });
      b.startLive();
      // The first sync of each opens its connection; then start writing.
      a.syncNow().blockingGet();
      b.syncNow().blockingGet();
      Semaphore waiting = new Semaphore(0);
      AtomicBoolean writing = new AtomicBoolean(true);
      AtomicReference<Throwable> pushFailure = new AtomicReference<>();
      Thread pusher =
          new Thread(
              () -> {
                try {
                  while (writing.get() || waiting.availablePermits() > 0) {
                    waiting.acquire();
                    waiting.drainPermits();
                    SyncResult r = a.syncNow().blockingGet();
                    if (!r.isSuccess()) {
                      throw new IllegalStateException("A's push failed: " + r);
                    }
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                  pushFailure.set(e);
                }
              },
              "pusher");
      if (background) {
        a.enableBackgroundSync();
      } else {
        pusher.start();
      }
      var docs = a.collection(Payloads.COLLECTION);
      long intervalNanos = TimeUnit.SECONDS.toNanos(1) / rate;
      long start = System.nanoTime();
      for (int i = 0; i < total; i++) {
        long due = start + i * intervalNanos;
        long now;
        while ((now = System.nanoTime()) < due) {
          LockSupport.parkNanos(due - now);
        }
        docs.putJson(key(i), Payloads.json(i, 0));
        committed[i] = System.nanoTime();
        waiting.release();
      }
      double achieved = total / ((System.nanoTime() - start) / 1e9);
      writing.set(false);
      waiting.release();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      for (int i = 0; i < total; i++) {
        while (applied.get(i) == 0) {
          if (System.nanoTime() > deadline || pushFailure.get() != null) {
            throw new IllegalStateException(
                "change " + i + " never reached B; A's status: " + a.currentStatus(),
                pushFailure.get());
          }
          Thread.sleep(1);
        }
      }
      events.dispose();
      pusher.join(10_000);
      long[] lat = new long[changes];
      for (int i = 0; i < changes; i++) {
        lat[i] = applied.get(warmup + i) - committed[warmup + i];
      }
      return new double[] {
        achieved,
        Stats.percentile(lat, 50) / 1e6,
        Stats.percentile(lat, 99) / 1e6,
        Stats.percentile(lat, 100) / 1e6
      };
    } finally {
      Trip.deleteTree(dir);
    }
  }

  private static String key(int i) {
    return "live" + Payloads.key(i);
  }

  private static int index(String key) {
    return key.startsWith("live") ? Integer.parseInt(key.substring(5)) : -1;
  }

  /** The table the main prints. */
  public static String format(Result r) {
    return String.format(
        Locale.ROOT,
        "live latency A (SQLite) -> server (PostgreSQL) -> B (SQLite) over gRPC, commit on A to"
            + " applied on B%n%d changes per run at %d/s (A reached %.0f/s), medians of %d runs;"
            + " args: %s%n"
            + "p50 %.2f ms, p99 %.2f ms, max %.2f ms (target p99 < 50 ms: %s)%n",
        r.changes(),
        r.rate(),
        r.achievedRate(),
        r.runs(),
        r.args(),
        r.p50(),
        r.p99(),
        r.max(),
        r.p99() < 50 ? "met" : "MISSED");
  }
}
