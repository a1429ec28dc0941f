package io.syncline.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

class ProcessCpuTest {
  /** Where the busy loop's result goes, so that the compiler keeps the loop. */
  private static volatile long sink;

  @Test
  void countsTheCpuThisProcessBurns() {
    assumeTrue(ProcessCpu.available(), "this JVM does not report its CPU time");
    long before = ProcessCpu.nanos();
    // Work until the process's own clock has moved by at least 20 ms of CPU (bounded by a wall
    // limit, so that a clock that never moves fails the test instead of hanging it).
    long wallLimit = System.nanoTime() + 30_000_000_000L;
    long x = 1;
    while (ProcessCpu.nanos() - before < 20_000_000L && System.nanoTime() < wallLimit) {
      for (int i = 0; i < 100_000; i++) {
        x = x * 6364136223846793005L + 1442695040888963407L;
      }
    }
    sink = x;
    assertThat(ProcessCpu.nanos() - before).isGreaterThanOrEqualTo(20_000_000L);
  }
}
