package io.syncline.transport.grpc.internal;

import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.syncline.spi.CallContext;
import io.syncline.spi.Cancellable;
import io.syncline.spi.FeedPage;
import io.syncline.spi.HandshakeRequest;
import io.syncline.spi.LiveListener;
import io.syncline.spi.LiveRequest;
import io.syncline.spi.Outcome;
import io.syncline.spi.PullRequest;
import io.syncline.spi.PullResponse;
import io.syncline.spi.PushRequest;
import io.syncline.spi.SyncException;
import io.syncline.spi.SyncHandler;
import io.syncline.transport.grpc.GrpcServerLimits;
import io.syncline.transport.grpc.proto.PushAck;
import io.syncline.transport.grpc.proto.SyncGrpc;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The service of {@code syncline_sync.proto} over a {@link SyncHandler}. Every call has passed the
 * {@link CallGate}; every message is decoded and validated before the handler sees it, and every
 * failure closes the call with the status of {@link StatusMapping}, with nothing applied.
 *
 * <p>Flow control: pull and live produce a page only when the client's stream is ready for one, so
 * a slow reader slows the server's reading of its feed and nothing queues up; a push reads one
 * batch ahead of the one it is applying, and no further.
 */
@JvmOnly
public final class SyncService extends SyncGrpc.SyncImplBase {
  private static final int DEFAULT_PAGE_CHANGES = 1000;
  private static final long DEFAULT_PAGE_BYTES = 4L << 20;

  /** Push batches received while the one before is being applied. */
  private static final int PUSH_READ_AHEAD = 1;

  private final SyncHandler handler;
  private final GrpcServerLimits limits;
  private final CallGate gate;
  private final Executor executor;
  private final boolean gzip;

  public SyncService(
      SyncHandler handler,
      GrpcServerLimits limits,
      CallGate gate,
      Executor executor,
      boolean gzip) {
    this.handler = handler;
    this.limits = limits;
    this.gate = gate;
    this.executor = executor;
    this.gzip = gzip;
  }

  private static CallContext caller() {
    CallContext c = CallGate.CALLER.get();
    return c == null ? CallContext.IN_PROCESS : c;
  }

  private StatusMapping.Closing closing(Throwable e) {
    if (e instanceof SyncException se) {
      return StatusMapping.toStatus(se, limits.busyRetryAfter());
    }
    if (e instanceof Wire.WireException) {
      return new StatusMapping.Closing(
          Status.INVALID_ARGUMENT.withDescription(e.getMessage()), new io.grpc.Metadata());
    }
    return StatusMapping.unexpected();
  }

  @Override
  public void handshake(
      io.syncline.transport.grpc.proto.HandshakeRequest request,
      StreamObserver<io.syncline.transport.grpc.proto.HandshakeResponse> out) {
    if (request == Malformed.HANDSHAKE) {
      out.onError(Malformed.status("handshake").asException());
      return;
    }
    try {
      HandshakeRequest hs = Wire.decode(request);
      out.onNext(Wire.encode(handler.handshake(caller(), hs)));
      out.onCompleted();
    } catch (Wire.WireException | RuntimeException e) {
      out.onError(closing(e).asException());
    }
  }

  /**
   * The service's definition: the handshake with its generated method, push, pull and live with
   * {@link Methods}' descriptors, which carry their batches and pages through {@link BatchCodec}.
   */
  @SuppressWarnings("unchecked") // the generated handshake method has these types
  public ServerServiceDefinition definition() {
    ServerMethodDefinition<
            io.syncline.transport.grpc.proto.HandshakeRequest,
            io.syncline.transport.grpc.proto.HandshakeResponse>
        handshake =
            (ServerMethodDefinition<
                    io.syncline.transport.grpc.proto.HandshakeRequest,
                    io.syncline.transport.grpc.proto.HandshakeResponse>)
                bindService().getMethod(SyncGrpc.getHandshakeMethod().getFullMethodName());
    return ServerServiceDefinition.builder(SyncGrpc.SERVICE_NAME)
        .addMethod(Malformed.lenient(handshake, Malformed.HANDSHAKE))
        .addMethod(Methods.PUSH, ServerCalls.asyncBidiStreamingCall(this::pushBatches))
        .addMethod(Methods.PULL, ServerCalls.asyncServerStreamingCall(this::pullPages))
        .addMethod(Methods.LIVE, ServerCalls.asyncServerStreamingCall(this::livePages))
        .build();
  }

