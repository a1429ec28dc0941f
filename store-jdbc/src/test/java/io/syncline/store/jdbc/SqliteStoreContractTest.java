package io.syncline.store.jdbc;

import io.syncline.spi.SyncStore;
import io.syncline.testkit.StoreContractTest;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/** The store conformance suite on SQLite, in a real file, reopened to check persistence. */
class SqliteStoreContractTest extends StoreContractTest {
  @TempDir Path dir;
  private final Map<SyncStore, Path> files = new IdentityHashMap<>();
  private int count;

  @Override
  protected SyncStore createStore() {
    Path file = dir.resolve("store-" + ++count + ".db");
    SyncStore s = JdbcStore.sqlite(file);
    files.put(s, file);
    return s;
  }

  @Override
  protected SyncStore reopen(SyncStore old) {
    Path file = files.get(old);
    old.close();
    SyncStore s = JdbcStore.sqlite(file);
    files.put(s, file);
    return s;
  }
}
