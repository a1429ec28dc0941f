package io.syncline.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DeterminismTest {
  @Test
  void aSeedReplaysBitForBit() {
    for (long seed : new long[] {27, 1234, 99_999}) {
      Report first = Simulation.run(seed, SimConfig.forSeed(seed), true);
      Report second = Simulation.run(seed, SimConfig.forSeed(seed), true);
      assertThat(first.trace()).isNotEmpty().isEqualTo(second.trace());
      assertThat(first).isEqualTo(second);
    }
  }

  @Test
  void differentSeedsDoDifferentThings() {
    Report a = Simulation.run(5, SimConfig.forSeed(5), true);
    Report b = Simulation.run(6, SimConfig.forSeed(6), true);
    assertThat(a.trace()).isNotEqualTo(b.trace());
  }
}
