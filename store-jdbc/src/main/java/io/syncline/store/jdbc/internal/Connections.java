package io.syncline.store.jdbc.internal;

import java.sql.SQLException;

/**
 * Where a store gets its connections: a reader for queries, a writer for transactions. Thread-safe.
 */
public interface Connections {
  /** Runs {@code work} on a connection in autocommit mode, for reading. */
  <T> T read(SqlWork<T> work) throws SQLException;

  /**
   * Runs {@code work} on a connection that may write; the work starts and ends its transaction
   * itself. If the work throws, the connection is assumed broken unless it was rolled back.
   */
  <T> T write(SqlWork<T> work) throws SQLException;

  /** Closes every connection this object owns; waits for a running write to end. Idempotent. */
  void close();
}
