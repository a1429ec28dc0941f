package io.syncline.engine;

import io.syncline.spi.Constraints;
import java.time.Duration;
import java.util.Objects;

/**
 * When and how background sync runs, declared once and mapped by every host onto its own scheduler
 * (the JVM executor, Android's job scheduler), so that one policy gives the same decisions
 * everywhere.
 *
 * <ul>
 *   <li><b>Constraints</b>: the network (any or unmetered), charging, battery not low, device idle.
 *       Hosts check them with {@link Constraints#firstUnmet}.
 *   <li><b>Interval</b>: the period of background runs (Android enforces at least 15 minutes).
 *   <li><b>Maximum staleness</b>: after this long without a successful sync, a run happens as soon
 *       as any network is up, whatever the other constraints say. Zero turns it off.
 *   <li><b>Expedite on user action</b>: {@link SyncEngine#requestSync()} runs at once under a
 *       network-only constraint, ahead of deferrable work.
 *   <li><b>Mode</b>: background runs either sync fully or only drain the outbox (push only), which
 *       is cheaper for frequent wake-ups; manual syncs are always full.
 *   <li><b>Maximum run time</b>: a run stops cleanly before it, keeping finished batches (an OS
 *       gives a background job minutes, not hours).
 *   <li><b>Local change debounce</b>: how long after a local write a run starts.
 * </ul>
 *
 * <p>Immutable.
 *
 * <pre>{@code
 * SyncPolicy policy = SyncPolicy.builder()
 *     .network(Constraints.Network.UNMETERED)
 *     .requiresCharging(true)
 *     .interval(Duration.ofHours(1))
 *     .maxStaleness(Duration.ofHours(12))
 *     .build();
 * }</pre>
 */
public final class SyncPolicy {
  /** Any network, every 15 minutes, full syncs, no staleness bound, 9-minute runs. */
  public static final SyncPolicy DEFAULT = builder().build();

  /** What background runs do. */
  public enum Mode {
    /** Push local changes, then pull the peer's. */
    FULL,
    /** Only push local changes (drain the outbox). */
    PUSH_ONLY
  }

  private final Constraints constraints;
  private final Duration interval;
  private final Duration maxStaleness;
  private final boolean expediteOnUserAction;
  private final Mode mode;
  private final Duration maxRunTime;
  private final Duration localChangeDebounce;

  private SyncPolicy(Builder b) {
    this.constraints =
        new Constraints(b.network, b.requiresCharging, b.requiresBatteryNotLow, b.requiresIdle);
    this.interval = b.interval;
    this.maxStaleness = b.maxStaleness;
    this.expediteOnUserAction = b.expediteOnUserAction;
    this.mode = b.mode;
    this.maxRunTime = b.maxRunTime;
    this.localChangeDebounce = b.localChangeDebounce;
  }

  /** A builder with the defaults of {@link #DEFAULT}. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this policy's settings. */
  public Builder newBuilder() {
    Builder b = new Builder();
    b.network = constraints.network();
    b.requiresCharging = constraints.requiresCharging();
    b.requiresBatteryNotLow = constraints.requiresBatteryNotLow();
    b.requiresIdle = constraints.requiresDeviceIdle();
    b.interval = interval;
    b.maxStaleness = maxStaleness;
    b.expediteOnUserAction = expediteOnUserAction;
    b.mode = mode;
    b.maxRunTime = maxRunTime;
    b.localChangeDebounce = localChangeDebounce;
    return b;
  }

  /** The constraints of regular background runs. */
  public Constraints constraints() {
    return constraints;
  }

  /** The period of background runs. */
  public Duration interval() {
    return interval;
  }

  /** How long without a successful sync before constraints other than network are waived. */
  public Duration maxStaleness() {
    return maxStaleness;
  }

  /** Whether a user's request runs at once, ahead of deferrable work. */
  public boolean expediteOnUserAction() {
    return expediteOnUserAction;
  }

  /** What background runs do. */
  public Mode mode() {
    return mode;
  }

  /** How long one run may take. */
  public Duration maxRunTime() {
    return maxRunTime;
  }

