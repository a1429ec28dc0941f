package io.syncline.simulation;

import io.syncline.spi.SyncStore;

/** Wraps each replica's durable store, for example to plant a bug that the simulation must find. */
@FunctionalInterface
public interface StoreWrapper {
  /** No wrapping. */
  StoreWrapper NONE = (store, crash) -> store;

  /** Returns the store the replica uses, built on {@code store}. */
  SyncStore wrap(SyncStore store, CrashPoint crash);
}
