package io.syncline.host.android;

import static org.assertj.core.api.Assertions.assertThat;

import android.content.Context;
import android.content.Intent;
import android.net.ConnectivityManager;
import android.os.BatteryManager;
import io.syncline.spi.HostConditions;
import io.syncline.spi.HostConditions.Level;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.robolectric.RobolectricTestRunner;
import org.robolectric.RuntimeEnvironment;
import org.robolectric.Shadows;
import org.robolectric.annotation.Config;

/** What the device reports, read the way JobScheduler reads it. */
@RunWith(RobolectricTestRunner.class)
@Config(sdk = 35, application = TestApplication.class)
public class AndroidConditionsTest {
  private Context context;
  private Device device;
  private AndroidConditions conditions;
  private final AtomicInteger changes = new AtomicInteger();

  @Before
  public void setUp() {
    context = RuntimeEnvironment.getApplication();
    device = new Device(context);
    device.battery(false, false);
    conditions = AndroidConditions.start(context);
    conditions.addListener(changes::incrementAndGet);
  }

  @After
  public void tearDown() {
    conditions.close();
  }

  @Test
  public void theDefaultNetworkIsMeteredUnlessItSaysOtherwise() {
    device.network(HostConditions.Network.UNMETERED);
    assertThat(conditions.current().network()).isEqualTo(HostConditions.Network.UNMETERED);
    device.network(HostConditions.Network.METERED);
    assertThat(conditions.current().network()).isEqualTo(HostConditions.Network.METERED);
    device.network(HostConditions.Network.NONE);
    assertThat(conditions.current().network()).isEqualTo(HostConditions.Network.NONE);
    assertThat(conditions.current().connected()).isFalse();
    assertThat(changes.get()).isEqualTo(3);
    assertThat(AndroidConditions.networkOf(null)).isEqualTo(HostConditions.Network.UNKNOWN);
  }

  @Test
  public void chargingAndBatteryComeFromTheStickyBroadcast() {
    // Read at start, before any change.
    assertThat(conditions.current().charging()).isEqualTo(Level.NO);
    assertThat(conditions.current().batteryLow()).isEqualTo(Level.NO);
    device.battery(true, false);
    assertThat(conditions.current().charging()).isEqualTo(Level.YES);
    device.battery(false, true);
    assertThat(conditions.current().charging()).isEqualTo(Level.NO);
    assertThat(conditions.current().batteryLow()).isEqualTo(Level.YES);
    assertThat(changes.get()).isEqualTo(2);
  }

  @Test
  public void batteryReadingsFollowThePlatformsNotions() {
    Intent full =
        new Intent(Intent.ACTION_BATTERY_CHANGED)
            .putExtra(BatteryManager.EXTRA_STATUS, BatteryManager.BATTERY_STATUS_FULL);
    assertThat(AndroidConditions.chargingOf(full)).isEqualTo(Level.YES);
    Intent notCharging =
        new Intent(Intent.ACTION_BATTERY_CHANGED)
            .putExtra(BatteryManager.EXTRA_STATUS, BatteryManager.BATTERY_STATUS_NOT_CHARGING);
    assertThat(AndroidConditions.chargingOf(notCharging)).isEqualTo(Level.NO);
    assertThat(AndroidConditions.chargingOf(new Intent())).isEqualTo(Level.UNKNOWN);
    assertThat(AndroidConditions.batteryLowOf(new Intent())).isEqualTo(Level.UNKNOWN);
    // Before API 28 the broadcast has no battery-low flag: 15% and below, not charging, is low.
    assertThat(AndroidConditions.batteryLowOf(Device.battery(false, false, 15, false)))
        .isEqualTo(Level.YES);
    assertThat(AndroidConditions.batteryLowOf(Device.battery(false, false, 16, false)))
        .isEqualTo(Level.NO);
    assertThat(AndroidConditions.batteryLowOf(Device.battery(true, false, 5, false)))
        .isEqualTo(Level.NO);
    // Where the flag is there, it decides.
    assertThat(AndroidConditions.batteryLowOf(Device.battery(false, true, 60, true)))
        .isEqualTo(Level.YES);
  }

  @Test
  public void idleIsKnownInDozeAndNotWhileTheScreenIsInteractive() {
    device.power(false, true);
    assertThat(conditions.current().idle()).isEqualTo(Level.NO);
    device.power(false, false);
    assertThat(conditions.current().idle()).isEqualTo(Level.UNKNOWN);
    device.power(true, false);
    assertThat(conditions.current().idle()).isEqualTo(Level.YES);
  }

  @Test
  public void closingStopsFollowingTheDevice() {
    ConnectivityManager cm = context.getSystemService(ConnectivityManager.class);
    assertThat(Shadows.shadowOf(cm).getNetworkCallbacks()).hasSize(1);
    conditions.close();
    conditions.close();
    assertThat(Shadows.shadowOf(cm).getNetworkCallbacks()).isEmpty();
    device.battery(true, false);
    assertThat(conditions.current().charging()).isEqualTo(Level.NO);
    assertThat(changes.get()).isZero();
  }
}
