package io.syncline.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.spi.Payload;
import io.syncline.spi.RecordId;
import io.syncline.spi.SyncException;
import io.syncline.spi.SyncRecord;
import io.syncline.spi.Version;
import io.syncline.spi.WriteSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The store's own schema: created, versioned, refused when newer, named by prefix. */
class SchemaTest {
  @TempDir Path dir;

  private static final RecordId A = RecordId.of("notes", "a");

  private static WriteSet writeA() {
    return WriteSet.builder()
        .write(SyncRecord.live(A, "s", Version.of(1, 0, "r1"), Payload.utf8("{}")), null)
        .build();
  }

  @ParameterizedTest
  @EnumSource(Db.class)
  void schemaIsCreatedOnFirstOpenWithItsVersionAndEpoch(Db db) throws Exception {
    String ns = Postgres.freshSchema("created");
    String epoch;
    try (JdbcStore store = db.builder(dir, ns).tablePrefix("app_sync_").build()) {
      epoch = store.epoch();
    }
    try (Connection c = db.raw(dir, ns)) {
      assertThat(db.tables(c, ns))
          .filteredOn(name -> name.startsWith("app_sync_"))
          .containsExactlyInAnyOrder(
              "app_sync_meta",
              "app_sync_records",
              "app_sync_counter",
              "app_sync_checkpoints",
              "app_sync_quarantine",
              "app_sync_properties");
      assertThat(meta(c, db.table(ns, "app_sync_meta"), "schema_version"))
          .isEqualTo(Integer.toString(JdbcStore.SCHEMA_VERSION));
      assertThat(meta(c, db.table(ns, "app_sync_meta"), "epoch")).isEqualTo(epoch);
    }
    try (JdbcStore again = db.builder(dir, ns).tablePrefix("app_sync_").build()) {
      assertThat(again.epoch()).isEqualTo(epoch);
    }
  }

