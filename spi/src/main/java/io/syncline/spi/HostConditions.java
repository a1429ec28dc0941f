package io.syncline.spi;

/**
 * What a host observes about the device right now, for checking {@link Constraints}. A condition
 * the host cannot observe is {@link Level#UNKNOWN}, which satisfies every constraint: an unknown
 * condition never blocks sync.
 *
 * @param network the network
 * @param charging whether the device charges
 * @param batteryLow whether the battery is low
 * @param idle whether the device is idle
 */
public record HostConditions(Network network, Level charging, Level batteryLow, Level idle) {

  /** The network a host observes. */
  public enum Network {
    /** No connection. */
    NONE,
    /** Connected, billed per byte (cellular, a hotspot). */
    METERED,
    /** Connected, not metered. */
    UNMETERED,
    /** Connected, or not observable; treated as unmetered. */
    UNKNOWN
  }

  /** A yes/no condition that a host may be unable to observe. */
  public enum Level {
    /** The condition holds. */
    YES,
    /** The condition does not hold. */
    NO,
    /** The host cannot tell. */
    UNKNOWN
  }

  /** Nothing observable: every constraint is met. */
  public static final HostConditions UNKNOWN =
      new HostConditions(Network.UNKNOWN, Level.UNKNOWN, Level.UNKNOWN, Level.UNKNOWN);

  /** Validates: no part is null. */
  public HostConditions {
    Checks.notNull(network, "network");
    Checks.notNull(charging, "charging");
    Checks.notNull(batteryLow, "batteryLow");
    Checks.notNull(idle, "idle");
  }

  /** These conditions with another network. */
  public HostConditions withNetwork(Network n) {
    return new HostConditions(n, charging, batteryLow, idle);
  }

  /** Whether some network is (or may be) connected. */
  public boolean connected() {
    return network != Network.NONE;
  }
}
