package io.syncline.host.jvm;

import io.syncline.spi.HostConditions;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Conditions the host sets itself: from its own network callbacks, a UI toggle ("sync on metered
 * networks"), or a test. Thread-safe; listeners run on the thread that calls {@link #set}.
 */
public final class ManualConditions implements ConditionsMonitor {
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private volatile HostConditions current;

  /** Starts at {@code initial}. */
  public ManualConditions(HostConditions initial) {
    this.current = Objects.requireNonNull(initial, "initial == null");
  }

  @Override
  public HostConditions current() {
    return current;
  }

  /** Changes the conditions and tells the listeners if they differ. */
  public void set(HostConditions conditions) {
    Objects.requireNonNull(conditions, "conditions == null");
    HostConditions old = current;
    current = conditions;
    if (!old.equals(conditions)) {
      listeners.forEach(Runnable::run);
    }
  }

  /** Shorthand: changes only the network. */
  public void setNetwork(HostConditions.Network network) {
    set(current.withNetwork(network));
  }

  @Override
  public void addListener(Runnable listener) {
    listeners.add(Objects.requireNonNull(listener, "listener == null"));
  }
}