  /** How long after a local write a background run starts. */
  public Duration localChangeDebounce() {
    return localChangeDebounce;
  }

  @Override
  public String toString() {
    return "SyncPolicy{"
        + constraints
        + ", every "
        + interval
        + (maxStaleness.isZero() ? "" : ", stale after " + maxStaleness)
        + ", "
        + mode
        + (expediteOnUserAction ? ", expedite on user action" : "")
        + ", runs up to "
        + maxRunTime
        + "}";
  }

  /** Builds a {@link SyncPolicy}; {@link #build()} validates. Not thread-safe. */
  public static final class Builder {
    private Constraints.Network network = Constraints.Network.CONNECTED;
    private boolean requiresCharging;
    private boolean requiresBatteryNotLow;
    private boolean requiresIdle;
    private Duration interval = Duration.ofMinutes(15);
    private Duration maxStaleness = Duration.ZERO;
    private boolean expediteOnUserAction = true;
    private Mode mode = Mode.FULL;
    private Duration maxRunTime = Duration.ofMinutes(9);
    private Duration localChangeDebounce = Duration.ofSeconds(2);

    private Builder() {}

    /** The network runs need (default: any connected network). */
    public Builder network(Constraints.Network network) {
      this.network = Objects.requireNonNull(network, "network == null");
      return this;
    }

    /** Run only while charging (default false). */
    public Builder requiresCharging(boolean v) {
      this.requiresCharging = v;
      return this;
    }

    /** Run only while the battery is not low (default false). */
    public Builder requiresBatteryNotLow(boolean v) {
      this.requiresBatteryNotLow = v;
      return this;
    }

    /** Run only while the device is idle (default false). */
    public Builder requiresDeviceIdle(boolean v) {
      this.requiresIdle = v;
      return this;
    }

    /** The period of background runs (default 15 minutes); positive. */
    public Builder interval(Duration d) {
      this.interval = Objects.requireNonNull(d, "interval == null");
      return this;
    }

    /** Waive all but the network constraint after this long without success; zero: never. */
    public Builder maxStaleness(Duration d) {
      this.maxStaleness = Objects.requireNonNull(d, "maxStaleness == null");
      return this;
    }

    /** Whether {@link SyncEngine#requestSync()} is expedited (default true). */
    public Builder expediteOnUserAction(boolean v) {
      this.expediteOnUserAction = v;
      return this;
    }

    /** What background runs do (default {@link Mode#FULL}). */
    public Builder mode(Mode mode) {
      this.mode = Objects.requireNonNull(mode, "mode == null");
      return this;
    }

    /** How long one run may take (default 9 minutes); positive. */
    public Builder maxRunTime(Duration d) {
      this.maxRunTime = Objects.requireNonNull(d, "maxRunTime == null");
      return this;
    }

    /** How long after a local write a background run starts (default 2 s); not negative. */
    public Builder localChangeDebounce(Duration d) {
      this.localChangeDebounce = Objects.requireNonNull(d, "localChangeDebounce == null");
      return this;
    }

    /** The policy; throws {@link IllegalArgumentException} naming a bad setting. */
    public SyncPolicy build() {
      if (interval.isZero() || interval.isNegative()) {
        throw new IllegalArgumentException("interval must be positive: " + interval);
      }
      if (maxRunTime.isZero() || maxRunTime.isNegative()) {
        throw new IllegalArgumentException("maxRunTime must be positive: " + maxRunTime);
      }
      if (maxStaleness.isNegative()) {
        throw new IllegalArgumentException("maxStaleness < 0: " + maxStaleness);
      }
      if (!maxStaleness.isZero() && maxStaleness.compareTo(interval) < 0) {
        throw new IllegalArgumentException(
            "maxStaleness " + maxStaleness + " is shorter than the interval " + interval);
      }
      if (localChangeDebounce.isNegative()) {
        throw new IllegalArgumentException("localChangeDebounce < 0: " + localChangeDebounce);
      }
      return new SyncPolicy(this);
    }
  }
}
