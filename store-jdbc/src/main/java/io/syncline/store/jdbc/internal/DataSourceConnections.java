package io.syncline.store.jdbc.internal;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/** Connections from a {@link DataSource} (a pool), each borrowed for one read or transaction. */
public final class DataSourceConnections implements Connections {
  private final DataSource dataSource;
  private final AutoCloseable owned;

  /** Borrows from {@code dataSource}; closes {@code owned} (may be null) on {@link #close}. */
  public DataSourceConnections(DataSource dataSource, AutoCloseable owned) {
    this.dataSource = dataSource;
    this.owned = owned;
  }

  @Override
  public <T> T read(SqlWork<T> work) throws SQLException {
    return borrow(work);
  }

  @Override
  public <T> T write(SqlWork<T> work) throws SQLException {
    return borrow(work);
  }

  private <T> T borrow(SqlWork<T> work) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      // An application's pool may hand out connections in manual-commit mode; reads must not
      // leave a transaction open, and writes start their own.
      if (!c.getAutoCommit()) {
        c.setAutoCommit(true);
      }
      return work.run(c);
    }
  }

  @Override
  public void close() {
    if (owned != null) {
      try {
        owned.close();
      } catch (Exception ignored) {
        // The pool logs its own trouble; the store is closed either way.
      }
    }
  }
}
