package io.syncline.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The CPU time this JVM's threads have used, by kind of thread, from Linux's {@code
 * /proc/self/task}: every thread, the JIT compilers and the garbage collector's included, which the
 * JVM's own thread bean does not see; and how the scheduler treated them (waits for a core, sleeps,
 * preemptions). Two snapshots around a phase tell where its CPU and its wall time went.
 */
final class ThreadCpu {
  /** Linux reports thread times in ticks of 1/100 s to user space. */
  private static final long MILLIS_PER_TICK = 10;

  private ThreadCpu() {}

  /** Whether this system has {@code /proc/self/task}. */
  static boolean available() {
    return Files.isDirectory(Path.of("/proc/self/task"));
  }

  /**
   * Milliseconds of CPU (user and system) of each thread alive now, keyed by id and name; where the
   * kernel keeps scheduler statistics, also each thread's milliseconds runnable but waiting for a
   * core, the times it went to sleep and the times it was preempted; and the machine's idle and
   * kernel time, under keys of their own.
   */
  static Map<String, Long> snapshot() {
    Map<String, Long> byThread = new TreeMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path t : (Iterable<Path>) tasks::iterator) {
        String stat;
        try {
          stat = Files.readString(t.resolve("stat"));
        } catch (IOException e) {
          continue; // the thread ended meanwhile
        }
        // "pid (comm) state ...": the name may hold spaces and parentheses; it ends at the last
        // ')'.
        String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        String id = t.getFileName() + " " + name;
        byThread.merge(id, ticks * MILLIS_PER_TICK, Long::sum);
        // Where the kernel keeps scheduler statistics: the time runnable but waiting for a core
        // (in ns); and how many times the thread went to sleep, and was preempted.
        String[] sched;
        try {
          sched = Files.readString(t.resolve("schedstat")).trim().split(" ");
        } catch (IOException e) {
          continue;
        }
        byThread.merge(id + WAITING, Long.parseLong(sched[1]) / 1_000_000, Long::sum);
        String status;
        try {
          status = Files.readString(t.resolve("status"));
        } catch (IOException e) {
          continue;
        }
        byThread.merge(id + SLEPT, field(status, "voluntary_ctxt_switches:"), Long::sum);
        byThread.merge(id + PREEMPTED, field(status, "nonvoluntary_ctxt_switches:"), Long::sum);
      }
      // The whole machine, all processes: time no core had anything to run, and time in the kernel.
      String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long idle = Long.parseLong(cpu[4]) + Long.parseLong(cpu[5]);
      long kernel = Long.parseLong(cpu[3]) + Long.parseLong(cpu[6]) + Long.parseLong(cpu[7]);
      byThread.put("0 " + MACHINE_IDLE, idle * MILLIS_PER_TICK);
      byThread.put("0 " + MACHINE_KERNEL, kernel * MILLIS_PER_TICK);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return byThread;
  }

  /** Marks a thread's milliseconds runnable but waiting for a core. */
  private static final String WAITING = "\twaiting for a core (ms)";

  /** Marks the number of times a thread left its core to wait for something. */
  private static final String SLEPT = "\ttimes it went to sleep";

  /** Marks the number of times a thread was taken off its core while it could still run. */
  private static final String PREEMPTED = "\ttimes preempted";

  /** The number after {@code name} at the start of a line of a {@code status} file. */
  private static long field(String status, String name) {
    int at = status.indexOf("\n" + name);
    if (at < 0) {
      return 0;
    }
    int from = at + 1 + name.length();
    int to = status.indexOf('\n', from);
    return Long.parseLong(status.substring(from, to < 0 ? status.length() : to).trim());
  }

  private static final String MACHINE_IDLE = "machine: idle (all cores)";
  private static final String MACHINE_KERNEL = "machine: kernel (all processes)";

  /**
   * What each kind of thread used between two snapshots: CPU milliseconds, and, under keys of their
   * own, milliseconds waiting for a core and counts of sleeps and preemptions.
   */
  static Map<String, Long> between(Map<String, Long> before, Map<String, Long> after) {
    Map<String, Long> byKind = new TreeMap<>();
    after.forEach(
        (thread, ms) -> {
          String name = thread.substring(thread.indexOf(' ') + 1);
          int tab = name.indexOf('\t');
          String kind =
              tab < 0 ? kind(name) : kind(name.substring(0, tab)) + ": " + name.substring(tab + 1);
          byKind.merge(kind, ms - before.getOrDefault(thread, 0L), Long::sum);
        });
    return byKind;
  }

  /** The kind of a thread, by its Linux name (the first 15 characters of the Java name). */
  static String kind(String name) {
    if (name.startsWith("machine: ")) {
      return name;
    } else if (name.startsWith("syncline-grpc")) {
      return "server push thread";
    } else if (name.equals("java") || name.equals("main")) {
      return "client (main) thread";
    } else if (name.startsWith("grpc-nio-worker")) {
      return "Netty event loops";
    } else if (name.contains("CompilerThre")) {
      return "JIT compilers";
    } else if (name.startsWith("GC ") || name.startsWith("G1 ")) {
      return "garbage collector";
    }
    return "other";
  }
}
