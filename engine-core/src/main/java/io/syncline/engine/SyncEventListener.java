package io.syncline.engine;

/**
 * Observes sync sessions, for metrics and logs. Every method has a no-op default, so adding one
 * later breaks no implementation.
 *
 * <p>Methods are called on the engine's sync thread, in order for one session; they must not block
 * and must not throw (what they throw is ignored).
 */
public interface SyncEventListener {
  /** A listener that does nothing. */
  SyncEventListener NONE = new SyncEventListener() {};

  /** A session with {@code peerId} starts. */
  default void sessionStarted(String peerId) {}

  /** {@code count} local changes of {@code scope} were acknowledged by {@code peerId}. */
  default void batchPushed(String peerId, String scope, int count) {}

  /** {@code count} changes of {@code scope} from {@code peerId} were applied. */
  default void batchPulled(String peerId, String scope, int count) {}

  /** The session with a peer ended, successfully or not. */
  default void sessionEnded(PeerResult result) {}
}
