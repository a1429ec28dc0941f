package io.syncline.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.spi.Change;
import io.syncline.spi.FeedPage;
import io.syncline.spi.Payload;
import io.syncline.spi.RecordId;
import io.syncline.spi.SyncRecord;
import io.syncline.spi.Version;
import io.syncline.spi.WriteSet;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Invariant 7: the feed stays gap-free while many transactions on several nodes commit at once.
 *
 * <p>Three store instances (three server nodes, each with its own pool) share one PostgreSQL; eight
 * writer threads per node commit small batches of new records, with random delays inside every
 * transaction (server-side {@code pg_sleep} in triggers: while the records are written, and while
 * the seq counter is held), while four readers page the feed by cursor. Every change whose apply
 * returned must be read by every reader exactly once.
 *
 * <p>The same harness, run against the textbook design (seq drawn from a sequence when the row is
 * inserted, read with {@code seq > cursor}), must find skipped changes: that shows the harness can
 * fail.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GapFreeFeedTest {
  private static final int NODES = 3;
  private static final int WRITERS_PER_NODE = 8;
  private static final int TRANSACTIONS_PER_WRITER = 25;
  private static final int CHANGES_PER_TRANSACTION = 5;
  private static final int READERS = 4;
  private static final int PAGE = 50;
  private static final String SCOPE = "gap";

  /** A feed under test: writes in one transaction, pages by cursor. */
  interface Feed {
    void write(int node, int writer, List<String> keys) throws Exception;

    Page read(int reader, long cursor) throws Exception;
  }

  record Page(List<String> keys, long nextCursor, boolean hasMore) {}

  /** What one reader saw. */
  record ReaderResult(int reads, int distinct, int duplicates, int skipped, int unknown) {}

  record Outcome(int committed, List<ReaderResult> readers) {
    int totalSkipped() {
      return readers.stream().mapToInt(ReaderResult::skipped).sum();
    }
  }

  @Test
  void threeNodesWithEightWritersEachSkipNothing() throws Exception {
    String schema = Postgres.freshSchema("gap");
    List<JdbcStore> nodes = new ArrayList<>();
    try {
      for (int n = 0; n < NODES; n++) {
        nodes.add(
            JdbcStore.builder()
                .postgres(Postgres.url(Postgres.shared()), "postgres", null)
                .schema(schema)
                .maxConnections(WRITERS_PER_NODE + 2)
                .build());
      }
      String t = schema + "." + JdbcStore.DEFAULT_TABLE_PREFIX;
      Postgres.exec(
          jitterFunction(schema),
          // While the records are written (not on the seq stamp, which happens under the counter).
          "CREATE TRIGGER jitter BEFORE INSERT OR UPDATE OF payload ON "
              + t
              + "records FOR EACH ROW EXECUTE FUNCTION "
              + schema
              + ".jitter()",
          // While the counter row is held, between taking seqs and committing.
          "CREATE TRIGGER jitter AFTER UPDATE ON "
              + t
              + "counter FOR EACH ROW EXECUTE FUNCTION "
              + schema
              + ".jitter()");

      Feed feed =
          new Feed() {
            @Override
            public void write(int node, int writer, List<String> keys) {
              WriteSet.Builder b = WriteSet.builder();
              for (String k : keys) {
                b.write(
                    SyncRecord.live(
                        RecordId.of("items", k),
                        SCOPE,
                        Version.of(1, 0, "node" + node),
                        Payload.utf8("{\"k\":\"" + k + "\"}")),
                    null);
              }
              assertThat(nodes.get(node).apply(b.build()).appliedCount()).isEqualTo(keys.size());
            }

            @Override
            public Page read(int reader, long cursor) {
              FeedPage p =
                  nodes.get(reader % NODES).readFeed(SCOPE, cursor, PAGE, Long.MAX_VALUE, null);
              List<String> keys = new ArrayList<>();
              for (Change c : p.changes()) {
                keys.add(c.id().key());
              }
              return new Page(keys, p.nextCursor(), p.hasMore());
            }
          };

      Outcome outcome = run(feed);
      report("JdbcStore (commit-ordered counter)", outcome);
      assertThat(outcome.committed())
          .isEqualTo(NODES * WRITERS_PER_NODE * TRANSACTIONS_PER_WRITER * CHANGES_PER_TRANSACTION);
      for (ReaderResult r : outcome.readers()) {
        assertThat(r)
            .isEqualTo(new ReaderResult(outcome.committed(), outcome.committed(), 0, 0, 0));
      }
      assertThat(nodes.get(0).headSeq()).isEqualTo(outcome.committed());
    } finally {
      nodes.forEach(JdbcStore::close);
    }
  }

  @Test
  void naiveSequenceFeedSkipsChangesUnderTheSameLoad() throws Exception {
    String schema = Postgres.freshSchema("naive");
    String table = schema + ".feed";
    Postgres.exec(
        "CREATE SCHEMA " + schema,
        "CREATE TABLE " + table + " (seq bigserial PRIMARY KEY, k text NOT NULL)",
        jitterFunction(schema),
        // The sequence is drawn (column default) before the trigger delays the insert.
        "CREATE TRIGGER jitter BEFORE INSERT ON "
            + table
            + " FOR EACH ROW EXECUTE FUNCTION "
            + schema
            + ".jitter()");
    String url = Postgres.url(Postgres.shared());
    int connections = NODES * WRITERS_PER_NODE + READERS;
    List<Connection> pool = new ArrayList<>();
    try {
      for (int i = 0; i < connections; i++) {
        pool.add(DriverManager.getConnection(url));
      }
      Feed feed =
          new Feed() {
            @Override
            public void write(int node, int writer, List<String> keys) throws SQLException {
              Connection c = pool.get(node * WRITERS_PER_NODE + writer);
              c.setAutoCommit(false);
              try (PreparedStatement ps =
                  c.prepareStatement("INSERT INTO " + table + " (k) VALUES (?)")) {
                for (String k : keys) {
                  ps.setString(1, k);
                  ps.addBatch();
                }
                ps.executeBatch();
              }
              c.commit();
            }

            @Override
            public Page read(int reader, long cursor) throws SQLException {
              Connection c = pool.get(NODES * WRITERS_PER_NODE + reader);
              List<String> keys = new ArrayList<>();
              long next = cursor;
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT seq, k FROM " + table + " WHERE seq > ? ORDER BY seq LIMIT ?")) {
                ps.setLong(1, cursor);
                ps.setInt(2, PAGE);
                try (ResultSet rs = ps.executeQuery()) {
                  while (rs.next()) {
                    next = rs.getLong(1);
                    keys.add(rs.getString(2));
                  }
                }
              }
              return new Page(keys, next, keys.size() == PAGE);
            }
          };

      Outcome outcome = run(feed);
      report("naive sequence + seq > cursor", outcome);
      assertThat(outcome.committed())
          .isEqualTo(NODES * WRITERS_PER_NODE * TRANSACTIONS_PER_WRITER * CHANGES_PER_TRANSACTION);
      // The harness detects the gaps this design leaves.
      assertThat(outcome.totalSkipped()).isPositive();
      for (ReaderResult r : outcome.readers()) {
        assertThat(r.unknown()).isZero();
        assertThat(r.distinct() + r.skipped()).isEqualTo(outcome.committed());
      }
    } finally {
      for (Connection c : pool) {
        c.close();
      }
    }
  }

  private static String jitterFunction(String schema) {
    return "CREATE FUNCTION "
        + schema
        + ".jitter() RETURNS trigger LANGUAGE plpgsql AS"
        + " $$ BEGIN PERFORM pg_sleep(random() * 0.002); RETURN NEW; END $$";
  }

  /** Runs the workload on {@code feed}; every writer's transactions commit before it returns. */
  private static Outcome run(Feed feed) throws Exception {
    int writers = NODES * WRITERS_PER_NODE;
    ExecutorService threads = Executors.newFixedThreadPool(writers + READERS);
    try {
      CountDownLatch start = new CountDownLatch(1);
      AtomicBoolean writing = new AtomicBoolean(true);
      ConcurrentLinkedQueue<String> committed = new ConcurrentLinkedQueue<>();
      List<Future<?>> writes = new ArrayList<>();
      for (int n = 0; n < NODES; n++) {
        for (int w = 0; w < WRITERS_PER_NODE; w++) {
          int node = n;
          int writer = w;
          writes.add(
              threads.submit(
                  () -> {
                    start.await();
                    for (int t = 0; t < TRANSACTIONS_PER_WRITER; t++) {
                      List<String> keys = new ArrayList<>();
                      for (int c = 0; c < CHANGES_PER_TRANSACTION; c++) {
                        keys.add("n" + node + "-w" + writer + "-t" + t + "-c" + c);
                      }
                      feed.write(node, writer, keys);
                      committed.addAll(keys); // only once the transaction has committed
                    }
                    return null;
                  }));
        }
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      List<Future<Map<String, Integer>>> reads = new ArrayList<>();
      for (int r = 0; r < READERS; r++) {
        int reader = r;
        reads.add(
            threads.submit(
                () -> {
                  start.await();
                  Map<String, Integer> seen = new HashMap<>();
                  long cursor = 0;
                  boolean finalPass = false;
                  while (System.nanoTime() < deadline) {
                    boolean wasWriting = writing.get();
                    Page page = feed.read(reader, cursor);
                    assertThat(page.nextCursor()).isGreaterThanOrEqualTo(cursor);
                    for (String k : page.keys()) {
                      seen.merge(k, 1, Integer::sum);
                    }
                    cursor = page.nextCursor();
                    if (!page.hasMore()) {
                      if (finalPass) {
                        return seen;
                      }
                      // One more pass that starts after every writer has committed.
                      finalPass = !wasWriting;
                    }
                  }
                  throw new AssertionError("reader " + reader + " did not finish in time");
                }));
      }
      start.countDown();
      for (Future<?> f : writes) {
        f.get(90, TimeUnit.SECONDS);
      }
      writing.set(false);
      Set<String> all = new HashSet<>(committed);
      assertThat(all).hasSize(committed.size());
      List<ReaderResult> results = new ArrayList<>();
      for (Future<Map<String, Integer>> f : reads) {
        Map<String, Integer> seen = f.get(90, TimeUnit.SECONDS);
        int readCount = 0;
        int duplicates = 0;
        int unknown = 0;
        for (Map.Entry<String, Integer> e : seen.entrySet()) {
          readCount += e.getValue();
          duplicates += e.getValue() - 1;
          unknown += all.contains(e.getKey()) ? 0 : 1;
        }
        int skipped = 0;
        for (String k : all) {
          skipped += seen.containsKey(k) ? 0 : 1;
        }
        results.add(new ReaderResult(readCount, seen.size(), duplicates, skipped, unknown));
      }
      return new Outcome(all.size(), results);
    } finally {
      threads.shutdownNow();
    }
  }

  private static void report(String design, Outcome o) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "[gap test] %s: %d nodes x %d writers, %d changes committed in %d transactions;",
            design,
            NODES,
            WRITERS_PER_NODE,
            o.committed(),
            o.committed() / CHANGES_PER_TRANSACTION));
    for (ReaderResult r : o.readers()) {
      sb.append(
          String.format(
              Locale.ROOT,
              " reader read %d (distinct %d, duplicates %d, skipped %d = %.1f%%);",
              r.reads(),
              r.distinct(),
              r.duplicates(),
              r.skipped(),
              100.0 * r.skipped() / o.committed()));
    }
    System.out.println(sb);
  }
}