  @ParameterizedTest
  @EnumSource(Db.class)
  void newerSchemaIsRefusedWithAClearErrorAndLeftAsItWas(Db db) throws Exception {
    String ns = Postgres.freshSchema("newer");
    try (JdbcStore store = db.builder(dir, ns).build()) {
      store.apply(writeA());
    }
    String meta = db.table(ns, JdbcStore.DEFAULT_TABLE_PREFIX + "meta");
    int newer = JdbcStore.SCHEMA_VERSION + 1;
    try (Connection c = db.raw(dir, ns);
        Statement s = c.createStatement()) {
      s.executeUpdate(
          "UPDATE " + meta + " SET value = '" + newer + "' WHERE name = 'schema_version'");
    }

    assertThatThrownBy(() -> db.builder(dir, ns).build())
        .isInstanceOf(SyncException.class)
        .satisfies(
            e -> {
              assertThat(((SyncException) e).code()).isEqualTo(SyncException.Code.SCHEMA_TOO_NEW);
              assertThat(e.getMessage())
                  .contains("schema version " + newer)
                  .contains("newer than version " + JdbcStore.SCHEMA_VERSION)
                  .contains("Upgrade syncline-store-jdbc");
            });

    try (Connection c = db.raw(dir, ns)) {
      assertThat(meta(c, meta, "schema_version")).isEqualTo(Integer.toString(newer));
      try (Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT count(*) FROM "
                      + db.table(ns, JdbcStore.DEFAULT_TABLE_PREFIX + "records"))) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(1);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Db.class)
  void tablePrefixesKeepStoresApartInsideAnAppsDatabase(Db db) throws Exception {
    String ns = Postgres.freshSchema("prefix");
    try (JdbcStore first = db.builder(dir, ns).build(); // makes the schema on PostgreSQL
        Connection c = db.raw(dir, ns);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE " + db.table(ns, "records") + " (id integer, note text)");
      s.execute("INSERT INTO " + db.table(ns, "records") + " VALUES (7, 'the app''s own')");
      try (JdbcStore a = db.builder(dir, ns).tablePrefix("a_").build();
          JdbcStore b = db.builder(dir, ns).tablePrefix("b_").build()) {
        a.apply(writeA());
        assertThat(a.get(A)).isPresent();
        assertThat(b.get(A)).isEmpty();
        assertThat(first.get(A)).isEmpty();
        assertThat(a.headSeq()).isEqualTo(1);
        assertThat(b.headSeq()).isZero();
        assertThat(a.epoch()).isNotEqualTo(b.epoch()).isNotEqualTo(first.epoch());
      }
      try (ResultSet rs = s.executeQuery("SELECT id, note FROM " + db.table(ns, "records"))) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getInt(1)).isEqualTo(7);
        assertThat(rs.getString(2)).isEqualTo("the app's own");
        assertThat(rs.next()).isFalse();
      }
      try (JdbcStore a = db.builder(dir, ns).tablePrefix("a_").build()) {
        assertThat(a.get(A)).isPresent();
      }
    }
  }

  @Test
  void builderRefusesOptionsThatDoNotFitBeforeTouchingAnyDatabase() {
    Path file = dir.resolve("never.db");
    assertThatThrownBy(() -> JdbcStore.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no database");
    assertThatThrownBy(
            () ->
                JdbcStore.builder()
                    .sqlite(file)
                    .postgres("jdbc:postgresql://localhost/x", null, null)
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("more than one database");
    assertThatThrownBy(() -> JdbcStore.builder().sqlite(file).schema("sync").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("schema applies to PostgreSQL only");
    assertThatThrownBy(
            () ->
                JdbcStore.builder()
                    .postgres("jdbc:postgresql://localhost:1/x", null, null)
                    .sqliteSync(SqliteSync.NORMAL)
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("sqliteSync applies to SQLite");
    assertThatThrownBy(() -> JdbcStore.builder().sqlite(file).allowFsyncOff(true).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("allowFsyncOff");
    assertThatThrownBy(() -> JdbcStore.builder().tablePrefix("Sync-"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tablePrefix");
    assertThatThrownBy(() -> JdbcStore.builder().tablePrefix("x".repeat(33)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tablePrefix");
    assertThatThrownBy(() -> JdbcStore.builder().schema("pg_catalog"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("schema");
    assertThatThrownBy(() -> JdbcStore.builder().schema("a; DROP TABLE x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("schema");
    assertThatThrownBy(() -> JdbcStore.builder().postgres("jdbc:mysql://db/x", null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("jdbc:postgresql:");
    assertThatThrownBy(() -> JdbcStore.builder().maxConnections(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxConnections");
    assertThatThrownBy(() -> JdbcStore.builder().sqlite(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("file == null");
    assertThatThrownBy(() -> JdbcStore.sqlite(dir.resolve("missing").resolve("x.db")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not exist");
    assertThat(file).doesNotExist();
    assertThat(dir.resolve("missing")).doesNotExist();
  }

  @Test
  void closedStoreRefusesCallsAndItsFileOpensAgain() throws Exception {
    Path file = dir.resolve("closed.db");
    JdbcStore store = JdbcStore.sqlite(file);
    store.close();
    store.close(); // idempotent
    assertThatThrownBy(() -> store.apply(writeA()))
        .isInstanceOf(SyncException.class)
        .extracting(e -> ((SyncException) e).code())
        .isEqualTo(SyncException.Code.CLOSED);
    assertThat(Files.exists(file)).isTrue();
    try (JdbcStore again = JdbcStore.sqlite(file)) {
      assertThat(again.get(A)).isEmpty();
      assertThat(again.headSeq()).isZero();
    }
  }

  @Test
  void aFileThatIsNotADatabaseIsRefusedAndLeftAlone() throws Exception {
    Path file = dir.resolve("notes.txt");
    Files.writeString(file, "not a database, the app's own notes\n".repeat(200));
    byte[] before = Files.readAllBytes(file);
    assertThatThrownBy(() -> JdbcStore.sqlite(file))
        .isInstanceOf(SyncException.class)
        .satisfies(
            e -> {
              assertThat(((SyncException) e).code()).isEqualTo(SyncException.Code.STORE_FAILURE);
              assertThat(e.getMessage()).contains("SQLite").contains("notes.txt");
            });
    assertThat(Files.readAllBytes(file)).isEqualTo(before);
  }

  private static String meta(Connection c, String table, String name) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT value FROM " + table + " WHERE name = '" + name + "'")) {
      return rs.next() ? rs.getString(1) : null;
    }
  }
}
