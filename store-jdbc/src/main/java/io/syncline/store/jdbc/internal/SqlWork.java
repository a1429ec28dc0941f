package io.syncline.store.jdbc.internal;

import java.sql.Connection;
import java.sql.SQLException;

/** Work done on a borrowed connection. */
@FunctionalInterface
public interface SqlWork<T> {
  /** Runs on {@code c}; the caller owns {@code c} and gets it back afterwards. */
  T run(Connection c) throws SQLException;
}
