package io.syncline.host.jvm;

import io.syncline.spi.HostConditions;
import java.io.IOException;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Enumeration;
import java.util.Locale;

/**
 * Reads the system's conditions as far as the JVM can see them. Network: connected when an
 * interface other than loopback is up (whether it is metered is unknown on the JVM, which counts as
 * unmetered). Power, on Linux: from {@code /sys/class/power_supply} (mains online means charging; a
 * discharging battery under 15% is low); elsewhere unknown. Idle: unknown. Unknown conditions never
 * block sync.
 *
 * <p>Thread-safe and stateless: every call reads afresh.
 */
public final class SystemConditions {
  /** Battery capacity, in percent, under which a discharging battery counts as low. */
  public static final int LOW_BATTERY_PERCENT = 15;

  private final Path powerSupplies;

  /** Reads the live system. */
  public SystemConditions() {
    this(Paths.get("/sys/class/power_supply"));
  }

  /** Reads power from {@code powerSupplies}, laid out like Linux sysfs (for tests). */
  public SystemConditions(Path powerSupplies) {
    this.powerSupplies = powerSupplies;
  }

  /** The conditions now. */
  public HostConditions read() {
    HostConditions.Level[] power = readPower();
    return new HostConditions(readNetwork(), power[0], power[1], HostConditions.Level.UNKNOWN);
  }

  static HostConditions.Network readNetwork() {
    try {
      Enumeration<NetworkInterface> all = NetworkInterface.getNetworkInterfaces();
      if (all == null) {
        return HostConditions.Network.UNKNOWN;
      }
      while (all.hasMoreElements()) {
        NetworkInterface ni = all.nextElement();
        if (ni.isUp() && !ni.isLoopback()) {
          return HostConditions.Network.UNKNOWN;
        }
      }
      return HostConditions.Network.NONE;
    } catch (SocketException e) {
      return HostConditions.Network.UNKNOWN;
    }
  }

  /** {charging, batteryLow}. */
  HostConditions.Level[] readPower() {
    HostConditions.Level charging = HostConditions.Level.UNKNOWN;
    HostConditions.Level low = HostConditions.Level.UNKNOWN;
    if (!Files.isDirectory(powerSupplies)) {
      return new HostConditions.Level[] {charging, low};
    }
    boolean sawMains = false;
    boolean mainsOnline = false;
    boolean sawBattery = false;
    boolean batteryCharging = false;
    int capacity = 100;
    try (DirectoryStream<Path> supplies = Files.newDirectoryStream(powerSupplies)) {
      for (Path s : supplies) {
        String type = read(s.resolve("type"));
        if ("Mains".equalsIgnoreCase(type)) {
          sawMains = true;
          mainsOnline |= "1".equals(read(s.resolve("online")));
        } else if ("Battery".equalsIgnoreCase(type)) {
          sawBattery = true;
          String status = read(s.resolve("status")).toLowerCase(Locale.ROOT);
          batteryCharging |= status.equals("charging") || status.equals("full");
          try {
            capacity = Math.min(capacity, Integer.parseInt(read(s.resolve("capacity"))));
          } catch (NumberFormatException e) {
            // No capacity: low stays unknown unless another battery tells.
          }
        }
      }
    } catch (IOException e) {
      return new HostConditions.Level[] {charging, low};
    }
    if (sawMains || sawBattery) {
      boolean isCharging = mainsOnline || batteryCharging || !sawBattery;
      charging = isCharging ? HostConditions.Level.YES : HostConditions.Level.NO;
      low =
          sawBattery && !isCharging && capacity < LOW_BATTERY_PERCENT
              ? HostConditions.Level.YES
              : HostConditions.Level.NO;
    }
    return new HostConditions.Level[] {charging, low};
  }

  private static String read(Path p) {
    try {
      return new String(Files.readAllBytes(p), StandardCharsets.US_ASCII).trim();
    } catch (IOException e) {
      return "";
    }
  }
}
