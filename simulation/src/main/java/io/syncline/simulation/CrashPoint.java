package io.syncline.simulation;

/**
 * A place inside a store transaction where the simulation may kill the replica. Store wrappers with
 * more than one step (for example a planted bug that commits in two transactions) call {@link
 * #inside()} between their steps.
 */
public interface CrashPoint {
  /** Throws {@link SimulatedCrash} if the simulation armed a crash inside this transaction. */
  void inside();
}
