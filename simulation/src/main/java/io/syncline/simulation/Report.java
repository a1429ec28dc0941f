package io.syncline.simulation;

import java.util.List;
import java.util.Map;

/**
 * What one simulated run did and found.
 *
 * @param seed the seed; {@code SimulationMain --seed <seed>} replays the run exactly
 * @param config the run's shape, for a person
 * @param operations writes and syncs the workload performed
 * @param faults faults injected, by kind
 * @param crashes replica restarts after simulated crashes
 * @param violations broken invariants; empty when the run passed
 * @param trace what happened, step by step (only when tracing was asked for)
 */
public record Report(
    long seed,
    String config,
    int operations,
    Map<Fault, Integer> faults,
    int crashes,
    List<String> violations,
    List<String> trace) {

  /** Whether every invariant held. */
  public boolean passed() {
    return violations.isEmpty();
  }

  /** The command that replays this run with a trace. */
  public String replayCommand() {
    return "mvn -q -B -pl simulation -am package exec:java -DskipTests -Dexec.args=\"--seed "
        + seed
        + " --trace\"";
  }
}
