package io.syncline.store.jdbc.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Builds the PostgreSQL connection pool a store owns. Loaded only when such a pool is asked for.
 */
public final class HikariPools {
  private static final AtomicInteger POOLS = new AtomicInteger();

  private HikariPools() {}

  /** A pool of at most {@code maxSize} connections to {@code url}; fails if it cannot connect. */
  public static HikariDataSource create(String url, String user, String password, int maxSize) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setUsername(user);
    config.setPassword(password);
    config.setMaximumPoolSize(maxSize);
    config.setMinimumIdle(1);
    config.setAutoCommit(true);
    config.setPoolName("syncline-store-" + POOLS.incrementAndGet());
    // The store needs a row count per batched statement to tell applied writes from stale ones.
    config.addDataSourceProperty("reWriteBatchedInserts", "false");
    return new HikariDataSource(config);
  }
}
