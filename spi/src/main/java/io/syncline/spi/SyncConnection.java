package io.syncline.spi;

import java.io.Closeable;
import java.io.IOException;

/**
 * A session with one peer: a handshake, then pushes and pulls.
 *
 * <p>Every method blocks until the peer answers. An {@link IOException} means the exchange was cut
 * or timed out and its effect on the peer is unknown; the engine retries later, which is safe
 * because applying a change is idempotent. A {@link SyncException} carries a coded failure; the
 * engine classifies it by {@link SyncException.Code#retryable()}.
 *
 * <p>Thread-compatible: the engine uses one connection from one thread at a time.
 */
public interface SyncConnection extends Closeable {

  /** Introduces the caller and learns the peer's identity and limits. Called first, once. */
  HandshakeResponse handshake(HandshakeRequest request) throws IOException;

  /** Sends a batch; the peer applies it atomically and answers with the outcome. */
  Outcome push(PushRequest request) throws IOException;

  /** Reads a page of the peer's feed. */
  PullResponse pull(PullRequest request) throws IOException;

  /**
   * Opens a live stream of the peer's new changes. The default says the transport has none.
   *
   * @throws UnsupportedOperationException if the transport has no live streams
   */
  default Cancellable live(LiveRequest request, LiveListener listener) throws IOException {
    throw new UnsupportedOperationException("this transport has no live stream");
  }

  /** Ends the session. */
  @Override
  void close();
}
