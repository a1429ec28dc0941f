package io.syncline.host.android;

import android.content.Context;
import android.content.Intent;
import android.net.ConnectivityManager;
import android.net.Network;
import android.net.NetworkCapabilities;
import android.os.BatteryManager;
import android.os.PowerManager;
import io.syncline.spi.HostConditions;
import org.robolectric.Shadows;
import org.robolectric.shadow.api.Shadow;
import org.robolectric.shadows.ShadowNetwork;
import org.robolectric.shadows.ShadowNetworkCapabilities;

/** Sets what a device reports, through the platform's own callbacks and broadcasts. */
final class Device {
  private final Context context;
  private final Network wifi = ShadowNetwork.newInstance(100);

  Device(Context context) {
    this.context = context;
  }

  /** The default network becomes {@code network} (or is lost, for NONE). */
  void network(HostConditions.Network network) {
    ConnectivityManager cm = context.getSystemService(ConnectivityManager.class);
    for (ConnectivityManager.NetworkCallback cb : Shadows.shadowOf(cm).getNetworkCallbacks()) {
      if (network == HostConditions.Network.NONE) {
        cb.onLost(wifi);
      } else {
        cb.onCapabilitiesChanged(wifi, capabilities(network == HostConditions.Network.UNMETERED));
      }
    }
  }

  static NetworkCapabilities capabilities(boolean unmetered) {
    NetworkCapabilities caps = ShadowNetworkCapabilities.newInstance();
    ShadowNetworkCapabilities shadow = Shadow.extract(caps);
    shadow.addCapability(NetworkCapabilities.NET_CAPABILITY_INTERNET);
    if (unmetered) {
      shadow.addCapability(NetworkCapabilities.NET_CAPABILITY_NOT_METERED);
    } else {
      shadow.removeCapability(NetworkCapabilities.NET_CAPABILITY_NOT_METERED);
    }
    return caps;
  }

  /** The sticky battery broadcast says this. */
  @SuppressWarnings("deprecation") // the system sends this broadcast sticky; tests play the system
  void battery(boolean charging, boolean low) {
    context.sendStickyBroadcast(battery(charging, low, low ? 10 : 80, true));
    Jobs.idleMain();
  }

  static Intent battery(boolean charging, boolean low, int percent, boolean withLowExtra) {
    Intent i =
        new Intent(Intent.ACTION_BATTERY_CHANGED)
            .putExtra(
                BatteryManager.EXTRA_STATUS,
                charging
                    ? BatteryManager.BATTERY_STATUS_CHARGING
                    : BatteryManager.BATTERY_STATUS_DISCHARGING)
            .putExtra(BatteryManager.EXTRA_LEVEL, percent)
            .putExtra(BatteryManager.EXTRA_SCALE, 100);
    if (withLowExtra) {
      i.putExtra(AndroidConditions.EXTRA_BATTERY_LOW, low);
    }
    return i;
  }

  /** Power says the device dozes or not, and whether its screen is interactive. */
  void power(boolean dozing, boolean interactive) {
    PowerManager pm = context.getSystemService(PowerManager.class);
    Shadows.shadowOf(pm).setIsDeviceIdleMode(dozing);
    Shadows.shadowOf(pm).turnScreenOn(interactive);
    context.sendBroadcast(
        new Intent(interactive ? Intent.ACTION_SCREEN_ON : Intent.ACTION_SCREEN_OFF));
    Jobs.idleMain();
  }

  /** Sets everything {@code c} says. */
  void set(HostConditions c) {
    network(c.network());
    battery(c.charging() == HostConditions.Level.YES, c.batteryLow() == HostConditions.Level.YES);
    power(c.idle() == HostConditions.Level.YES, c.idle() == HostConditions.Level.NO);
  }
}
