package io.syncline.store.jdbc.internal;

import io.syncline.spi.SyncException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * PostgreSQL: many connections and many server nodes write at once. Text columns compare in the "C"
 * collation (byte order), whatever the database's locale; write transactions run in READ COMMITTED,
 * which the commit-ordered counter relies on (a transaction that waited for the counter row reads
 * the value its predecessor committed instead of failing); synchronous_commit is forced on in each
 * write transaction when the session has it off.
 */
public final class PostgresDialect extends Dialect {
  /** The one instance. */
  public static final PostgresDialect INSTANCE = new PostgresDialect();

  private static final String TEXT = "text COLLATE \"C\"";

  private PostgresDialect() {}

  @Override
  public String name() {
    return "PostgreSQL";
  }

  @Override
  boolean unnestArrays() {
    return true;
  }

  @Override
  String createMetaTable(Tables t) {
    return "CREATE TABLE IF NOT EXISTS "
        + t.meta
        + " (name "
        + TEXT
        + " NOT NULL PRIMARY KEY, value text NOT NULL)";
  }

  @Override
  List<List<String>> migrations(Tables t) {
    List<String> v1 =
        Arrays.asList(
            "CREATE TABLE "
                + t.records
                + " (collection "
                + TEXT
                + " NOT NULL, rkey bytea NOT NULL, scope "
                + TEXT
                + " NOT NULL, stamp bigint NOT NULL, replica "
                + TEXT
                + " NOT NULL, deleted boolean NOT NULL, payload bytea NOT NULL,"
                + " meta bytea NOT NULL, source "
                + TEXT
                + ", seq bigint, PRIMARY KEY (collection, rkey))",
            "CREATE INDEX " + t.index("feed") + " ON " + t.records + " (scope, seq)",
            "CREATE TABLE "
                + t.counter
                + " (id integer NOT NULL PRIMARY KEY CHECK (id = 1), value bigint NOT NULL)",
            "INSERT INTO " + t.counter + " (id, value) VALUES (1, 0)",
            "CREATE TABLE "
                + t.checkpoints
                + " (peer "
                + TEXT
                + " NOT NULL, scope "
                + TEXT
                + " NOT NULL, pull_cursor bigint NOT NULL, push_cursor bigint NOT NULL,"
                + " peer_epoch text NOT NULL, PRIMARY KEY (peer, scope))",
            "CREATE TABLE "
                + t.quarantine
                + " (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, peer "
                + TEXT
                + " NOT NULL, collection "
                + TEXT
                + " NOT NULL, rkey bytea NOT NULL, scope "
                + TEXT
                + " NOT NULL, stamp bigint NOT NULL, replica "
                + TEXT
                + " NOT NULL, deleted boolean NOT NULL, payload bytea NOT NULL,"
                + " meta bytea NOT NULL, code text NOT NULL, reason text NOT NULL,"
                + " at_millis bigint NOT NULL, UNIQUE (peer, collection, rkey, stamp, replica))",
            "CREATE TABLE "
                + t.properties
                + " (name "
                + TEXT
                + " NOT NULL PRIMARY KEY, value text NOT NULL)");
    // Not List.of: Android API 26 lacks it.
    return Collections.singletonList(Collections.unmodifiableList(v1));
  }

  @Override
  void lockSchema(Connection c, Tables t) throws SQLException {
    // Several nodes may open the same store at once; DDL would race without this lock.
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
      ps.setLong(1, lockKey("syncline-store:" + t));
      ps.execute();
    }
    if (t.schema != null) {
      exec(c, "CREATE SCHEMA IF NOT EXISTS " + t.schema);
    }
  }

  @Override
  void begin(Connection c) throws SQLException {
    c.setAutoCommit(false);
  }

  @Override
  void beforeWrite(Connection c) throws SQLException {
    // One round trip: the isolation the counter needs (whatever the pool's default is), and a
    // durable commit even where the session or role turned synchronous_commit off. Other levels
    // (local, remote_write, on, remote_apply) all flush locally and are left as they are.
    exec(
        c,
        "SET TRANSACTION ISOLATION LEVEL READ COMMITTED;"
            + " SELECT set_config('synchronous_commit', 'on', true)"
            + " WHERE current_setting('synchronous_commit') = 'off'");
  }

  @Override
  String lockRows() {
    return " FOR UPDATE";
  }

  @Override
  void commit(Connection c) throws SQLException {
    c.commit();
    c.setAutoCommit(true);
  }

  @Override
  void rollback(Connection c) throws SQLException {
    if (!c.getAutoCommit()) {
      c.rollback();
      c.setAutoCommit(true);
    }
  }

  @Override
  void checkDatabase(Connection c, boolean allowFsyncOff) throws SQLException {
    String product = c.getMetaData().getDatabaseProductName();
    if (!"PostgreSQL".equals(product)) {
      throw new SyncException(
          SyncException.Code.INVALID_ARGUMENT,
          "the data source is a " + product + " database, not PostgreSQL");
    }
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT current_setting('server_version_num')::int, current_setting('fsync')")) {
      rs.next();
      int version = rs.getInt(1);
      if (version < 100000) {
        throw new SyncException(
            SyncException.Code.INVALID_ARGUMENT,
            "PostgreSQL " + version + " is too old; the store needs PostgreSQL 10 or newer");
      }
      if ("off".equals(rs.getString(2)) && !allowFsyncOff) {
        throw new SyncException(
            SyncException.Code.INVALID_ARGUMENT,
            "the PostgreSQL server runs with fsync=off, so a committed (acknowledged) write can"
                + " be lost in a crash; turn fsync on, or call allowFsyncOff(true) on the builder"
                + " for a throwaway database");
      }
    }
  }

  private static void exec(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /** A stable 64-bit FNV-1a hash, so every node computes the same advisory lock key. */
  private static long lockKey(String s) {
    long h = 0xcbf29ce484222325L;
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return h;
  }
}
