package io.syncline.bench;

import io.syncline.spi.FeedPage;
import io.syncline.spi.Payload;
import io.syncline.spi.RecordId;
import io.syncline.spi.SyncRecord;
import io.syncline.spi.Version;
import io.syncline.spi.WriteSet;
import io.syncline.store.memory.MemoryStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The memory store alone, on one thread: applying a million new records in batches to a fresh
 * store, the server's side of a push; reading them back page by page, the client's side; and
 * reading the feed for the peer that pushed them, which leaves out all of them (the pull that
 * follows a push). The write sets are built before the clock starts, so only the store is timed.
 * Records are those of the gRPC throughput benchmark (10-character keys, about 60 bytes of JSON).
 *
 * <pre>
 * mvn -B -pl bench -am package -DskipTests exec:exec@memory-store -Dbench.args="records=1000000 rounds=12"
 * </pre>
 *
 * The execution runs it with a fixed heap ({@code -Xms3g -Xmx3g}) and the parallel collector, which
 * disturbs a single-threaded measurement less than G1's concurrent work.
 */
public final class MemoryStoreBench {
  private static final String SCOPE = "bench";

  /** Rounds run first and not counted, while the JIT compiler settles. */
  static final int WARM_UP_ROUNDS = 4;

  /**
   * Nanoseconds per record, the median and the fastest of the measured rounds, for apply and for
   * reading the feed.
   */
  public record Result(
      int records,
      int rounds,
      double applyMedian,
      double applyFastest,
      double readMedian,
      double readFastest,
      double ownMedian,
      double ownFastest) {}

  private MemoryStoreBench() {}

  /** Arguments: {@code records} (1,000,000), {@code batch} (1,000), measured {@code rounds} (8). */
  public static void main(String[] argv) {
    Args args = Args.parse(argv);
    int records = args.integer("records", 1_000_000);
    int batch = args.integer("batch", 1000);
    int rounds = args.integer("rounds", 8);
    args.checkAllUsed();
    System.out.println(format(run(records, batch, rounds)));
  }

  /** The table the main prints. */
  public static String format(Result r) {
    return String.format(
        Locale.ROOT,
        "memory store, %d records, one thread, %d rounds after %d warm-up rounds, ns per record%n"
            + "%-10s %8s %8s%n"
            + "%-10s %8.1f %8.1f%n"
            + "%-10s %8.1f %8.1f%n"
            + "%-10s %8.1f %8.1f   (the pusher's own changes, left out: a pull after its push)%n",
        r.records(),
        r.rounds(),
        WARM_UP_ROUNDS,
        "",
        "median",
        "fastest",
        "apply",
        r.applyMedian(),
        r.applyFastest(),
        "readFeed",
        r.readMedian(),
        r.readFastest(),
        "readOwn",
        r.ownMedian(),
        r.ownFastest());
  }

  /** Measures {@code rounds} rounds, each into a fresh store, after the warm-up rounds. */
  public static Result run(int records, int batch, int rounds) {
    if (records < 1 || batch < 1 || rounds < 1) {
      throw new IllegalArgumentException("records, batch and rounds must be positive");
    }
    List<WriteSet> sets = writeSets(records, batch);
    List<Double> apply = new ArrayList<>();
    List<Double> read = new ArrayList<>();
    List<Double> own = new ArrayList<>();
    for (int round = 0; round < WARM_UP_ROUNDS + rounds; round++) {
      try (MemoryStore store = new MemoryStore()) {
        long start = System.nanoTime();
        for (WriteSet ws : sets) {
          store.apply(ws);
        }
        double applyNanos = (System.nanoTime() - start) / (double) records;
        start = System.nanoTime();
        long cursor = 0;
        int seen = 0;
        while (true) {
          FeedPage page = store.readFeed(SCOPE, cursor, batch, Long.MAX_VALUE, "server");
          if (page.changes().isEmpty()) {
            break;
          }
          seen += page.changes().size();
          cursor = page.nextCursor();
        }
        double readNanos = (System.nanoTime() - start) / (double) records;
        start = System.nanoTime();
        FeedPage none = store.readFeed(SCOPE, 0, batch, Long.MAX_VALUE, "client");
        double ownNanos = (System.nanoTime() - start) / (double) records;
        if (!none.changes().isEmpty() || none.nextCursor() != records) {
          throw new IllegalStateException("a read leaving out the pusher returned " + none);
        }
        if (seen != records || store.headSeq() != records) {
          throw new IllegalStateException(
              "read " + seen + " of " + records + " records, head " + store.headSeq());
        }
        if (round >= WARM_UP_ROUNDS) {
          apply.add(applyNanos);
          read.add(readNanos);
          own.add(ownNanos);
        }
      }
    }
    return new Result(
        records,
        rounds,
        Stats.median(apply),
        Collections.min(apply),
        Stats.median(read),
        Collections.min(read),
        Stats.median(own),
        Collections.min(own));
  }

  /** The records as write sets of {@code batch}, as a push from "client" would apply them. */
  private static List<WriteSet> writeSets(int records, int batch) {
    long stamp = Version.of(1_700_000_000_000L, 0, "client").stamp();
    List<WriteSet> sets = new ArrayList<>();
    for (int from = 0; from < records; from += batch) {
      WriteSet.Builder b = WriteSet.builder();
      for (int n = from; n < Math.min(records, from + batch); n++) {
        b.write(
            SyncRecord.live(
                RecordId.of("notes", "note-" + n),
                SCOPE,
                new Version(stamp + n, "client"),
                Payload.utf8(
                    "{\"title\":\"note "
                        + n
                        + "\",\"body\":\"a short body of text\",\"n\":"
                        + n
                        + "}")),
            "client");
      }
      sets.add(b.build());
    }
    return sets;
  }
}
