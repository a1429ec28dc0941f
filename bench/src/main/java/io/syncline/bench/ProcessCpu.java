package io.syncline.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * The CPU time this whole process has used, every thread counted (the JIT compilers and the
 * collector included): measured around a phase, it gives what the phase cost in CPU, which on a
 * machine with cores to spare its wall time does not show. The JVM may count it in clock ticks (10
 * ms on Linux), so it suits phases of a second or so, not of a few milliseconds.
 */
final class ProcessCpu {
  private ProcessCpu() {}

  /** Whether this JVM reports its process's CPU time (HotSpot and its relatives do). */
  static boolean available() {
    return nanos() >= 0;
  }

  /** Nanoseconds of CPU used by this process so far, or -1 if the JVM does not say. */
  static long nanos() {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean hs) {
      return hs.getProcessCpuTime();
    }
    return -1;
  }

  /** Nanoseconds of CPU used since {@code start}, a reading of {@link #nanos}; -1 if unknown. */
  static long since(long start) {
    return start < 0 ? -1 : nanos() - start;
  }
}
