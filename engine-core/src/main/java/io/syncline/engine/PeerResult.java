package io.syncline.engine;

import java.time.Duration;
import java.util.Objects;

/**
 * How one sync session with one peer ended.
 *
 * @param peerId the peer
 * @param kind the outcome class
 * @param pushed how many local changes the peer acknowledged in this session
 * @param pulled how many of the peer's changes this replica applied in this session
 * @param quarantined how many local changes the peer rejected in this session
 * @param message what happened, for a person; empty on success
 * @param retryAfter for {@link Kind#RETRY}, the delay the engine computed before the next attempt;
 *     {@link Duration#ZERO} otherwise
 */
public record PeerResult(
    String peerId,
    Kind kind,
    int pushed,
    int pulled,
    int quarantined,
    String message,
    Duration retryAfter) {

  /** The outcome classes of a session. */
  public enum Kind {
    /** Everything pending was exchanged. */
    SUCCESS,
    /** A transient failure, or the run's deadline came first: try again later. */
    RETRY,
    /** Retrying cannot help until the host acts (credentials, protocol version). */
    FAILED
  }

  /** Validates every part. */
  public PeerResult {
    Objects.requireNonNull(peerId, "peerId == null");
    Objects.requireNonNull(kind, "kind == null");
    Objects.requireNonNull(message, "message == null");
    Objects.requireNonNull(retryAfter, "retryAfter == null");
  }

  /** Whether the session succeeded. */
  public boolean isSuccess() {
    return kind == Kind.SUCCESS;
  }
}
