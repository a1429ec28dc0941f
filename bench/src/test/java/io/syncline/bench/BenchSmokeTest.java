package io.syncline.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.syncline.testkit.Commands;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every harness once at a tiny size, so that none can rot: each run must complete, converge (the
 * harnesses check B against A themselves and throw if not) and report sane figures. The figures are
 * not judged against targets here; docs/benchmarks.md holds the full runs.
 */
class BenchSmokeTest {
  private static BenchPostgres pg;

  @BeforeAll
  static void startPostgres() {
    pg = BenchPostgres.start();
  }

  @AfterAll
  static void stopPostgres() {
    pg.close();
  }

  @Test
  void endToEndRunsAndReportsEveryHop() throws Exception {
    EndToEndBench.Result r = EndToEndBench.run(pg, "smoke", 2000, 1, 500, 5, 0, 120, true);

    assertThat(r.rawSqlite()).isPositive();
    assertThat(r.rawPostgres()).isPositive();
    assertThat(r.rawGrpc()).isPositive();
    assertThat(r.endToEnd()).isPositive();
    // Every change crossed both legs with its 200-byte payload.
    assertThat(r.bytesPerChangeA()).isGreaterThan(Payloads.SIZE);
    assertThat(r.bytesPerChangeB()).isGreaterThan(Payloads.SIZE);
    assertThat(r.rawGrpcBytesPerRecord()).isGreaterThan(Payloads.SIZE);
    // A 1% delta moves a small fraction of the full sync's bytes.
    assertThat(r.deltaBytesFraction()).isPositive().isLessThan(0.05);
    assertThat(r.noopMillisA()).isPositive();
    assertThat(r.noopBytes()).isPositive().isLessThan(10_000);
    assertThat(EndToEndBench.format(r)).contains("end to end", "no-op sync");
  }

  @Test
  void memoryStoreRunAppliesAndReadsBackEveryRecord() {
    MemoryStoreBench.Result r = MemoryStoreBench.run(3000, 100, 2);
    assertThat(r.applyFastest()).isPositive().isLessThanOrEqualTo(r.applyMedian());
    assertThat(r.readFastest()).isPositive().isLessThanOrEqualTo(r.readMedian());
    assertThat(r.ownFastest()).isPositive().isLessThanOrEqualTo(r.ownMedian());
    assertThat(MemoryStoreBench.format(r)).contains("apply", "readFeed", "readOwn");
  }

  @Test
  void grpcThroughputReportsTheEngineAndTheRawStream() throws Exception {
    boolean threads = ThreadCpu.available();
    GrpcThroughputBench.Result r = GrpcThroughputBench.run(2000, 1, 1, 100, threads);
    assertThat(r.grpc()).isPositive();
    assertThat(r.raw()).isPositive();
    // Every row has a throughput: the engine's server took every batch from the raw client, and
    // from the feed-reading thread (else run would have thrown).
    assertThat(r.perSecond()).containsOnlyKeys(GrpcThroughputBench.ROWS);
    assertThat(r.perSecond().values()).allSatisfy(v -> assertThat(v).isPositive());
    // One ratio per measured round, each that round's engine against that round's raw stream.
    assertThat(r.roundRatios()).hasSize(1);
    assertThat(r.roundRatios().get(0)).isPositive();
    assertThat(GrpcThroughputBench.format(r))
        .contains("raw gRPC stream")
        .contains("engine over gRPC")
        .contains(GrpcThroughputBench.SERVER_ALONE)
        .contains(GrpcThroughputBench.NO_TRANSPORT)
        .contains("round by round");
    if (ProcessCpu.available()) {
      // Each transport's CPU per million changes, the raw stream's included, and its ratio.
      assertThat(r.cpu()).containsOnlyKeys(GrpcThroughputBench.ROWS);
      // The JVM may count process CPU in clock ticks (10 ms on Linux): a short phase can read 0.
      assertThat(r.cpu().values()).allSatisfy(ms -> assertThat(ms).isNotNegative());
      assertThat(GrpcThroughputBench.format(r)).contains("CPU ms per 1M", "CPU ratio");
    }
    if (threads) {
      // The push thread applied the batches; the client's thread read and sent them.
      assertThat(r.threadMillis())
          .containsKeys("wall", "server push thread", "client (main) thread")
          .containsKey("server push thread: waiting for a core (ms)");
      assertThat(GrpcThroughputBench.formatThreads(r)).contains("server push thread");
    }
  }

  @Test
  void memoryRunCompletesInASmallHeap() throws Exception {
    MemoryBench.Result r = MemoryBench.run(pg.db(), "smoke", 20_000, "128m", 1000, 300, false);

    assertThat(r.completed()).as(r.failure()).isTrue();
    assertThat(r.maxAfterGcBytes()).isPositive().isLessThanOrEqualTo(128L << 20);
    assertThat(r.heapMaxBytes()).isLessThanOrEqualTo(128L << 20);
    assertThat(r.changesPerSecond()).isPositive();
  }

  @Test
  void liveLatencyIsMeasuredForEveryChange() throws Exception {
    LiveLatencyBench.Result r =
        LiveLatencyBench.run(
            pg.db(), "smoke", 500, 50, 10, 1, false, io.syncline.store.jdbc.SqliteSync.FULL);

    assertThat(r.p50()).isPositive();
    assertThat(r.p99()).isGreaterThanOrEqualTo(r.p50());
    assertThat(r.max()).isGreaterThanOrEqualTo(r.p99());
    assertThat(r.achievedRate()).isPositive();
  }

  @Test
  void fanOutServesEveryClientAndConverges() throws Exception {
    FanOutBench.Result r = FanOutBench.run(pg.db(), "smoke", 10, 3, 2, 4);

    assertThat(r.channels()).isEqualTo(3);
    assertThat(r.changesPerSecond()).isPositive();
    assertThat(r.p99()).isGreaterThanOrEqualTo(r.p50()).isPositive();
  }

  @Test
  void pouchDbRunsSideBySideWithTheSameRecords() throws Exception {
    // CI (.ci/run) installs node and runs npm ci in bench/pouchdb before the build.
    assumeTrue(Commands.available("node"), "node is not installed");
    PouchDbBench.Result r = PouchDbBench.run(pg.db(), "smoke", 1000, 250, 3, 1, 300);

    for (PouchDbBench.Side side : new PouchDbBench.Side[] {r.syncline(), r.pouchdb()}) {
      assertThat(side.changesPerSecond()).isPositive();
      assertThat(side.bytesPerChange()).isGreaterThan(Payloads.SIZE);
      assertThat(side.deltaBytesFraction()).isPositive().isLessThan(0.5);
      assertThat(side.noopMillis()).isPositive();
    }
    assertThat(PouchDbBench.format(r)).contains("PouchDB", "Syncline");
  }
}
