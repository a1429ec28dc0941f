package io.syncline.bench.jmh;

import io.syncline.bench.BenchPostgres;
import io.syncline.bench.Nodes;
import io.syncline.bench.Payloads;
import io.syncline.spi.Checkpoint;
import io.syncline.spi.FeedPage;
import io.syncline.spi.Payload;
import io.syncline.spi.RecordId;
import io.syncline.spi.SyncRecord;
import io.syncline.spi.SyncStore;
import io.syncline.spi.Version;
import io.syncline.spi.WriteSet;
import io.syncline.store.jdbc.JdbcStore;
import io.syncline.store.memory.MemoryStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A store's two hot paths in a sync: {@code apply} of a pulled batch of 1,000 new records with its
 * checkpoint (one transaction), and {@code readFeed} of a 1,000-change page. Scores are records per
 * second. SQLite and PostgreSQL run durable (synchronous=FULL; fsync on).
 *
 * <pre>
 * mvn -B -pl bench -am package -DskipTests exec:exec@jmh -Djmh.args="StoreApplyBench"
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(1)
public class StoreApplyBench {
  static final int BATCH = 1000;

  @Param({"memory", "sqlite", "postgres"})
  public String store;

  private BenchPostgres pg;
  private Path dir;
  private SyncStore s;
  private long next;
  private long stamp;
  private long feedCursor;

  @Setup(Level.Trial)
  public void open() throws Exception {
    dir = Files.createTempDirectory("syncline-jmh");
    switch (store) {
      case "memory" -> s = new MemoryStore();
      case "sqlite" -> s = JdbcStore.sqlite(dir.resolve("store.db"));
      case "postgres" -> {
        pg = BenchPostgres.start();
        s =
            JdbcStore.builder()
                .postgres(pg.url(), pg.user(), pg.user())
                .schema(BenchPostgres.freshSchema("jmh"))
                .build();
      }
      default -> throw new IllegalArgumentException(store);
    }
    stamp = Version.of(1_700_000_000_000L, 0, "peer").stamp();
    // Something to read: 20 pages.
    for (int i = 0; i < 20; i++) {
      apply();
    }
  }

  @TearDown(Level.Trial)
  public void close() throws Exception {
    s.close();
    if (pg != null) {
      pg.close();
    }
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** Applies 1,000 new records and the pull cursor, as a pull does. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public Object apply() {
    WriteSet.Builder b = WriteSet.builder();
    for (int i = 0; i < BATCH; i++) {
      long n = next++;
      b.write(
          SyncRecord.live(
              RecordId.of(Payloads.COLLECTION, Payloads.key((int) n)),
              Nodes.SCOPE,
              new Version(stamp + n, "peer"),
              Payload.utf8(Payloads.json((int) n, 0))),
          "peer");
    }
    b.checkpoint(new Checkpoint("peer", Nodes.SCOPE, next, 0, "epoch"));
    return s.apply(b.build());
  }

  /** Reads a 1,000-change page, cycling over the first 20,000 changes. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public FeedPage readFeed() {
    FeedPage p = s.readFeed(Nodes.SCOPE, feedCursor, BATCH, 64L << 20, null);
    feedCursor = p.hasMore() && feedCursor < 19 * BATCH ? p.nextCursor() : 0;
    return p;
  }
}
