package io.syncline.host.android;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import android.app.Application;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.robolectric.RobolectricTestRunner;
import org.robolectric.RuntimeEnvironment;
import org.robolectric.annotation.Config;

/** An app whose jobs could not find their scheduler after process death is told at once. */
@RunWith(RobolectricTestRunner.class)
@Config(sdk = 35, application = Application.class)
public class HostRequirementTest {
  @Test
  public void buildingWithoutAHostApplicationFailsNamingTheFix() {
    assertThatThrownBy(
            () -> JobSchedulerSyncScheduler.builder(RuntimeEnvironment.getApplication()).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("must implement SyncJobService.Host");
  }
}