  private StreamObserver<byte[]> pushBatches(StreamObserver<PushAck> observer) {
    CallContext caller = caller();
    ServerCallStreamObserver<PushAck> out = (ServerCallStreamObserver<PushAck>) observer;
    // One batch read ahead: it waits, framed, on this call's executor while the one before it is
    // applied, instead of being asked for only once that one is done.
    out.disableAutoRequest();
    out.request(PUSH_READ_AHEAD + 1);
    return new StreamObserver<byte[]>() {
      private boolean done;

      @Override
      public void onNext(byte[] batch) {
        if (done) {
          return;
        }
        if (!gate.admit(caller)) {
          fail(
              StatusMapping.toStatus(
                  new SyncException(
                      SyncException.Code.RESOURCE_EXHAUSTED,
                      "rate limit: too many batches from this peer",
                      null,
                      limits.busyRetryAfter()),
                  limits.busyRetryAfter()));
          return;
        }
        Outcome outcome;
        PushRequest push;
        try {
          push = BatchCodec.decodePush(batch, limits.maxBatchChanges());
        } catch (BatchCodec.TooManyChanges e) {
          fail(
              StatusMapping.tooLarge(
                  limits.maxBatchChanges(),
                  "batch of more than "
                      + limits.maxBatchChanges()
                      + " changes exceeds the limit of "
                      + limits.maxBatchChanges()));
          return;
        } catch (Wire.WireException e) {
          fail(
              e.getCause() instanceof java.io.IOException
                  ? Malformed.status("push batch")
                  : closing(e));
          return;
        }
        try {
          outcome = handler.push(caller, push);
        } catch (RuntimeException e) {
          fail(closing(e));
          return;
        }
        if (outcome instanceof Outcome.Success) {
          out.onNext(PushAck.newBuilder().setBatchId(push.batchId()).build());
          out.request(1);
        } else {
          fail(StatusMapping.toStatus(outcome, limits.busyRetryAfter()));
        }
      }

      private void fail(StatusMapping.Closing c) {
        done = true;
        out.onError(c.asException());
      }

      @Override
      public void onError(Throwable t) {
        done = true; // the client went away; nothing to answer
      }

      @Override
      public void onCompleted() {
        if (!done) {
          done = true;
          out.onCompleted();
        }
      }
    };
  }

  private void pullPages(
      io.syncline.transport.grpc.proto.PullRequest request, StreamObserver<byte[]> observer) {
    ServerCallStreamObserver<byte[]> out = (ServerCallStreamObserver<byte[]>) observer;
    if (gzip) {
      out.setCompression("gzip");
    }
    if (request == Malformed.PULL) {
      out.onError(Malformed.status("pull request").asException());
      return;
    }
    PullRequest first;
    try {
      first = Wire.decode(request, DEFAULT_PAGE_CHANGES, DEFAULT_PAGE_BYTES);
    } catch (Wire.WireException e) {
      out.onError(closing(e).asException());
      return;
    }
    PullStream stream = new PullStream(caller(), first, out);
    out.setOnCancelHandler(() -> stream.done = true);
    out.setOnReadyHandler(stream::drain);
    stream.drain();
  }

  /** Sends pages while the client can take them; runs on the call's serialized executor. */
  private final class PullStream {
    private final CallContext caller;
    private final PullRequest first;
    private final ServerCallStreamObserver<byte[]> out;
    private long cursor;
    volatile boolean done;

    PullStream(CallContext caller, PullRequest first, ServerCallStreamObserver<byte[]> out) {
      this.caller = caller;
      this.first = first;
      this.out = out;
      this.cursor = first.afterSeq();
    }

    void drain() {
      try {
        while (!done && out.isReady()) {
          PullResponse r =
              handler.pull(
                  caller,
                  new PullRequest(
                      first.requesterId(),
                      first.scope(),
                      cursor,
                      first.maxChanges(),
                      first.maxBytes()));
          if (!(r.outcome() instanceof Outcome.Success)) {
            done = true;
            out.onError(StatusMapping.toStatus(r.outcome(), limits.busyRetryAfter()).asException());
            return;
          }
          FeedPage page = r.page();
          if (page.hasMore() && page.nextCursor() <= cursor) {
            throw new SyncException(
                SyncException.Code.INTERNAL, "the feed did not advance past " + cursor);
          }
          out.onNext(BatchCodec.encode(page));
          cursor = page.nextCursor();
          if (!page.hasMore()) {
            done = true;
            out.onCompleted();
          }
        }
      } catch (RuntimeException e) {
        if (!done) {
          done = true;
          out.onError(closing(e).asException());
        }
      }
    }
  }

