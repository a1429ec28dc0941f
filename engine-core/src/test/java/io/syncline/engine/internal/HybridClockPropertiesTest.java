package io.syncline.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.spi.Version;
import io.syncline.testkit.FakeClock;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class HybridClockPropertiesTest {

  /** One step: move the wall clock by {@code wallDelta} ms, then issue or observe a stamp. */
  record Step(long wallDelta, boolean observe, long remoteOffset) {}

  @Provide
  Arbitrary<List<Step>> steps() {
    Arbitrary<Step> step =
        net.jqwik.api.Combinators.combine(
                Arbitraries.longs().between(-10_000, 10_000), // the wall clock jumps both ways
                Arbitraries.of(true, false),
                Arbitraries.longs().between(-60_000, 60_000)) // peers skewed by up to a minute
            .as(Step::new);
    return step.list().ofMinSize(1).ofMaxSize(300);
  }

  @Property(tries = 300)
  void stampsStrictlyIncreaseAndStayAheadOfEverythingObserved(@ForAll("steps") List<Step> steps) {
    FakeClock wall = new FakeClock(1_700_000_000_000L);
    HybridClock hlc = new HybridClock(wall, "me");
    long lastIssued = -1;
    long maxSeen = -1;
    for (Step s : steps) {
      wall.advance(java.time.Duration.ofMillis(s.wallDelta()));
      if (s.observe()) {
        long remote = Version.of(Math.max(0, wall.millis() + s.remoteOffset()), 3, "peer").stamp();
        hlc.observe(remote);
        maxSeen = Math.max(maxSeen, remote);
      } else {
        Version v = hlc.now();
        assertThat(v.stamp()).isGreaterThan(lastIssued).isGreaterThan(maxSeen);
        assertThat(v.replicaId()).isEqualTo("me");
        lastIssued = v.stamp();
        maxSeen = Math.max(maxSeen, v.stamp());
      }
    }
  }

  @Property(tries = 200)
  void stampsFollowTheWallClockWhenItIsAhead(@ForAll @IntRange(min = 1, max = 100_000) int ahead) {
    FakeClock wall = new FakeClock(1_700_000_000_000L);
    HybridClock hlc = new HybridClock(wall, "me");
    hlc.now();
    wall.advance(java.time.Duration.ofMillis(ahead));
    Version v = hlc.now();
    assertThat(v.physicalMillis()).isEqualTo(wall.millis());
    assertThat(v.logical()).isZero();
  }

  @Property(tries = 50)
  void logicalCounterOverflowBorrowsTheNextMillisecond(
      @ForAll @Size(min = 1, max = 3) List<@IntRange(min = 1, max = 3) Integer> bursts) {
    FakeClock wall = new FakeClock(1_700_000_000_000L);
    HybridClock hlc = new HybridClock(wall, "me");
    long last = -1;
    // A frozen wall clock and more than 2^16 stamps in one millisecond.
    for (int b : bursts) {
      for (int i = 0; i < b * 40_000; i++) {
        long s = hlc.now().stamp();
        assertThat(s).isGreaterThan(last);
        last = s;
      }
    }
    assertThat(new Version(last, "me").physicalMillis()).isGreaterThanOrEqualTo(wall.millis());
  }
}
