package io.syncline.simulation;

/** The faults a simulation injects, counted in its {@link Report}. */
public enum Fault {
  /** A request never reached the peer. */
  DROP_REQUEST,
  /** The peer handled a request but its answer was lost. */
  LOSE_RESPONSE,
  /** A request reached the peer twice. */
  DUPLICATE,
  /** An old push reached the peer again later, after newer writes (reordering). */
  STALE_REDELIVERY,
  /** Time passed while a request was in flight. */
  DELAY,
  /** A link went down (a partition or a replica going offline). */
  PARTITION,
  /** A replica died just before a store transaction. */
  CRASH_BEFORE_APPLY,
  /** A replica died just after a store transaction committed. */
  CRASH_AFTER_APPLY,
  /** A replica died in the middle of a store transaction (where the store has a middle). */
  CRASH_INSIDE_APPLY,
  /** A client died after sending a request, before reading the answer. */
  CRASH_AFTER_SEND,
  /** A replica's wall clock jumped. */
  CLOCK_JUMP
}
