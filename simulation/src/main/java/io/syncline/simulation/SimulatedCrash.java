package io.syncline.simulation;

/**
 * Thrown where the simulation kills a replica's process. Nothing in Syncline catches it, so it
 * unwinds the replica's stack like a real kill, leaving only what its store committed.
 */
public final class SimulatedCrash extends RuntimeException {
  private static final long serialVersionUID = 1L;

  SimulatedCrash(String where) {
    super("simulated crash: " + where, null, false, false);
  }
}
