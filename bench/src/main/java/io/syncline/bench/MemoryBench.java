package io.syncline.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * Memory: the whole trip (A fills and pushes, the server applies on PostgreSQL, B follows live,
 * then a 1% delta) in a forked JVM with a small heap, {@code -Xmx128m} by default. The parent
 * starts PostgreSQL (a process of its own) and the child; the child reports the peak heap it saw:
 * the largest heap in use after any collection (what the run really retains) and the largest heap
 * in use at all (sampled every 20 ms; garbage included).
 *
 * <pre>
 * mvn -B -pl bench -am package -DskipTests exec:exec@memory -Dbench.args="records=10000000"
 * </pre>
 *
 * Arguments: {@code records} (10,000,000), {@code xmx} (128m), {@code batch} (1,000), {@code
 * timeout} seconds (7,200), {@code jfr} (false; true records a JFR file in the working directory).
 */
public final class MemoryBench {

  /** What the child reported. */
  public record Result(
      String args,
      int records,
      String xmx,
      boolean completed,
      int exitCode,
      long maxAfterGcBytes,
      long maxSampledBytes,
      long heapMaxBytes,
      double changesPerSecond,
      double seconds,
      String failure) {}

  private MemoryBench() {}

  public static void main(String[] argv) throws Exception {
    Args args = Args.parse(argv);
    int records = args.integer("records", 10_000_000);
    String xmx = args.text("xmx", "128m");
    int batch = args.integer("batch", 1000);
    int timeout = args.integer("timeout", 7200);
    boolean jfr = Boolean.parseBoolean(args.text("jfr", "false"));
    args.checkAllUsed();
    try (BenchPostgres pg = BenchPostgres.start()) {
      System.out.println(format(run(pg.db(), args.toString(), records, xmx, batch, timeout, jfr)));
    }
  }

  /** Forks the child and waits for it. */
  public static Result run(
      BenchPostgres.Db db,
      String argsText,
      int records,
      String xmx,
      int batch,
      int timeoutSeconds,
      boolean jfr)
      throws Exception {
    Path dir = Files.createTempDirectory("syncline-memory");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx" + xmx);
    cmd.add("-XX:+ExitOnOutOfMemoryError");
    if (jfr) {
      cmd.add("-XX:StartFlightRecording=filename=memory-bench.jfr,settings=profile");
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Child.class.getName());
    cmd.addAll(
        List.of(
            db.url(),
            db.user(),
            db.password(),
            dir.toString(),
            Integer.toString(records),
            Integer.toString(batch),
            Integer.toString(timeoutSeconds)));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    Map<String, String> result = new TreeMap<>();
    StringBuilder tail = new StringBuilder();
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.startsWith("RESULT ")) {
          for (String kv : line.substring(7).split(" ")) {
            int eq = kv.indexOf('=');
            result.put(kv.substring(0, eq), kv.substring(eq + 1));
          }
        } else {
          tail.append(line).append('\n');
          if (tail.length() > 4000) {
            tail.delete(0, tail.length() - 4000);
          }
        }
      }
    } finally {
      if (!p.waitFor(timeoutSeconds + 60L, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
      Trip.deleteTree(dir);
    }
    int exit = p.exitValue();
    boolean completed = exit == 0 && result.containsKey("afterGc");
    return new Result(
        argsText,
        records,
        xmx,
        completed,
        exit,
        Long.parseLong(result.getOrDefault("afterGc", "0")),
        Long.parseLong(result.getOrDefault("sampled", "0")),
        Long.parseLong(result.getOrDefault("heapMax", "0")),
        Double.parseDouble(result.getOrDefault("rate", "0")),
        Double.parseDouble(result.getOrDefault("seconds", "0")),
        completed ? "" : tail.toString());
  }

  /** The table the main prints. */
  public static String format(Result r) {
    if (!r.completed()) {
      return String.format(
          Locale.ROOT,
          "memory: %d records with -Xmx%s FAILED (exit %d); args: %s%nchild's last output:%n%s",
          r.records(),
          r.xmx(),
          r.exitCode(),
          r.args(),
          r.failure());
    }
    return String.format(
        Locale.ROOT,
        "memory: the whole trip of %d records (A SQLite -> server PostgreSQL -> B SQLite, then 1%%"
            + " delta) in one JVM with -Xmx%s; args: %s%n"
            + "completed in %.0f s (%.0f changes/s end to end)%n"
            + "peak heap after GC %.1f MiB; peak heap in use (sampled, garbage included) %.1f MiB;"
            + " heap limit %.1f MiB%n",
        r.records(),
        r.xmx(),
        r.args(),
        r.seconds(),
        r.changesPerSecond(),
        r.maxAfterGcBytes() / 1048576.0,
        r.maxSampledBytes() / 1048576.0,
        r.heapMaxBytes() / 1048576.0);
  }

  /** The forked JVM: runs the trip and prints one RESULT line. */
  public static final class Child {
    private Child() {}

    public static void main(String[] a) throws Exception {
      BenchPostgres.Db db = new BenchPostgres.Db(a[0], a[1], a[2]);
      Path dir = Path.of(a[3]);
      int records = Integer.parseInt(a[4]);
      int batch = Integer.parseInt(a[5]);
      int timeout = Integer.parseInt(a[6]);
      AtomicLong afterGc = watchCollections();
      AtomicLong sampled = new AtomicLong();
      Thread sampler =
          new Thread(
              () -> {
                while (!Thread.currentThread().isInterrupted()) {
                  long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                  sampled.accumulateAndGet(used, Math::max);
                  try {
                    Thread.sleep(20);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "heap-sampler");
      sampler.setDaemon(true);
      sampler.start();
      long start = System.nanoTime();
      Trip.Figures f = Trip.run(db, dir, records, batch, 3, timeout);
      double seconds = (System.nanoTime() - start) / 1e9;
      sampler.interrupt();
      System.out.printf(
          Locale.ROOT,
          "RESULT afterGc=%d sampled=%d heapMax=%d rate=%.1f seconds=%.1f%n",
          afterGc.get(),
          Math.max(sampled.get(), afterGc.get()),
          ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax(),
          f.changesPerSecond(),
          seconds);
      System.exit(0);
    }

    /** Tracks the largest heap in use right after a collection, over every collector. */
    private static AtomicLong watchCollections() {
      AtomicLong max = new AtomicLong();
      List<String> heapPools = new ArrayList<>();
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        if (pool.getType() == MemoryType.HEAP) {
          heapPools.add(pool.getName());
        }
      }
      for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
        ((NotificationEmitter) gc)
            .addNotificationListener(
                (n, handback) -> {
                  if (!n.getType()
                      .equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                    return;
                  }
                  GarbageCollectionNotificationInfo info =
                      GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                  long used = 0;
                  for (Map.Entry<String, MemoryUsage> e :
                      info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                    if (heapPools.contains(e.getKey())) {
                      used += e.getValue().getUsed();
                    }
                  }
                  max.accumulateAndGet(used, Math::max);
                },
                null,
                null);
      }
      return max;
    }
  }
}
