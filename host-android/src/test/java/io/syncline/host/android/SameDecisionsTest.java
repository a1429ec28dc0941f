package io.syncline.host.android;

import static org.assertj.core.api.Assertions.assertThat;

import io.reactivex.rxjava3.schedulers.Schedulers;
import io.syncline.engine.Peer;
import io.syncline.engine.SyncEngine;
import io.syncline.engine.SyncPolicy;
import io.syncline.engine.SyncStatus;
import io.syncline.host.jvm.ExecutorSyncScheduler;
import io.syncline.host.jvm.ManualConditions;
import io.syncline.spi.Constraints;
import io.syncline.spi.HostConditions;
import io.syncline.spi.HostConditions.Level;
import io.syncline.spi.SyncScheduler;
import io.syncline.store.memory.MemoryStore;
import io.syncline.testkit.FakeClock;
import io.syncline.testkit.LoopbackTransport;
import io.syncline.testkit.VirtualExecutor;
import java.util.ArrayList;
import java.util.List;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.robolectric.RobolectricTestRunner;
import org.robolectric.RuntimeEnvironment;
import org.robolectric.annotation.Config;

/**
 * One policy, the same decisions: for every combination of device conditions, the Android host
 * (reading a device set to those conditions) and the JVM host (told the same conditions) run due
 * work, or hold it back for the same constraint.
 */
@RunWith(RobolectricTestRunner.class)
@Config(sdk = 35, application = TestApplication.class)
public class SameDecisionsTest {
  private static final List<SyncPolicy> POLICIES =
      List.of(
          SyncPolicy.DEFAULT,
          SyncPolicy.builder()
              .network(Constraints.Network.UNMETERED)
              .requiresCharging(true)
              .build(),
          SyncPolicy.builder().requiresBatteryNotLow(true).requiresDeviceIdle(true).build(),
          SyncPolicy.builder()
              .network(Constraints.Network.NONE)
              .requiresCharging(true)
              .requiresBatteryNotLow(true)
              .build());

  private final FakeClock clock = new FakeClock();

  private SyncEngine engine(SyncScheduler scheduler, SyncPolicy policy) {
    SyncEngine server =
        SyncEngine.builder()
            .replicaId("server")
            .store(new MemoryStore())
            .clock(clock)
            .ioScheduler(Schedulers.trampoline())
            .build();
    return SyncEngine.builder()
        .replicaId("device")
        .store(new MemoryStore())
        .clock(clock)
        .ioScheduler(Schedulers.trampoline())
        .scheduler(scheduler)
        .syncPolicy(policy)
        .peer(Peer.of("server", new LoopbackTransport(server.handler()), "default"))
        .build();
  }

  private static List<HostConditions> everyCondition() {
    List<HostConditions> all = new ArrayList<>();
    for (HostConditions.Network n :
        new HostConditions.Network[] {
          HostConditions.Network.NONE,
          HostConditions.Network.METERED,
          HostConditions.Network.UNMETERED
        }) {
      for (Level charging : new Level[] {Level.YES, Level.NO}) {
        for (Level low : new Level[] {Level.YES, Level.NO}) {
          for (Level idle : new Level[] {Level.YES, Level.NO}) {
            all.add(new HostConditions(n, charging, low, idle));
          }
        }
      }
    }
    return all;
  }

  /** "run", or the constraint the engine's status says due work waits for. */
  private static String decision(SyncEngine engine) {
    SyncStatus s = engine.currentStatus();
    return s.state() == SyncStatus.State.WAITING ? s.detail() : "run";
  }

  private String onAndroid(AndroidConditions conditions, SyncPolicy policy) {
    JobSchedulerSyncScheduler scheduler =
        JobSchedulerSyncScheduler.builder(RuntimeEnvironment.getApplication())
            .clock(clock)
            .executor(Runnable::run)
            .conditions(conditions)
            .build();
    SyncEngine engine = engine(scheduler, policy);
    engine.enableBackgroundSync();
    String d = decision(engine);
    engine.disableBackgroundSync();
    engine.close();
    return d;
  }

  private String onJvm(HostConditions now, SyncPolicy policy) {
    VirtualExecutor executor = new VirtualExecutor(clock);
    try (ExecutorSyncScheduler scheduler =
        ExecutorSyncScheduler.builder()
            .executor(executor)
            .clock(clock)
            .conditions(new ManualConditions(now))
            .build()) {
      SyncEngine engine = engine(scheduler, policy);
      engine.enableBackgroundSync();
      executor.runDue();
      String d = decision(engine);
      engine.close();
      return d;
    }
  }

  @Test
  public void everyPolicyDecidesAlikeOnAndroidAndOnTheJvmUnderEveryCondition() {
    Device device = new Device(RuntimeEnvironment.getApplication());
    AndroidConditions conditions = AndroidConditions.start(RuntimeEnvironment.getApplication());
    int held = 0;
    for (HostConditions now : everyCondition()) {
      device.set(now);
      assertThat(conditions.current()).isEqualTo(now);
      for (SyncPolicy policy : POLICIES) {
        String expected = policy.constraints().firstUnmet(now);
        String android = onAndroid(conditions, policy);
        assertThat(android).as("%s under %s", policy, now).isEqualTo(onJvm(now, policy));
        assertThat(android).isEqualTo(expected == null ? "run" : "waiting for " + expected);
        held += expected == null ? 0 : 1;
      }
    }
    assertThat(held).isPositive().isLessThan(everyCondition().size() * POLICIES.size());
    conditions.close();
  }
}
