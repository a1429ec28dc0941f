package io.syncline.transport.http.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A tiny run of the benchmark, so that it keeps compiling and working. */
class BenchSmokeTest {
  @Test
  void benchmarkRunsAndReportsBothTransports() throws Exception {
    HttpThroughputBench.Result r = HttpThroughputBench.run(300, 1);
    assertThat(r.inProcess()).isPositive();
    assertThat(r.http()).isPositive();
    assertThat(HttpThroughputBench.format(r))
        .contains("in-process")
        .contains("http")
        .contains("TransportBench in sync-server");
  }
}
