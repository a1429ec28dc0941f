package io.syncline.simulation;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs simulation campaigns and replays seeds.
 *
 * <pre>
 * --seeds N [--from S] [--threads T]   run seeds S..S+N-1 (default S = 1, T = 2) and print totals
 * --seed S [--trace]                   replay one seed, printing its report (and every step)
 * </pre>
 *
 * Exits with status 1 if any invariant was violated.
 */
public final class SimulationMain {
  private SimulationMain() {}

  public static void main(String[] args) throws Exception {
    long from = 1;
    long seeds = 0;
    long single = Long.MIN_VALUE;
    int threads = 2;
    boolean trace = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--seeds" -> seeds = Long.parseLong(args[++i]);
        case "--from" -> from = Long.parseLong(args[++i]);
        case "--threads" -> threads = Integer.parseInt(args[++i]);
        case "--seed" -> single = Long.parseLong(args[++i]);
        case "--trace" -> trace = true;
        default -> {
          System.err.println("unknown argument: " + args[i]);
          System.err.println("usage: --seeds N [--from S] [--threads T] | --seed S [--trace]");
          System.exit(2);
        }
      }
    }
    if (single != Long.MIN_VALUE) {
      Report r = Simulation.run(single, SimConfig.forSeed(single), trace);
      r.trace().forEach(System.out::println);
      System.out.println(describe(r));
      r.violations().forEach(v -> System.out.println("VIOLATION " + v));
      System.exit(r.passed() ? 0 : 1);
    }
    if (seeds <= 0) {
      System.err.println("usage: --seeds N [--from S] [--threads T] | --seed S [--trace]");
      System.exit(2);
    }
    Totals t = campaign(from, seeds, threads, true);
    System.out.println(t);
    System.exit(t.failures.isEmpty() ? 0 : 1);
  }

  /** The sums of a campaign. */
  public static final class Totals {
    long seeds;
    long operations;
    long crashes;
    long violations;
    long millis;
    final Map<Fault, Long> faults = new EnumMap<>(Fault.class);
    final List<Report> failures = new ArrayList<>();

    void add(Report r) {
      seeds++;
      operations += r.operations();
      crashes += r.crashes();
      violations += r.violations().size();
      r.faults().forEach((f, n) -> faults.merge(f, (long) n, Long::sum));
      if (!r.passed() && failures.size() < 20) {
        failures.add(r);
      }
    }

    /** Seeds that failed (at most 20 kept). */
    public List<Report> failures() {
      return failures;
    }

    /** Seeds run. */
    public long seeds() {
      return seeds;
    }

    /** Faults injected, all kinds together. */
    public long faultCount() {
      return faults.values().stream().mapToLong(Long::longValue).sum();
    }

    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder();
      sb.append(
          String.format(
              Locale.ROOT,
              "seeds %d, operations %d, crashes %d, violations %d, %.1f s%n",
              seeds,
              operations,
              crashes,
              violations,
              millis / 1000.0));
      sb.append("faults: ").append(faults).append(System.lineSeparator());
      for (Report r : failures) {
        sb.append("FAILED ").append(describe(r)).append(System.lineSeparator());
        sb.append("  ").append(r.violations().get(0)).append(System.lineSeparator());
        sb.append("  replay: ").append(r.replayCommand()).append(System.lineSeparator());
      }
      return sb.toString();
    }
  }

  /** Runs seeds {@code from .. from+count-1} on {@code threads} threads. */
  public static Totals campaign(long from, long count, int threads, boolean progress)
      throws Exception {
    return campaign(from, count, threads, progress, SimConfig::forSeed);
  }

  /** Runs seeds with configurations from {@code configs}. */
  public static Totals campaign(
      long from,
      long count,
      int threads,
      boolean progress,
      java.util.function.LongFunction<SimConfig> configs)
      throws Exception {
    long start = System.nanoTime();
    Totals totals = new Totals();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      long chunk = 1000;
      for (long base = from; base < from + count; base += chunk) {
        List<Future<Report>> futures = new ArrayList<>();
        for (long s = base; s < Math.min(from + count, base + chunk); s++) {
          long seed = s;
          futures.add(pool.submit(() -> Simulation.run(seed, configs.apply(seed), false)));
        }
        for (Future<Report> f : futures) {
          totals.add(f.get());
        }
        if (progress) {
          System.out.printf(
              Locale.ROOT, "... %d seeds, %d violations%n", totals.seeds, totals.violations);
        }
      }
    } finally {
      pool.shutdownNow();
    }
    totals.millis = (System.nanoTime() - start) / 1_000_000;
    return totals;
  }

  static String describe(Report r) {
    return "seed "
        + r.seed()
        + " ("
        + r.config()
        + "): "
        + r.operations()
        + " operations, "
        + r.crashes()
        + " crashes, faults "
        + r.faults()
        + ", "
        + (r.passed() ? "passed" : r.violations().size() + " violations");
  }
}
