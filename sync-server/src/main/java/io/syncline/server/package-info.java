/**
 * The runnable sync server: {@link io.syncline.server.SyncServerMain} from the command line, or
 * {@link io.syncline.server.SyncServer} embedded. gRPC and HTTP sync, health and metrics on an
 * admin port, SQLite by default and PostgreSQL by JDBC URL (several server processes may share one
 * database).
 */
package io.syncline.server;