  private void livePages(
      io.syncline.transport.grpc.proto.LiveRequest request, StreamObserver<byte[]> observer) {
    ServerCallStreamObserver<byte[]> out = (ServerCallStreamObserver<byte[]>) observer;
    if (gzip) {
      out.setCompression("gzip");
    }
    if (request == Malformed.LIVE) {
      out.onError(Malformed.status("live request").asException());
      return;
    }
    LiveRequest live;
    try {
      live = Wire.decode(request);
    } catch (Wire.WireException e) {
      out.onError(closing(e).asException());
      return;
    }
    LiveStream stream = new LiveStream(caller(), live, out);
    out.setOnCancelHandler(stream::cancel);
    out.setOnReadyHandler(stream::signal);
    Cancellable subscription;
    try {
      subscription = handler.live(stream.caller, live, stream);
    } catch (RuntimeException e) {
      stream.closed = true;
      out.onError(closing(e).asException());
      return;
    }
    stream.subscribed(subscription);
    stream.signal();
  }

  /**
   * A live stream. The handler's pages only signal that the feed moved; the pages sent are read
   * from the feed past the last cursor sent, when the client is ready. So a slow client holds back
   * reading, never a queue of pages, and a burst of commits while it is behind travels as one
   * catch-up. Drains are serialized by a work-in-progress counter and run on the server's executor,
   * never on the thread that committed.
   */
  private final class LiveStream implements LiveListener {
    final CallContext caller;
    private final LiveRequest request;
    private final ServerCallStreamObserver<byte[]> out;
    private final AtomicInteger wip = new AtomicInteger();
    private long cursor;
    private volatile Cancellable subscription;
    private volatile Throwable error;
    volatile boolean closed;

    LiveStream(CallContext caller, LiveRequest request, ServerCallStreamObserver<byte[]> out) {
      this.caller = caller;
      this.request = request;
      this.out = out;
      this.cursor = request.afterSeq();
    }

    void subscribed(Cancellable s) {
      subscription = s;
      if (closed) {
        s.cancel();
      }
    }

    void cancel() {
      closed = true;
      Cancellable s = subscription;
      if (s != null) {
        s.cancel();
      }
    }

    @Override
    public void onPage(FeedPage page) {
      signal();
    }

    @Override
    public void onError(Throwable e) {
      error = e;
      signal();
    }

    void signal() {
      if (wip.getAndIncrement() == 0) {
        try {
          executor.execute(this::drainLoop);
        } catch (RejectedExecutionException e) {
          wip.set(0);
          error = new SyncException(SyncException.Code.UNAVAILABLE, "server is shutting down");
          closeWith(closing(error));
        }
      }
    }

    private void drainLoop() {
      int missed = 1;
      do {
        drainOnce();
        missed = wip.addAndGet(-missed);
      } while (missed != 0);
    }

    private void drainOnce() {
      if (closed) {
        return;
      }
      try {
        if (error != null) {
          closeWith(closing(error));
          return;
        }
        while (!closed && out.isReady()) {
          PullResponse r =
              handler.pull(
                  caller,
                  new PullRequest(
                      request.requesterId(),
                      request.scope(),
                      cursor,
                      DEFAULT_PAGE_CHANGES,
                      DEFAULT_PAGE_BYTES));
          if (!(r.outcome() instanceof Outcome.Success)) {
            closeWith(StatusMapping.toStatus(r.outcome(), limits.busyRetryAfter()));
            return;
          }
          FeedPage page = r.page();
          if (!page.changes().isEmpty()) {
            out.onNext(BatchCodec.encode(page));
          }
          cursor = Math.max(cursor, page.nextCursor());
          if (!page.hasMore()) {
            return;
          }
        }
      } catch (RuntimeException e) {
        closeWith(closing(e));
      }
    }

    private void closeWith(StatusMapping.Closing c) {
      if (!closed) {
        closed = true;
        Cancellable s = subscription;
        if (s != null) {
          s.cancel();
        }
        out.onError(c.asException());
      }
    }
  }
}
