package io.syncline.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Side by side with PouchDB, in one run and on the same terms: the same number of 200-byte records,
 * the same trip (A pushes to a server while B follows it live; done when B holds everything), then
 * the same 1% delta and no-op syncs, with every byte counted by the same {@link ByteCountingRelay}.
 * Syncline runs SQLite → gRPC → PostgreSQL → gRPC → SQLite; PouchDB runs LevelDB → HTTP →
 * express-pouchdb (LevelDB) → HTTP → LevelDB, driven by {@code pouchdb/replicate.js} under Node.
 * Needs {@code node} on the path and {@code npm ci} run in {@code bench/pouchdb}.
 *
 * <pre>
 * (cd bench/pouchdb &amp;&amp; npm ci)
 * mvn -B -pl bench -am package -DskipTests exec:exec@pouchdb -Dbench.args="records=100000"
 * </pre>
 *
 * Arguments: {@code records} (100,000), {@code batch} per push/pull batch on both sides (1,000),
 * {@code noops} (20), {@code runs} (1), {@code timeout} seconds per side (3,600).
 */
public final class PouchDbBench {

  /** One side's figures. Rates in records per second, times in ms. */
  public record Side(
      double changesPerSecond,
      double bytesPerChange,
      double deltaMillis,
      double deltaBytesFraction,
      double noopMillis) {}

  /** Both sides, medians over the runs. */
  public record Result(String args, int records, int runs, Side syncline, Side pouchdb) {}

  private PouchDbBench() {}

  public static void main(String[] argv) throws Exception {
    Args args = Args.parse(argv);
    int records = args.integer("records", 100_000);
    int batch = args.integer("batch", 1000);
    int noops = args.integer("noops", 20);
    int runs = args.integer("runs", 1);
    int timeout = args.integer("timeout", 3600);
    args.checkAllUsed();
    try (BenchPostgres pg = BenchPostgres.start()) {
      System.out.println(
          format(run(pg.db(), args.toString(), records, batch, noops, runs, timeout)));
    }
  }

  /** Runs both sides {@code runs} times, alternating. */
  public static Result run(
      BenchPostgres.Db db,
      String argsText,
      int records,
      int batch,
      int noops,
      int runs,
      int timeoutSeconds)
      throws Exception {
    if (records < 100 || batch < 1 || noops < 1 || runs < 1) {
      throw new IllegalArgumentException("records >= 100; batch, noops, runs >= 1");
    }
    Path script = script();
    Side[] ours = new Side[runs];
    Side[] theirs = new Side[runs];
    for (int i = 0; i < runs; i++) {
      Path dir = Files.createTempDirectory("syncline-side-by-side");
      try {
        Trip.Figures f = Trip.run(db, dir, records, batch, noops, timeoutSeconds);
        double[] noop = new double[2 * noops];
        System.arraycopy(f.noopMillisA(), 0, noop, 0, noops);
        System.arraycopy(f.noopMillisB(), 0, noop, noops, noops);
        ours[i] =
            new Side(
                f.changesPerSecond(),
                (double) f.fullBytes() / records,
                f.deltaNanos() / 1e6,
                (double) f.deltaBytes() / f.fullBytes(),
                Stats.median(Arrays.stream(noop).boxed().toList()));
      } finally {
        Trip.deleteTree(dir);
      }
      theirs[i] = pouch(script, records, batch, noops, timeoutSeconds);
    }
    return new Result(argsText, records, runs, median(ours), median(theirs));
  }

  private static Side median(Side[] s) {
    return new Side(
        Stats.median(Arrays.stream(s).map(Side::changesPerSecond).toList()),
        Stats.median(Arrays.stream(s).map(Side::bytesPerChange).toList()),
        Stats.median(Arrays.stream(s).map(Side::deltaMillis).toList()),
        Stats.median(Arrays.stream(s).map(Side::deltaBytesFraction).toList()),
        Stats.median(Arrays.stream(s).map(Side::noopMillis).toList()));
  }

  /** {@code pouchdb/replicate.js}, from the bench module's or the repository's directory. */
  static Path script() {
    for (Path p : new Path[] {Path.of("pouchdb"), Path.of("bench", "pouchdb")}) {
      if (Files.isRegularFile(p.resolve("replicate.js"))) {
        if (!Files.isDirectory(p.resolve("node_modules"))) {
          throw new IllegalStateException(
              "PouchDB is not installed: run npm ci in " + p.toAbsolutePath());
        }
        return p.resolve("replicate.js").toAbsolutePath();
      }
    }
    throw new IllegalStateException("pouchdb/replicate.js not found from the working directory");
  }

