package io.syncline.host.android;

import android.content.BroadcastReceiver;
import android.content.Context;
import android.content.Intent;
import android.content.IntentFilter;
import android.net.ConnectivityManager;
import android.net.Network;
import android.net.NetworkCapabilities;
import android.os.BatteryManager;
import android.os.Handler;
import android.os.Looper;
import android.os.PowerManager;
import io.syncline.spi.HostConditions;
import io.syncline.spi.HostConditions.Level;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What an Android device offers background sync right now, as {@link HostConditions}: the default
 * network from {@link ConnectivityManager} (metered unless it has {@code
 * NET_CAPABILITY_NOT_METERED}), charging and battery level from the sticky {@code
 * ACTION_BATTERY_CHANGED} broadcast, and idleness from {@link PowerManager}.
 *
 * <pre>{@code
 * AndroidConditions conditions = AndroidConditions.start(context);
 * HostConditions now = conditions.current();
 * }</pre>
 *
 * <p>JobScheduler enforces a job's constraints itself; these readings are for the engine's status
 * (which constraint a due run waits for) and for noticing that connectivity came back. Each one
 * follows the platform's own notion where a public API exposes it, and approximates it otherwise:
 *
 * <ul>
 *   <li>Network: {@code NONE} without a default network, else {@code UNMETERED} or {@code METERED};
 *       {@code UNKNOWN} while a network's capabilities are not known yet.
 *   <li>Charging: {@code YES} while the battery status is charging or full, {@code NO} otherwise,
 *       {@code UNKNOWN} before the first battery broadcast.
 *   <li>Battery low: the broadcast's {@code EXTRA_BATTERY_LOW} (API 28+); before API 28, at most
 *       15% (the platform's default warning level) and not charging.
 *   <li>Idle: {@code YES} in Doze, {@code NO} while the screen is interactive, otherwise {@code
 *       UNKNOWN}: JobScheduler's own idle signal (screen off for a while) is not public, and an
 *       unknown condition never blocks.
 * </ul>
 *
 * <p>Following the network needs the {@code android.permission.ACCESS_NETWORK_STATE} permission;
 * without it {@link #start} throws {@link SecurityException}.
 *
 * <p>Thread-safe. {@link #current()} may be called from any thread. Platform callbacks arrive on
 * the main thread, and listeners run there, one at a time; they must not block. {@link #close()}
 * unregisters every callback.
 */
public final class AndroidConditions implements AutoCloseable {
  /** Battery at or below this percentage counts as low where the platform does not say (< 28). */
  static final int LOW_BATTERY_PERCENT = 15;

  /** {@code BatteryManager.EXTRA_BATTERY_LOW}, API 28; a constant, so that older devices link. */
  static final String EXTRA_BATTERY_LOW = "battery_low";

  private final Context context;
  private final ConnectivityManager connectivity;
  private final PowerManager power;
  private final Handler main;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private final ConnectivityManager.NetworkCallback networkCallback;
  private final BroadcastReceiver deviceReceiver;
  private volatile HostConditions.Network network;
  private volatile Level charging = Level.UNKNOWN;
  private volatile Level batteryLow = Level.UNKNOWN;
  private volatile Level idle = Level.UNKNOWN;
  private volatile boolean closed;

  private AndroidConditions(Context context) {
    this.context = context;
    this.connectivity = context.getSystemService(ConnectivityManager.class);
    this.power = context.getSystemService(PowerManager.class);
    this.main = new Handler(Looper.getMainLooper());
    this.network = readNetwork();
    this.idle = readIdle();
    this.networkCallback =
        new ConnectivityManager.NetworkCallback() {
          @Override
          public void onAvailable(Network n) {
            NetworkCapabilities caps = connectivity.getNetworkCapabilities(n);
            update(() -> network = networkOf(caps));
          }

          @Override
          public void onCapabilitiesChanged(Network n, NetworkCapabilities caps) {
            update(() -> network = networkOf(caps));
          }

          @Override
          public void onLost(Network n) {
            update(() -> network = HostConditions.Network.NONE);
          }
        };
    this.deviceReceiver =
        new BroadcastReceiver() {
          @Override
          public void onReceive(Context c, Intent intent) {
            if (Intent.ACTION_BATTERY_CHANGED.equals(intent.getAction())) {
              update(() -> readBattery(intent));
            } else {
              update(() -> idle = readIdle());
            }
          }
        };
  }

  /**
   * Reads the device's conditions now and follows their changes until {@link #close()}. Call from
   * any thread; callbacks are delivered on the main thread.
   */
  public static AndroidConditions start(Context context) {
    Objects.requireNonNull(context, "context == null");
    AndroidConditions c = new AndroidConditions(context.getApplicationContext());
    c.listen();
    return c;
  }

  private void listen() {
    if (connectivity != null) {
      connectivity.registerDefaultNetworkCallback(networkCallback, main);
    }
    IntentFilter filter = new IntentFilter(Intent.ACTION_BATTERY_CHANGED);
    filter.addAction(Intent.ACTION_SCREEN_ON);
    filter.addAction(Intent.ACTION_SCREEN_OFF);
    filter.addAction(PowerManager.ACTION_DEVICE_IDLE_MODE_CHANGED);
    // Only protected system broadcasts: no export flag is needed on any API level.
    Intent sticky = context.registerReceiver(deviceReceiver, filter, null, main);
    if (sticky != null) {
      readBattery(sticky);
    }
  }

  /** The conditions now. */
  public HostConditions current() {
    return new HostConditions(network, charging, batteryLow, idle);
  }

  /**
   * Calls {@code listener} on the main thread after any condition may have changed (it may be
   * called when nothing did). Listeners must not block.
   */
  public void addListener(Runnable listener) {
    listeners.add(Objects.requireNonNull(listener, "listener == null"));
  }

  /** Stops calling {@code listener}. */
  public void removeListener(Runnable listener) {
    listeners.remove(Objects.requireNonNull(listener, "listener == null"));
  }

  /** Stops following changes; {@link #current()} keeps the last readings. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (connectivity != null) {
      try {
        connectivity.unregisterNetworkCallback(networkCallback);
      } catch (IllegalArgumentException notRegistered) {
        // Registration had failed; nothing to undo.
      }
    }
    try {
      context.unregisterReceiver(deviceReceiver);
    } catch (IllegalArgumentException notRegistered) {
      // Idem.
    }
    listeners.clear();
  }

  private void update(Runnable change) {
    if (closed) {
      return;
    }
    change.run();
    for (Runnable l : listeners) {
      l.run();
    }
  }

  private HostConditions.Network readNetwork() {
    if (connectivity == null) {
      return HostConditions.Network.UNKNOWN;
    }
    Network active = connectivity.getActiveNetwork();
    if (active == null) {
      return HostConditions.Network.NONE;
    }
    return networkOf(connectivity.getNetworkCapabilities(active));
  }

  private Level readIdle() {
    return power == null ? Level.UNKNOWN : idleOf(power.isDeviceIdleMode(), power.isInteractive());
  }

  private void readBattery(Intent battery) {
    charging = chargingOf(battery);
    batteryLow = batteryLowOf(battery);
  }

  /** The network a default network with these capabilities (null: not known yet) is. */
  static HostConditions.Network networkOf(NetworkCapabilities caps) {
    if (caps == null) {
      return HostConditions.Network.UNKNOWN;
    }
    return caps.hasCapability(NetworkCapabilities.NET_CAPABILITY_NOT_METERED)
        ? HostConditions.Network.UNMETERED
        : HostConditions.Network.METERED;
  }

  /** Whether the device charges, from an {@code ACTION_BATTERY_CHANGED} intent. */
  static Level chargingOf(Intent battery) {
    int status = battery.getIntExtra(BatteryManager.EXTRA_STATUS, -1);
    if (status == -1) {
      return Level.UNKNOWN;
    }
    return status == BatteryManager.BATTERY_STATUS_CHARGING
            || status == BatteryManager.BATTERY_STATUS_FULL
        ? Level.YES
        : Level.NO;
  }

  /** Whether the battery is low, from an {@code ACTION_BATTERY_CHANGED} intent. */
  static Level batteryLowOf(Intent battery) {
    if (battery.hasExtra(EXTRA_BATTERY_LOW)) {
      return battery.getBooleanExtra(EXTRA_BATTERY_LOW, false) ? Level.YES : Level.NO;
    }
    int level = battery.getIntExtra(BatteryManager.EXTRA_LEVEL, -1);
    int scale = battery.getIntExtra(BatteryManager.EXTRA_SCALE, -1);
    if (level < 0 || scale <= 0) {
      return Level.UNKNOWN;
    }
    if (chargingOf(battery) == Level.YES) {
      return Level.NO;
    }
    return level * 100L <= (long) LOW_BATTERY_PERCENT * scale ? Level.YES : Level.NO;
  }

  /** Whether the device is idle, from Doze and the screen. */
  static Level idleOf(boolean dozing, boolean interactive) {
    if (dozing) {
      return Level.YES;
    }
    return interactive ? Level.NO : Level.UNKNOWN;
  }
}
