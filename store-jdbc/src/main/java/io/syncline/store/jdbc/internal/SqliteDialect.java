package io.syncline.store.jdbc.internal;

import io.syncline.spi.SyncException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * SQLite: one writer at a time (a write transaction starts with {@code BEGIN IMMEDIATE}, which
 * takes the database's write lock, so seqs are assigned and committed in one order even across
 * processes), readers in parallel through WAL.
 */
public final class SqliteDialect extends Dialect {
  /** The one instance. */
  public static final SqliteDialect INSTANCE = new SqliteDialect();

  private SqliteDialect() {}

  @Override
  public String name() {
    return "SQLite";
  }

  @Override
  String createMetaTable(Tables t) {
    return "CREATE TABLE IF NOT EXISTS "
        + t.meta
        + " (name TEXT NOT NULL PRIMARY KEY, value TEXT NOT NULL)";
  }

  @Override
  List<List<String>> migrations(Tables t) {
    List<String> v1 =
        Arrays.asList(
            "CREATE TABLE "
                + t.records
                + " (collection TEXT NOT NULL, rkey BLOB NOT NULL, scope TEXT NOT NULL,"
                + " stamp INTEGER NOT NULL, replica TEXT NOT NULL, deleted INTEGER NOT NULL,"
                + " payload BLOB NOT NULL, meta BLOB NOT NULL, source TEXT, seq INTEGER,"
                + " PRIMARY KEY (collection, rkey))",
            "CREATE INDEX " + t.index("feed") + " ON " + t.records + " (scope, seq)",
            "CREATE TABLE "
                + t.counter
                + " (id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL)",
            "INSERT INTO " + t.counter + " (id, value) VALUES (1, 0)",
            "CREATE TABLE "
                + t.checkpoints
                + " (peer TEXT NOT NULL, scope TEXT NOT NULL, pull_cursor INTEGER NOT NULL,"
                + " push_cursor INTEGER NOT NULL, peer_epoch TEXT NOT NULL,"
                + " PRIMARY KEY (peer, scope))",
            // AUTOINCREMENT: an id, once removed, is never handed out again.
            "CREATE TABLE "
                + t.quarantine
                + " (id INTEGER PRIMARY KEY AUTOINCREMENT, peer TEXT NOT NULL,"
                + " collection TEXT NOT NULL, rkey BLOB NOT NULL, scope TEXT NOT NULL,"
                + " stamp INTEGER NOT NULL, replica TEXT NOT NULL, deleted INTEGER NOT NULL,"
                + " payload BLOB NOT NULL, meta BLOB NOT NULL, code TEXT NOT NULL,"
                + " reason TEXT NOT NULL, at_millis INTEGER NOT NULL,"
                + " UNIQUE (peer, collection, rkey, stamp, replica))",
            "CREATE TABLE "
                + t.properties
                + " (name TEXT NOT NULL PRIMARY KEY, value TEXT NOT NULL)");
    // Not List.of: Android API 26 lacks it.
    return Collections.singletonList(Collections.unmodifiableList(v1));
  }

  @Override
  void begin(Connection c) throws SQLException {
    // Not setAutoCommit(false): the driver would open the next transaction right after each
    // commit and hold the write lock between applies, blocking other processes.
    exec(c, "BEGIN IMMEDIATE");
  }

  @Override
  void commit(Connection c) throws SQLException {
    exec(c, "COMMIT");
  }

  @Override
  void rollback(Connection c) throws SQLException {
    if (!c.getAutoCommit()) {
      c.rollback();
      return;
    }
    try {
      exec(c, "ROLLBACK");
    } catch (SQLException e) {
      // SQLite may already have rolled back on its own (for example after an I/O error).
      if (!String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("no transaction")) {
        throw e;
      }
    }
  }

  @Override
  void checkDatabase(Connection c, boolean allowFsyncOff) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
      String mode = rs.next() ? rs.getString(1) : "";
      if (!"wal".equalsIgnoreCase(mode)) {
        throw new SyncException(
            SyncException.Code.STORE_FAILURE,
            "SQLite could not switch the database to WAL (journal_mode is "
                + mode
                + "); is the file on a network or read-only file system?");
      }
    }
  }

  private static void exec(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
