package io.syncline.store.jdbc.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * What differs between databases: column types, the schema's DDL, how a write transaction starts
 * and ends, row locks and the checks made when a store opens. Everything else (every query and
 * upsert) is the same SQL on each.
 */
public abstract class Dialect {
  Dialect() {}

  /** The database's name, for messages. */
  public abstract String name();

  /**
   * The DDL of each schema version: element {@code v - 1} migrates version {@code v - 1} to {@code
   * v}. Version 0 is an empty database.
   */
  abstract List<List<String>> migrations(Tables t);

  /** Creates the meta table if it is missing; it holds the schema version and the epoch. */
  abstract String createMetaTable(Tables t);

  /** Starts a write transaction that holds whatever lock the dialect writes under. */
  abstract void begin(Connection c) throws SQLException;

  abstract void commit(Connection c) throws SQLException;

  abstract void rollback(Connection c) throws SQLException;

  /** Serialises schema creation and migration between processes sharing the database. */
  void lockSchema(Connection c, Tables t) throws SQLException {}

  /** Runs first in every write transaction. */
  void beforeWrite(Connection c) throws SQLException {}

  /**
   * Whether the database takes arrays as statement parameters and expands them with {@code unnest}:
   * then a batch of record writes, or of seq stamps, is one statement instead of one per record,
   * which the server plans and executes once.
   */
  boolean unnestArrays() {
    return false;
  }

  /** A suffix that locks the rows a SELECT reads until the transaction ends. */
  String lockRows() {
    return "";
  }

  /**
   * Checks, when the store opens, that the database is one this dialect can use and is configured
   * so that a committed transaction is durable.
   */
  abstract void checkDatabase(Connection c, boolean allowFsyncOff) throws SQLException;
}
