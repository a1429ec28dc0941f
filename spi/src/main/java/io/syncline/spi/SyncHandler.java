package io.syncline.spi;

/**
 * The server side of the protocol, which the engine implements and server transports call: a
 * transport decodes a request, authenticates the caller into a {@link CallContext}, calls the
 * handler and encodes the answer.
 *
 * <p>The handler validates every request (limits, scopes, versions, authorization) before it
 * applies anything, and applies a push atomically. Thread-safe: transports call it from their own
 * threads, concurrently.
 *
 * <p>Errors: a {@link SyncException} for a request refused as a whole (for example {@link
 * SyncException.Code#PROTOCOL}, {@link SyncException.Code#PERMISSION_DENIED}, {@link
 * SyncException.Code#INVALID_ARGUMENT}); transports map its code onto their native status.
 */
public interface SyncHandler {

  /** Answers a handshake. */
  HandshakeResponse handshake(CallContext context, HandshakeRequest request);

  /** Applies a pushed batch atomically, or refuses it, and says which. */
  Outcome push(CallContext context, PushRequest request);

  /** Returns a page of the feed past the request's cursor. */
  PullResponse pull(CallContext context, PullRequest request);

  /**
   * Streams new changes of a scope to {@code listener} as they commit, until cancelled. The first
   * page may come before this method returns.
   */
  Cancellable live(CallContext context, LiveRequest request, LiveListener listener);
}
