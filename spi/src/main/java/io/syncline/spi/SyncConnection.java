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

  /**
   * How many pushes this connection carries at once: with more than one, the engine sends the next
   * batches with {@link #sendPush} while the peer still applies earlier ones, so that reading the
   * local feed, the network and the peer's store work overlap. The default, 1, means the connection
   * offers only {@link #push}.
   */
  default int pushWindow() {
    return 1;
  }

  /**
   * Sends a batch without waiting for its outcome; {@link #awaitPush} returns the outcomes in the
   * order of sending. The engine has at most {@link #pushWindow} sends outstanding, and calls
   * {@link #push} only when none is.
   *
   * <p>Once {@code awaitPush} returned anything but {@link Outcome.Success}, or threw, the sends
   * still outstanding are void: their effect on the peer is unknown (applying is idempotent, so
   * either is safe), the engine does not await them and sends their changes again.
   *
   * @throws UnsupportedOperationException if {@link #pushWindow} is 1
   */
  default void sendPush(PushRequest request) throws IOException {
    throw new UnsupportedOperationException("this connection carries one push at a time");
  }

  /**
   * Waits for the outcome of the oldest outstanding {@link #sendPush}.
   *
   * @throws IllegalStateException if no send is outstanding
   * @throws UnsupportedOperationException if {@link #pushWindow} is 1
   */
  default Outcome awaitPush() throws IOException {
    throw new UnsupportedOperationException("this connection carries one push at a time");
  }

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
