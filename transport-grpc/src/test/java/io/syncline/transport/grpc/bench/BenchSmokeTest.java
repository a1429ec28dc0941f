package io.syncline.transport.grpc.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A tiny run of the latency benchmark, so that it keeps compiling and working. */
class BenchSmokeTest {
  @Test
  void latencyBenchmarkReportsPercentiles() throws Exception {
    LiveLatencyBench.Result r = LiveLatencyBench.run(50);
    assertThat(r.p50Micros()).isPositive();
    assertThat(r.p99Micros()).isGreaterThanOrEqualTo(r.p50Micros());
    assertThat(LiveLatencyBench.format(r)).contains("p50").contains("p99");
  }
}
