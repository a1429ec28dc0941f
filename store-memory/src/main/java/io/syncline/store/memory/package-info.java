/** An in-memory {@link io.syncline.spi.SyncStore}: for tests, caches and ephemeral peers. */
package io.syncline.store.memory;
