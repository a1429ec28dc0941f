package io.syncline.spi;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class VersionPropertiesTest {

  @Provide
  Arbitrary<Version> versions() {
    return Combinators.combine(
            Arbitraries.longs().between(0, 1L << 40),
            Arbitraries.integers().between(0, Version.MAX_LOGICAL),
            Arbitraries.of(
                "a", "b", "B", "replica-1", "replica-10", "\u0130".isEmpty() ? "x" : "z"))
        .as(Version::of);
  }

  @Property
  void orderIsAntisymmetricAndConsistentWithEquals(
      @ForAll("versions") Version x, @ForAll("versions") Version y) {
    assertThat(Integer.signum(x.compareTo(y))).isEqualTo(-Integer.signum(y.compareTo(x)));
    assertThat(x.compareTo(y) == 0).isEqualTo(x.equals(y));
    assertThat(x.isNewerThan(y)).isEqualTo(x.compareTo(y) > 0);
  }

  @Property
  void orderIsTransitive(
      @ForAll("versions") Version x, @ForAll("versions") Version y, @ForAll("versions") Version z) {
    if (x.compareTo(y) <= 0 && y.compareTo(z) <= 0) {
      assertThat(x.compareTo(z)).isLessThanOrEqualTo(0);
    }
  }

  @Property
  void stampOrderMatchesWallClockThenLogical(
      @ForAll("versions") Version x, @ForAll("versions") Version y) {
    if (x.physicalMillis() != y.physicalMillis()) {
      assertThat(Long.compare(x.stamp(), y.stamp()))
          .isEqualTo(Long.compare(x.physicalMillis(), y.physicalMillis()));
    } else {
      assertThat(Long.compare(x.stamp(), y.stamp()))
          .isEqualTo(Integer.compare(x.logical(), y.logical()));
    }
  }

  @Property
  void partsRoundTrip(@ForAll("versions") Version x) {
    assertThat(Version.of(x.physicalMillis(), x.logical(), x.replicaId())).isEqualTo(x);
  }
}
