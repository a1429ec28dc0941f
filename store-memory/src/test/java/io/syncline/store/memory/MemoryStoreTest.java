package io.syncline.store.memory;

import io.syncline.spi.SyncStore;
import io.syncline.testkit.StoreContractTest;

class MemoryStoreTest extends StoreContractTest {
  @Override
  protected SyncStore createStore() {
    return new MemoryStore();
  }
}