  private static Side pouch(Path script, int records, int batch, int noops, int timeoutSeconds)
      throws Exception {
    Path dir = Files.createTempDirectory("syncline-pouchdb");
    Process node =
        new ProcessBuilder(
                "node",
                script.toString(),
                "--dir",
                dir.toString(),
                "--records",
                Integer.toString(records),
                "--batch",
                Integer.toString(batch))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try (BufferedReader out =
            new BufferedReader(
                new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
        Writer in = new OutputStreamWriter(node.getOutputStream(), StandardCharsets.UTF_8)) {
      int port = Integer.parseInt(expect(out, "port")[1]);
      try (ByteCountingRelay relay = ByteCountingRelay.start(port)) {
        send(in, "relay " + relay.port());
        expect(out, "filled");
        long before = relay.totalBytes();
        send(in, "go initial");
        String[] initial = expect(out, "done");
        long fullBytes = relay.totalBytes() - before;
        before = relay.totalBytes();
        send(in, "go delta");
        String[] delta = expect(out, "done");
        long deltaBytes = relay.totalBytes() - before;
        send(in, "go noop " + noops);
        String[] noop = expect(out, "done");
        if (!node.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
          throw new IllegalStateException("the PouchDB side did not exit");
        }
        return new Side(
            records / (Double.parseDouble(initial[2]) / 1e3),
            (double) fullBytes / records,
            Double.parseDouble(delta[2]),
            (double) deltaBytes / fullBytes,
            Double.parseDouble(noop[2]));
      }
    } finally {
      node.destroyForcibly();
      Trip.deleteTree(dir);
    }
  }

  private static void send(Writer in, String line) throws IOException {
    in.write(line + "\n");
    in.flush();
  }

  private static String[] expect(BufferedReader out, String word) throws IOException {
    String line = out.readLine();
    if (line == null || !line.startsWith(word + " ")) {
      throw new IllegalStateException(
          "the PouchDB side said " + line + " where " + word + " was expected");
    }
    return line.split(" ");
  }

  /** The table the main prints. */
  public static String format(Result r) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "side by side: %d records of %d bytes, A -> server -> B (B live), 1%% delta, no-op;"
                + " medians of %d runs; args: %s%n"
                + "Syncline: SQLite -> gRPC -> PostgreSQL -> gRPC -> SQLite; PouchDB 9: LevelDB ->"
                + " HTTP -> express-pouchdb (LevelDB) -> HTTP -> LevelDB%n%n",
            r.records(),
            Payloads.SIZE,
            r.runs(),
            r.args()));
    String row = "%-34s %14s %14s %10s%n";
    sb.append(String.format(Locale.ROOT, row, "", "Syncline", "PouchDB", "ratio"));
    Side s = r.syncline();
    Side p = r.pouchdb();
    sb.append(
        line(row, "initial sync, changes/s", s.changesPerSecond(), p.changesPerSecond(), "%.0f"));
    sb.append(line(row, "wire bytes per change", s.bytesPerChange(), p.bytesPerChange(), "%.1f"));
    sb.append(line(row, "1% delta, ms", s.deltaMillis(), p.deltaMillis(), "%.0f"));
    sb.append(
        line(
            row,
            "1% delta bytes / full bytes",
            s.deltaBytesFraction(),
            p.deltaBytesFraction(),
            "%.4f"));
    sb.append(line(row, "no-op sync, ms (median)", s.noopMillis(), p.noopMillis(), "%.2f"));
    sb.append(
        String.format(
            Locale.ROOT,
            "%nthroughput %.1fx PouchDB's (target ~10x); bytes per change %s PouchDB's (target: no"
                + " more)%n",
            s.changesPerSecond() / p.changesPerSecond(),
            s.bytesPerChange() <= p.bytesPerChange() ? "<=" : "MORE THAN"));
    return sb.toString();
  }

  private static String line(String row, String name, double ours, double theirs, String fmt) {
    return String.format(
        Locale.ROOT,
        row,
        name,
        String.format(Locale.ROOT, fmt, ours),
        String.format(Locale.ROOT, fmt, theirs),
        String.format(Locale.ROOT, "%.2f", ours / theirs));
  }
}
