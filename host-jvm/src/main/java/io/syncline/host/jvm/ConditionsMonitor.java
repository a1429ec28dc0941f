package io.syncline.host.jvm;

import io.syncline.spi.HostConditions;

/**
 * Tells the scheduler what the device's network and power look like, and when that changes.
 * Implementations are thread-safe; listeners may be called on any thread and must not block.
 */
public interface ConditionsMonitor {
  /** The conditions now. */
  HostConditions current();

  /** Calls {@code listener} after every change of {@link #current()}. */
  void addListener(Runnable listener);
}
