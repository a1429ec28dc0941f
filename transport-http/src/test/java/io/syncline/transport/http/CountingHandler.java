package io.syncline.transport.http;

import io.syncline.spi.CallContext;
import io.syncline.spi.Cancellable;
import io.syncline.spi.HandshakeRequest;
import io.syncline.spi.HandshakeResponse;
import io.syncline.spi.LiveListener;
import io.syncline.spi.LiveRequest;
import io.syncline.spi.Outcome;
import io.syncline.spi.PullRequest;
import io.syncline.spi.PullResponse;
import io.syncline.spi.PushRequest;
import io.syncline.spi.SyncException;
import io.syncline.spi.SyncHandler;
import java.util.concurrent.atomic.AtomicInteger;

/** A handler in front of the engine's that counts pushes and refuses the next ones on command. */
final class CountingHandler implements SyncHandler {
  private final SyncHandler delegate;
  private final AtomicInteger pushes = new AtomicInteger();
  private final AtomicInteger failures = new AtomicInteger();
  private volatile SyncException failWith;

  CountingHandler(SyncHandler delegate) {
    this.delegate = delegate;
  }

  /** The next {@code n} pushes throw {@code e} without reaching the engine. */
  void failNextPushes(int n, SyncException e) {
    failWith = e;
    failures.set(n);
  }

  /** Pushes that reached this handler, refused ones included. */
  int pushes() {
    return pushes.get();
  }

  @Override
  public HandshakeResponse handshake(CallContext context, HandshakeRequest request) {
    return delegate.handshake(context, request);
  }

  @Override
  public Outcome push(CallContext context, PushRequest request) {
    pushes.incrementAndGet();
    if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw failWith;
    }
    return delegate.push(context, request);
  }

  @Override
  public PullResponse pull(CallContext context, PullRequest request) {
    return delegate.pull(context, request);
  }

  @Override
  public Cancellable live(CallContext context, LiveRequest request, LiveListener listener) {
    return delegate.live(context, request, listener);
  }
}
