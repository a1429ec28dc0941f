package io.syncline.transport.grpc;

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
import io.syncline.spi.SyncHandler;
import java.util.concurrent.atomic.AtomicInteger;

/** A handler that forwards to another and counts calls; tests override hooks. */
class ForwardingHandler implements SyncHandler {
  final SyncHandler delegate;
  final AtomicInteger pushes = new AtomicInteger();
  final AtomicInteger pulls = new AtomicInteger();

  ForwardingHandler(SyncHandler delegate) {
    this.delegate = delegate;
  }

  @Override
  public HandshakeResponse handshake(CallContext context, HandshakeRequest request) {
    return delegate.handshake(context, request);
  }

  @Override
  public Outcome push(CallContext context, PushRequest request) {
    Outcome o = delegate.push(context, request);
    afterPush(pushes.incrementAndGet(), o);
    return o;
  }

  /** Called after the {@code n}th push was applied (or refused), before it is answered. */
  void afterPush(int n, Outcome outcome) {}

  @Override
  public PullResponse pull(CallContext context, PullRequest request) {
    PullResponse r = delegate.pull(context, request);
    afterPull(pulls.incrementAndGet(), r);
    return r;
  }

  /** Called after the {@code n}th page was read, before it is sent. */
  void afterPull(int n, PullResponse response) {}

  @Override
  public Cancellable live(CallContext context, LiveRequest request, LiveListener listener) {
    return delegate.live(context, request, listener);
  }
}
