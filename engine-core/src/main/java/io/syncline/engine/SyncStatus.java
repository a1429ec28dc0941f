package io.syncline.engine;

import io.syncline.engine.internal.Immutables;
import java.util.Map;
import java.util.Objects;

/**
 * What the engine is doing and why, for a UI or a log: a snapshot, immutable.
 *
 * @param state what the engine is doing
 * @param detail why, for a person (the reason of a failure or backoff, the peer being synced)
 * @param nextAttemptAtMillis when the engine retries on its own (by its clock), or 0 if it will not
 * @param pushed changes pushed so far in the current or last run
 * @param pulled changes pulled so far in the current or last run
 * @param pending local changes not yet acknowledged by every peer that should receive them (as last
 *     counted)
 * @param quarantined local changes rejected by a peer and set aside
 * @param lastSuccessMillis per peer id, when its last successful session ended (by the engine's
 *     clock)
 */
public record SyncStatus(
    State state,
    String detail,
    long nextAttemptAtMillis,
    int pushed,
    int pulled,
    int pending,
    int quarantined,
    Map<String, Long> lastSuccessMillis) {

  /** What the engine is doing. */
  public enum State {
    /** Nothing to do right now. */
    IDLE,
    /** A sync run is in progress. */
    SYNCING,
    /** A peer could not be reached; the engine tries again later. */
    OFFLINE,
    /** A transient failure; the engine waits before retrying. */
    BACKING_OFF,
    /** Background sync is due but the host holds it back; {@code detail} names the constraint. */
    WAITING,
    /** Retrying cannot help until the host acts; {@code detail} says why. */
    FAILED,
    /** The engine was closed. */
    CLOSED
  }

  /** Validates and copies. */
  public SyncStatus {
    Objects.requireNonNull(state, "state == null");
    Objects.requireNonNull(detail, "detail == null");
    lastSuccessMillis = Immutables.sortedMap(lastSuccessMillis);
  }

  @Override
  public String toString() {
    return state
        + (detail.isEmpty() ? "" : " (" + detail + ")")
        + (nextAttemptAtMillis > 0 ? " next attempt at " + nextAttemptAtMillis : "")
        + " pushed="
        + pushed
        + " pulled="
        + pulled
        + " pending="
        + pending
        + " quarantined="
        + quarantined;
  }
}
