package io.syncline.engine.internal;

import io.syncline.spi.ConflictResolver;
import io.syncline.spi.SyncRecord;

/** Keeps the state with the higher version. Stateless and thread-safe. */
public final class LastWriterWins implements ConflictResolver {
  public static final LastWriterWins INSTANCE = new LastWriterWins();

  private static final Resolution LOCAL = new KeepLocal();
  private static final Resolution REMOTE = new KeepRemote();

  private LastWriterWins() {}

  @Override
  public Resolution resolve(SyncRecord local, SyncRecord remote) {
    return local.version().compareTo(remote.version()) >= 0 ? LOCAL : REMOTE;
  }

  @Override
  public String toString() {
    return "LastWriterWins";
  }
}
