/**
 * A {@link io.syncline.spi.SyncStore} on JDBC: {@link io.syncline.store.jdbc.JdbcStore}, with
 * SQLite as the embedded default (devices, desktops, a single server) and PostgreSQL for servers,
 * including several server nodes sharing one database.
 *
 * <p>The store creates and migrates its own tables; applications write no SQL. Every parameter and
 * return value is non-null unless its documentation says otherwise.
 */
package io.syncline.store.jdbc;
