package io.syncline.host.android;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import android.app.job.JobInfo;
import android.content.ComponentName;
import io.syncline.spi.Constraints;
import io.syncline.spi.WorkRequest;
import java.time.Duration;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.robolectric.RobolectricTestRunner;
import org.robolectric.RuntimeEnvironment;
import org.robolectric.annotation.Config;

/** Every part of a WorkRequest, mapped onto a platform job. */
@RunWith(RobolectricTestRunner.class)
@Config(sdk = 35, application = TestApplication.class)
public class JobPlanTest {
  private static final Duration RUN = Duration.ofMinutes(9);

  private static JobInfo build(JobPlan plan, int sdkInt) {
    return plan.toJobInfo(
        7, new ComponentName(RuntimeEnvironment.getApplication(), SyncJobService.class), sdkInt);
  }

  private static JobInfo oneOff(Constraints c, Duration delay) {
    return build(JobPlan.of(WorkRequest.oneOff("w", delay, c, RUN), false, delay), 35);
  }

  @Test
  public void eachNetworkConstraintBecomesTheJobsNetworkType() {
    assertThat(
            Jobs.networkType(
                oneOff(
                    new Constraints(Constraints.Network.NONE, false, false, false), Duration.ZERO)))
        .isEqualTo(JobInfo.NETWORK_TYPE_NONE);
    assertThat(Jobs.networkType(oneOff(Constraints.CONNECTED, Duration.ZERO)))
        .isEqualTo(JobInfo.NETWORK_TYPE_ANY);
    assertThat(
            Jobs.networkType(
                oneOff(
                    new Constraints(Constraints.Network.UNMETERED, false, false, false),
                    Duration.ZERO)))
        .isEqualTo(JobInfo.NETWORK_TYPE_UNMETERED);
  }

  @Test
  public void powerAndIdleConstraintsMapOneToOne() {
    for (int bits = 0; bits < 8; bits++) {
      boolean charging = (bits & 1) != 0;
      boolean batteryNotLow = (bits & 2) != 0;
      boolean idle = (bits & 4) != 0;
      JobInfo job =
          oneOff(
              new Constraints(Constraints.Network.CONNECTED, charging, batteryNotLow, idle),
              Duration.ofSeconds(1));
      assertThat(job.isRequireCharging()).as("charging %s", bits).isEqualTo(charging);
      assertThat(job.isRequireBatteryNotLow()).as("battery %s", bits).isEqualTo(batteryNotLow);
      assertThat(job.isRequireDeviceIdle()).as("idle %s", bits).isEqualTo(idle);
      assertThat(job.isPersisted()).isTrue();
    }
  }

  @Test
  public void aOneOffWaitsItsDelay() {
    JobInfo job = oneOff(Constraints.CONNECTED, Duration.ofSeconds(42));
    assertThat(job.isPeriodic()).isFalse();
    assertThat(job.getMinLatencyMillis()).isEqualTo(42_000);
    assertThat(job.getExtras().getString(JobPlan.EXTRA_NAME)).isEqualTo("w");
    assertThat(job.getExtras().getBoolean(JobPlan.EXTRA_RETRY)).isFalse();
  }

  @Test
  public void periodicWorkRepeatsAtLeastEveryFifteenMinutesAndDropsItsInitialDelay() {
    WorkRequest hourly =
        WorkRequest.periodic(
            "p", Duration.ofMinutes(3), Duration.ofHours(1), Constraints.CONNECTED, RUN);
    JobInfo job = build(JobPlan.of(hourly, false, hourly.initialDelay()), 35);
    assertThat(job.isPeriodic()).isTrue();
    assertThat(job.getIntervalMillis()).isEqualTo(Duration.ofHours(1).toMillis());
    assertThat(job.getMinLatencyMillis()).isZero();

    WorkRequest often =
        WorkRequest.periodic("p", Duration.ZERO, Duration.ofMinutes(1), Constraints.CONNECTED, RUN);
    JobPlan plan = JobPlan.of(often, false, Duration.ZERO);
    assertThat(plan.intervalMillis()).isEqualTo(JobInfo.getMinPeriodMillis());
    assertThat(build(plan, 35).getIntervalMillis()).isEqualTo(Duration.ofMinutes(15).toMillis());
  }

  @Test
  public void theRetryOfPeriodicWorkIsAOneOffCompanionUnderItsOwnKey() {
    WorkRequest hourly =
        WorkRequest.periodic("p", Duration.ZERO, Duration.ofHours(1), Constraints.CONNECTED, RUN);
    JobPlan retry = JobPlan.of(hourly, true, Duration.ofSeconds(17));
    assertThat(retry.key())
        .isEqualTo("p#retry")
        .isNotEqualTo(JobPlan.of(hourly, false, Duration.ZERO).key());
    JobInfo job = build(retry, 35);
    assertThat(job.isPeriodic()).isFalse();
    assertThat(job.getMinLatencyMillis()).isEqualTo(17_000);
    assertThat(job.getExtras().getString(JobPlan.EXTRA_NAME)).isEqualTo("p");
    assertThat(job.getExtras().getBoolean(JobPlan.EXTRA_RETRY)).isTrue();
  }

  @Test
  public void expeditedWorkIsExpeditedWhereThePlatformAllowsIt() {
    WorkRequest now =
        new WorkRequest("u", false, Duration.ZERO, Duration.ZERO, Constraints.CONNECTED, RUN, true);
    assertThat(build(JobPlan.of(now, false, Duration.ZERO), 35).isExpedited()).isTrue();
    // Before API 31 there are no expedited jobs.
    assertThat(build(JobPlan.of(now, false, Duration.ZERO), 30).isExpedited()).isFalse();
    // An expedited job may not wait, nor need charging, battery or idleness.
    assertThat(JobPlan.of(now, false, Duration.ofSeconds(5)).expedited()).isFalse();
    for (Constraints c :
        new Constraints[] {
          new Constraints(Constraints.Network.CONNECTED, true, false, false),
          new Constraints(Constraints.Network.CONNECTED, false, true, false),
          new Constraints(Constraints.Network.CONNECTED, false, false, true)
        }) {
      WorkRequest r = new WorkRequest("u", false, Duration.ZERO, Duration.ZERO, c, RUN, true);
      JobPlan plan = JobPlan.of(r, false, Duration.ZERO);
      assertThat(plan.expedited()).as("%s", c).isFalse();
      assertThat(build(plan, 35).isExpedited()).isFalse();
    }
  }

  @Test
  public void theSpecTellsEqualJobsApart() {
    WorkRequest a =
        WorkRequest.periodic("p", Duration.ZERO, Duration.ofHours(1), Constraints.CONNECTED, RUN);
    WorkRequest b =
        WorkRequest.periodic("p", Duration.ZERO, Duration.ofHours(2), Constraints.CONNECTED, RUN);
    assertThat(JobPlan.of(a, false, Duration.ZERO).spec())
        .isEqualTo(JobPlan.of(a, false, Duration.ZERO).spec())
        .isNotEqualTo(JobPlan.of(b, false, Duration.ZERO).spec());
  }

  @Test
  public void aNegativeDelayIsRefused() {
    WorkRequest r = WorkRequest.oneOff("w", Duration.ZERO, Constraints.CONNECTED, RUN);
    assertThatThrownBy(() -> JobPlan.of(r, false, Duration.ofMillis(-1)))
        .hasMessageContaining("delay");
  }
}
