package io.syncline.host.jvm;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.spi.HostConditions;
import io.syncline.spi.HostConditions.Level;
import io.syncline.testkit.FakeClock;
import io.syncline.testkit.VirtualExecutor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SystemConditionsTest {
  @TempDir Path sysfs;

  private void supply(String name, String... keyValues) throws IOException {
    Path dir = Files.createDirectories(sysfs.resolve(name));
    for (int i = 0; i < keyValues.length; i += 2) {
      Files.write(
          dir.resolve(keyValues[i]), (keyValues[i + 1] + "\n").getBytes(StandardCharsets.US_ASCII));
    }
  }

  @Test
  void laptopOnMainsIsChargingAndNotLow() throws IOException {
    supply("AC", "type", "Mains", "online", "1");
    supply("BAT0", "type", "Battery", "status", "Charging", "capacity", "8");
    HostConditions c = new SystemConditions(sysfs).read();
    assertThat(c.charging()).isEqualTo(Level.YES);
    assertThat(c.batteryLow()).isEqualTo(Level.NO);
    assertThat(c.idle()).isEqualTo(Level.UNKNOWN);
  }

  @Test
  void laptopOnALowBatteryIsNotChargingAndLow() throws IOException {
    supply("AC", "type", "Mains", "online", "0");
    supply("BAT0", "type", "Battery", "status", "Discharging", "capacity", "9");
    HostConditions c = new SystemConditions(sysfs).read();
    assertThat(c.charging()).isEqualTo(Level.NO);
    assertThat(c.batteryLow()).isEqualTo(Level.YES);
  }

  @Test
  void desktopWithoutBatteryCountsAsCharging() throws IOException {
    supply("AC", "type", "Mains", "online", "1");
    HostConditions c = new SystemConditions(sysfs).read();
    assertThat(c.charging()).isEqualTo(Level.YES);
    assertThat(c.batteryLow()).isEqualTo(Level.NO);
  }

  @Test
  void noPowerInformationIsUnknownWhichAllows() {
    HostConditions c = new SystemConditions(sysfs.resolve("missing")).read();
    assertThat(c.charging()).isEqualTo(Level.UNKNOWN);
    assertThat(c.batteryLow()).isEqualTo(Level.UNKNOWN);
    assertThat(c.network()).isNotNull();
  }

  @Test
  void pollingTellsListenersOnlyOfChanges() {
    FakeClock clock = new FakeClock();
    VirtualExecutor executor = new VirtualExecutor(clock);
    AtomicReference<HostConditions> source = new AtomicReference<>(HostConditions.UNKNOWN);
    PollingConditions p = PollingConditions.start(executor, source::get, Duration.ofSeconds(10));
    AtomicInteger changes = new AtomicInteger();
    p.addListener(changes::incrementAndGet);
    executor.advance(Duration.ofSeconds(30));
    assertThat(changes.get()).isZero();
    source.set(HostConditions.UNKNOWN.withNetwork(HostConditions.Network.NONE));
    executor.advance(Duration.ofSeconds(10));
    assertThat(changes.get()).isEqualTo(1);
    assertThat(p.current().network()).isEqualTo(HostConditions.Network.NONE);
    p.close();
    source.set(HostConditions.UNKNOWN);
    executor.advance(Duration.ofSeconds(60));
    assertThat(changes.get()).isEqualTo(1);
  }
}
