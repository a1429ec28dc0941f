package io.syncline.store.jdbc;

import io.syncline.spi.SyncStore;
import io.syncline.testkit.StoreContractTest;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The store conformance suite on a real PostgreSQL server (durable settings), each store in a
 * schema of its own, reopened through a new pool to check persistence.
 */
class PostgresStoreContractTest extends StoreContractTest {
  private final Map<SyncStore, String> schemas = new IdentityHashMap<>();

  @Override
  protected SyncStore createStore() {
    return open(Postgres.freshSchema("contract"));
  }

  @Override
  protected SyncStore reopen(SyncStore old) {
    String schema = schemas.get(old);
    old.close();
    return open(schema);
  }

  private SyncStore open(String schema) {
    SyncStore s =
        JdbcStore.builder()
            .postgres(Postgres.url(Postgres.shared()), "postgres", null)
            .schema(schema)
            .build();
    schemas.put(s, schema);
    return s;
  }
}
