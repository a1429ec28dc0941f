package io.syncline.transport.grpc.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Tiny runs of the benchmarks, so that they keep compiling and working. */
class BenchSmokeTest {
  @Test
  void throughputBenchmarkReportsTheEngineAndTheRawStream() throws Exception {
    GrpcThroughputBench.Result r = GrpcThroughputBench.run(2000, 1, 100);
    assertThat(r.grpc()).isPositive();
    assertThat(r.raw()).isPositive();
    assertThat(r.rawWindowed()).isPositive();
    assertThat(GrpcThroughputBench.format(r))
        .contains("raw gRPC stream")
        .contains("engine over gRPC");
  }

  @Test
  void latencyBenchmarkReportsPercentiles() throws Exception {
    LiveLatencyBench.Result r = LiveLatencyBench.run(50);
    assertThat(r.p50Micros()).isPositive();
    assertThat(r.p99Micros()).isGreaterThanOrEqualTo(r.p50Micros());
    assertThat(LiveLatencyBench.format(r)).contains("p50").contains("p99");
  }
}
