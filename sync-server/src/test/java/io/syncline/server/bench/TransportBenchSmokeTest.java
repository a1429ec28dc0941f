package io.syncline.server.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Runs the transport benchmark tiny, so that it cannot rot. */
class TransportBenchSmokeTest {
  @Test
  void everyTransportPushesEverythingAndGetsAFigure() throws Exception {
    Map<TransportBench.Kind, Double> r = TransportBench.run(2_000, 1);
    assertThat(r).containsOnlyKeys(TransportBench.Kind.values());
    assertThat(r.values()).allMatch(v -> v > 0);
  }
}
