package io.syncline.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SimulationCampaignTest {
  @Test
  void everySeedKeepsEveryInvariant() throws Exception {
    long seeds = Long.getLong("simulation.seeds", 2000);
    SimulationMain.Totals totals = SimulationMain.campaign(1, seeds, 2, false);
    System.out.println("simulation campaign: " + totals);
    assertThat(totals.seeds()).isEqualTo(seeds);
    assertThat(totals.faultCount()).isGreaterThan(seeds); // faults really were injected
    assertThat(totals.failures()).as(totals.toString()).isEmpty();
  }
}
