/**
 * How the JDBC store works: dialects, schema migrations, connection handling and the SQL of each
 * operation. Public only so that the store's own package can reach it; not an API, may change in
 * any release.
 */
package io.syncline.store.jdbc.internal;
