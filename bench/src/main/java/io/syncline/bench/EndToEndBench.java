package io.syncline.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * End to end: client A (SQLite) → gRPC → server (PostgreSQL) → gRPC → client B (SQLite), next to
 * the raw limit of each hop measured in the same run, then a 1% delta and no-op syncs. Every round
 * measures everything once; the table shows medians over the rounds (after one small warm-up
 * round).
 *
 * <pre>
 * mvn -B -pl bench -am package -DskipTests exec:exec@e2e -Dbench.args="records=1000000 runs=3"
 * </pre>
 *
 * Arguments: {@code records} (1,000,000), {@code runs} (3), {@code batch} changes per batch and per
 * JDBC batch (1,000), {@code noops} no-op syncs per client per round (50), {@code warmup} records
 * of the warm-up round (20,000; 0 for none), {@code timeout} seconds per trip (1,800).
 */
public final class EndToEndBench {

  /** Medians over the runs. Rates are records per second; times in milliseconds. */
  public record Result(
      String args,
      int records,
      int runs,
      double rawSqlite,
      double rawPostgres,
      double rawGrpc,
      double rawGrpcBytesPerRecord,
      double endToEnd,
      double pushDoneRate,
      double fillRate,
      double bytesPerChange,
      double bytesPerChangeA,
      double bytesPerChangeB,
      double fullMillis,
      double deltaMillis,
      double deltaBytesFraction,
      double deltaTimeFraction,
      double noopMillisA,
      double noopMillisB,
      double noopBytes) {

    /** The slowest raw hop, records per second. */
    public double slowestRaw() {
      return Math.min(rawSqlite, Math.min(rawPostgres, rawGrpc));
    }
  }

  private EndToEndBench() {}

  public static void main(String[] argv) throws Exception {
    Args args = Args.parse(argv);
    int records = args.integer("records", 1_000_000);
    int runs = args.integer("runs", 3);
    int batch = args.integer("batch", 1000);
    int noops = args.integer("noops", 50);
    int warmup = args.integer("warmup", 20_000);
    int timeout = args.integer("timeout", 1800);
    boolean live = !args.text("mode", "live").equals("sequential");
    args.checkAllUsed();
    try (BenchPostgres pg = BenchPostgres.start()) {
      System.out.println(
          format(run(pg, args.toString(), records, runs, batch, noops, warmup, timeout, live)));
    }
  }

