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
}
