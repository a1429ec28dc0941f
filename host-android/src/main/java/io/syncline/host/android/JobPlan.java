package io.syncline.host.android;

import android.annotation.TargetApi;
import android.app.job.JobInfo;
import android.content.ComponentName;
import android.os.PersistableBundle;
import io.syncline.spi.Constraints;
import io.syncline.spi.WorkRequest;
import java.time.Duration;
import java.util.Objects;

/**
 * How one {@link WorkRequest} becomes one platform job: the whole mapping as a value, so that it is
 * tested on its own and compared with the job already pending. Immutable.
 *
 * @param name the work name the job runs (the registry key)
 * @param retry whether this is the retry companion of periodic work rather than the work's own job
 * @param periodic whether the job repeats
 * @param intervalMillis the period, clamped to {@link #MIN_PERIOD_MILLIS}; 0 for one-off jobs
 * @param minLatencyMillis how long a one-off job waits before it may run; 0 for periodic jobs
 * @param networkType a {@code JobInfo.NETWORK_TYPE_*} constant
 * @param charging whether the job needs the device to charge
 * @param batteryNotLow whether the job needs the battery not low
 * @param idle whether the job needs the device idle
 * @param expedited whether to ask for an expedited job (used only where the platform has them)
 */
record JobPlan(
    String name,
    boolean retry,
    boolean periodic,
    long intervalMillis,
    long minLatencyMillis,
    int networkType,
    boolean charging,
    boolean batteryNotLow,
    boolean idle,
    boolean expedited) {

  /**
   * The shortest period JobScheduler runs periodic jobs at (15 minutes since API 24; {@code
   * JobInfo.getMinPeriodMillis()}). A shorter interval is raised to it: asking for less makes the
   * platform clamp it anyway, with only a log line.
   */
  static final long MIN_PERIOD_MILLIS = Duration.ofMinutes(15).toMillis();

  /** The API level that introduced expedited jobs. */
  static final int EXPEDITED_SINCE = 31;

  static final String EXTRA_NAME = "io.syncline.work.name";
  static final String EXTRA_RETRY = "io.syncline.work.retry";
  static final String EXTRA_SPEC = "io.syncline.work.spec";

  JobPlan {
    Objects.requireNonNull(name, "name == null");
  }

  /**
   * The job that runs {@code request} after {@code delay}: the request's own job ({@code delay} is
   * its initial delay), a one-off re-run after the engine's retry delay, or ({@code retry}) the
   * retry companion of periodic work.
   *
   * <p>Platform rules decide three things. A periodic job cannot be delayed, so a periodic
   * request's initial delay is dropped: its first run comes within its first period. A periodic job
   * runs at most every {@link #MIN_PERIOD_MILLIS}. An expedited job may not wait, repeat, or need
   * charging, battery or idleness, so such a request is not expedited (it runs as soon as its
   * constraints hold, like any job).
   */
  static JobPlan of(WorkRequest request, boolean retry, Duration delay) {
    Objects.requireNonNull(request, "request == null");
    Objects.requireNonNull(delay, "delay == null");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay < 0: " + delay);
    }
    Constraints c = request.constraints();
    boolean periodic = request.periodic() && !retry;
    long interval = periodic ? Math.max(request.interval().toMillis(), MIN_PERIOD_MILLIS) : 0;
    long latency = periodic ? 0 : delay.toMillis();
    boolean expedited =
        request.expedited()
            && !periodic
            && latency == 0
            && !c.requiresCharging()
            && !c.requiresBatteryNotLow()
            && !c.requiresDeviceIdle();
    return new JobPlan(
        request.name(),
        retry,
        periodic,
        interval,
        latency,
        networkType(c.network()),
        c.requiresCharging(),
        c.requiresBatteryNotLow(),
        c.requiresDeviceIdle(),
        expedited);
  }

  /** This plan as a regular job (when the platform refuses an expedited one). */
  JobPlan withoutExpedited() {
    return new JobPlan(
        name,
        retry,
        periodic,
        intervalMillis,
        minLatencyMillis,
        networkType,
        charging,
        batteryNotLow,
        idle,
        false);
  }

  /** The platform's network type for a constraint. */
  static int networkType(Constraints.Network network) {
    switch (network) {
      case NONE:
        return JobInfo.NETWORK_TYPE_NONE;
      case CONNECTED:
        return JobInfo.NETWORK_TYPE_ANY;
      case UNMETERED:
        return JobInfo.NETWORK_TYPE_UNMETERED;
      default:
        throw new AssertionError(network);
    }
  }

  /** The key a job id is assigned to: the work name, or a name no work can have for a companion. */
  String key() {
    return key(name, retry);
  }

  static String key(String name, boolean retry) {
    // '#' is not allowed in work names, so a companion's key never equals a work name.
    return retry ? name + "#retry" : name;
  }

  /**
   * This plan as text, stored in the job's extras: a pending job with the same text is the same
   * job.
   */
  String spec() {
    return toString();
  }

  /**
   * The platform job for this plan, persisted across reboots, run by {@code service}, on a device
   * at API level {@code sdkInt}.
   */
  JobInfo toJobInfo(int jobId, ComponentName service, int sdkInt) {
    PersistableBundle extras = new PersistableBundle();
    extras.putString(EXTRA_NAME, name);
    extras.putBoolean(EXTRA_RETRY, retry);
    extras.putString(EXTRA_SPEC, spec());
    JobInfo.Builder b =
        new JobInfo.Builder(jobId, service)
            .setExtras(extras)
            .setPersisted(true)
            .setRequiredNetworkType(networkType)
            .setRequiresCharging(charging)
            .setRequiresBatteryNotLow(batteryNotLow)
            .setRequiresDeviceIdle(idle);
    if (periodic) {
      b.setPeriodic(intervalMillis);
    } else if (minLatencyMillis > 0) {
      b.setMinimumLatency(minLatencyMillis);
    }
    if (expedited && sdkInt >= EXPEDITED_SINCE) {
      expedite(b);
    }
    return b.build();
  }

  @TargetApi(EXPEDITED_SINCE)
  private static void expedite(JobInfo.Builder b) {
    b.setExpedited(true);
  }
}
