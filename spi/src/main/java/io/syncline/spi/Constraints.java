package io.syncline.spi;

/**
 * Conditions a background sync run waits for, which a host scheduler maps onto its platform
 * (Android job constraints, a desktop's network monitor). A host that cannot observe a condition
 * treats it as met.
 *
 * @param network the network the run needs
 * @param requiresCharging run only while the device charges
 * @param requiresBatteryNotLow run only while the battery is not low
 * @param requiresDeviceIdle run only while the device is idle
 */
public record Constraints(
    Network network,
    boolean requiresCharging,
    boolean requiresBatteryNotLow,
    boolean requiresDeviceIdle) {

  /** Any connected network, no power or idle condition. */
  public static final Constraints CONNECTED =
      new Constraints(Network.CONNECTED, false, false, false);

  /** The network a run needs. */
  public enum Network {
    /** No network condition (for a run that only works locally). */
    NONE,
    /** Any connected network. */
    CONNECTED,
    /** A network that is not metered (not billed per byte). */
    UNMETERED
  }

  /** Validates: network non-null. */
  public Constraints {
    Checks.notNull(network, "network");
  }

  /**
   * The first constraint that {@code now} does not meet, by name ({@code "NETWORK"}, {@code
   * "UNMETERED"}, {@code "CHARGING"}, {@code "BATTERY_NOT_LOW"}, {@code "DEVICE_IDLE"}), or null if
   * all are met. Unknown conditions meet every constraint. Every host decides with this one method,
   * so the same constraints give the same decisions everywhere.
   */
  public String firstUnmet(HostConditions now) {
    Checks.notNull(now, "now");
    if (network != Network.NONE && now.network() == HostConditions.Network.NONE) {
      return "NETWORK";
    }
    if (network == Network.UNMETERED && now.network() == HostConditions.Network.METERED) {
      return "UNMETERED";
    }
    if (requiresCharging && now.charging() == HostConditions.Level.NO) {
      return "CHARGING";
    }
    if (requiresBatteryNotLow && now.batteryLow() == HostConditions.Level.YES) {
      return "BATTERY_NOT_LOW";
    }
    if (requiresDeviceIdle && now.idle() == HostConditions.Level.NO) {
      return "DEVICE_IDLE";
    }
    return null;
  }
}
