package io.syncline.store.jdbc;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The two dialects, for tests that run on both. A namespace is where one test's tables live: a file
 * in {@code dir} for SQLite, a schema of the shared server for PostgreSQL.
 */
enum Db {
  SQLITE {
    @Override
    JdbcStore.Builder builder(Path dir, String ns) {
      return JdbcStore.builder().sqlite(dir.resolve(ns + ".db"));
    }

    @Override
    Connection raw(Path dir, String ns) throws SQLException {
      return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(ns + ".db"));
    }

    @Override
    String table(String ns, String name) {
      return name;
    }

    @Override
    List<String> tables(Connection c, String ns) throws SQLException {
      return names(c, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY 1", null);
    }
  },
  POSTGRES {
    @Override
    JdbcStore.Builder builder(Path dir, String ns) {
      return JdbcStore.builder()
          .postgres(Postgres.url(Postgres.shared()), "postgres", null)
          .schema(ns);
    }

    @Override
    Connection raw(Path dir, String ns) throws SQLException {
      return Postgres.shared().getPostgresDatabase().getConnection();
    }

    @Override
    String table(String ns, String name) {
      return ns + "." + name;
    }

    @Override
    List<String> tables(Connection c, String ns) throws SQLException {
      return names(
          c,
          "SELECT table_name FROM information_schema.tables WHERE table_schema = ? ORDER BY 1",
          ns);
    }
  };

  /** A builder for a store in namespace {@code ns}. */
  abstract JdbcStore.Builder builder(Path dir, String ns);

  /** A plain JDBC connection to the database of namespace {@code ns}. */
  abstract Connection raw(Path dir, String ns) throws SQLException;

  /** The qualified name of table {@code name} in namespace {@code ns}. */
  abstract String table(String ns, String name);

  /** The names of the tables in namespace {@code ns}. */
  abstract List<String> tables(Connection c, String ns) throws SQLException;

  private static List<String> names(Connection c, String sql, String arg) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      if (arg != null) {
        ps.setString(1, arg);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }
}