  /** Runs a warm-up round (if {@code warmup > 0}) and {@code runs} measured rounds. */
  public static Result run(
      BenchPostgres pg,
      String argsText,
      int records,
      int runs,
      int batch,
      int noops,
      int warmup,
      int timeout,
      boolean live)
      throws Exception {
    if (records < 100 || runs < 1 || batch < 1 || noops < 1) {
      throw new IllegalArgumentException("records >= 100, runs, batch and noops >= 1");
    }
    if (warmup > 0) {
      round(pg, warmup, batch, Math.min(noops, 10), timeout, live);
    }
    List<double[]> rounds = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      rounds.add(round(pg, records, batch, noops, timeout, live));
    }
    double[] m = new double[rounds.get(0).length];
    for (int k = 0; k < m.length; k++) {
      List<Double> xs = new ArrayList<>();
      for (double[] r : rounds) {
        xs.add(r[k]);
      }
      m[k] = Stats.median(xs);
    }
    return new Result(
        argsText, records, runs, m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7], m[8], m[9], m[10],
        m[11], m[12], m[13], m[14], m[15], m[16]);
  }

  /** One round: the raw hops, then the trip; the figures in {@link Result}'s order. */
  private static double[] round(
      BenchPostgres pg, int records, int batch, int noops, int timeout, boolean live)
      throws Exception {
    Path dir = Files.createTempDirectory("syncline-e2e");
    try {
      double rawSqlite = records / (RawHops.sqlite(dir.resolve("raw.db"), records, batch) / 1e9);
      double rawPostgres = records / (RawHops.postgres(pg, records, batch) / 1e9);
      List<byte[]> messages = RawHops.pushMessages(records, batch);
      RawHops.Stream raw = RawHops.grpc(messages, 1, true);
      messages = null;
      double rawGrpc = records / (raw.nanos() / 1e9);
      Trip.Figures f = Trip.run(pg.db(), dir, records, batch, noops, timeout, live);
      return new double[] {
        rawSqlite,
        rawPostgres,
        rawGrpc,
        (double) raw.wireBytes() / records,
        f.changesPerSecond(),
        records / (f.pushDoneNanos() / 1e9),
        records / (f.fillNanos() / 1e9),
        (double) f.fullBytes() / records,
        (double) f.fullBytesA() / records,
        (double) f.fullBytesB() / records,
        f.fullNanos() / 1e6,
        f.deltaNanos() / 1e6,
        (double) f.deltaBytes() / f.fullBytes(),
        (double) f.deltaNanos() / f.fullNanos(),
        Stats.median(boxed(f.noopMillisA())),
        Stats.median(boxed(f.noopMillisB())),
        f.noopBytes()
      };
    } finally {
      Trip.deleteTree(dir);
    }
  }

  private static List<Double> boxed(double[] xs) {
    return new ArrayList<>(Arrays.stream(xs).boxed().toList());
  }

  /** The table the main prints. */
  public static String format(Result r) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "end to end: A (SQLite) -> gRPC -> server (PostgreSQL) -> gRPC -> B (SQLite)"
                + "%n%d records of %d bytes, medians of %d runs; args: %s%n%n",
            r.records(),
            Payloads.SIZE,
            r.runs(),
            r.args()));
    String row = "%-44s %14s %12s%n";
    String num = "%-44s %14.0f %12s%n";
    sb.append(String.format(Locale.ROOT, row, "hop", "records/s", "e2e / hop"));
    sb.append(line(num, "raw SQLite upsert (JDBC, one transaction)", r.rawSqlite(), r));
    sb.append(line(num, "raw PostgreSQL upsert (JDBC batches)", r.rawPostgres(), r));
    sb.append(line(num, "raw gRPC stream of the push messages", r.rawGrpc(), r));
    sb.append(
        String.format(
            Locale.ROOT,
            num,
            "end to end A -> server -> B",
            r.endToEnd(),
            String.format(Locale.ROOT, "%.2f", 1.0)));
    sb.append(String.format(Locale.ROOT, num, "  (A's push done at)", r.pushDoneRate(), ""));
    sb.append(
        String.format(Locale.ROOT, num, "  (A's local writes, before timing)", r.fillRate(), ""));
    sb.append(
        String.format(
            Locale.ROOT,
            "%nend to end %.0f changes/s vs target 45,000: %s; vs half the slowest raw hop"
                + " (%.0f): %s%n",
            r.endToEnd(),
            r.endToEnd() >= 45_000 ? "met" : "MISSED",
            r.slowestRaw() / 2,
            r.endToEnd() > r.slowestRaw() / 2 ? "met" : "MISSED"));
    sb.append(
        String.format(
            Locale.ROOT,
            "wire bytes per change: %.1f (A's leg %.1f, B's leg %.1f); raw stream %.1f per record"
                + " for one leg%n",
            r.bytesPerChange(),
            r.bytesPerChangeA(),
            r.bytesPerChangeB(),
            r.rawGrpcBytesPerRecord()));
    sb.append(
        String.format(
            Locale.ROOT,
            "full sync %.0f ms; 1%% delta %.0f ms = %.4f of the time, bytes %.4f of the full"
                + " sync's (target <= 0.011: %s)%n",
            r.fullMillis(),
            r.deltaMillis(),
            r.deltaTimeFraction(),
            r.deltaBytesFraction(),
            r.deltaBytesFraction() <= 0.011 ? "met" : "MISSED"));
    sb.append(
        String.format(
            Locale.ROOT,
            "no-op sync: A (push+pull) %.2f ms, B (pull) %.2f ms, %.0f bytes each (target < 5 ms:"
                + " %s)%n",
            r.noopMillisA(),
            r.noopMillisB(),
            r.noopBytes(),
            Math.max(r.noopMillisA(), r.noopMillisB()) < 5 ? "met" : "MISSED"));
    return sb.toString();
  }

  private static String line(String fmt, String name, double rate, Result r) {
    return String.format(
        Locale.ROOT, fmt, name, rate, String.format(Locale.ROOT, "%.2f", r.endToEnd() / rate));
  }
}
