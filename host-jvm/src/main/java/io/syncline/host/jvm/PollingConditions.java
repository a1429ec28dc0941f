package io.syncline.host.jvm;

import io.syncline.spi.HostConditions;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A {@link ConditionsMonitor} that reads conditions every {@code period} on an executor and tells
 * its listeners when they change. With {@link SystemConditions#read()} as the source it watches the
 * system's network and power.
 *
 * <pre>{@code
 * ConditionsMonitor monitor =
 *     PollingConditions.start(executor, new SystemConditions()::read, Duration.ofSeconds(10));
 * }</pre>
 *
 * <p>Thread-safe. Listeners run on the executor.
 */
public final class PollingConditions implements ConditionsMonitor, AutoCloseable {
  private final Supplier<HostConditions> source;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private volatile HostConditions current;
  private volatile ScheduledFuture<?> task;

  private PollingConditions(Supplier<HostConditions> source) {
    this.source = source;
    this.current = source.get();
  }

  /** Reads {@code source} now and then every {@code period} on {@code executor}. */
  public static PollingConditions start(
      ScheduledExecutorService executor, Supplier<HostConditions> source, Duration period) {
    Objects.requireNonNull(executor, "executor == null");
    Objects.requireNonNull(source, "source == null");
    if (period.isZero() || period.isNegative()) {
      throw new IllegalArgumentException("period must be positive: " + period);
    }
    PollingConditions p = new PollingConditions(source);
    p.task =
        executor.scheduleWithFixedDelay(
            p::poll, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    return p;
  }

  void poll() {
    HostConditions now = source.get();
    if (!now.equals(current)) {
      current = now;
      listeners.forEach(Runnable::run);
    }
  }

  @Override
  public HostConditions current() {
    return current;
  }

  @Override
  public void addListener(Runnable listener) {
    listeners.add(Objects.requireNonNull(listener, "listener == null"));
  }

  /** Stops polling. */
  @Override
  public void close() {
    ScheduledFuture<?> t = task;
    if (t != null) {
      t.cancel(false);
    }
  }
}
