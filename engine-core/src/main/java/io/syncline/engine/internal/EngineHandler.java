package io.syncline.engine.internal;

import io.syncline.spi.Authorizer;
import io.syncline.spi.CallContext;
import io.syncline.spi.Cancellable;
import io.syncline.spi.Change;
import io.syncline.spi.FeedPage;
import io.syncline.spi.HandshakeRequest;
import io.syncline.spi.HandshakeResponse;
import io.syncline.spi.LiveListener;
import io.syncline.spi.LiveRequest;
import io.syncline.spi.Outcome;
import io.syncline.spi.Protocol;
import io.syncline.spi.PullRequest;
import io.syncline.spi.PullResponse;
import io.syncline.spi.PushRequest;
import io.syncline.spi.RecordId;
import io.syncline.spi.SyncException;
import io.syncline.spi.SyncHandler;
import io.syncline.spi.SyncRecord;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * The engine's server side: validates, authorizes and applies what peers push, and serves what they
 * pull. Nothing of a push is applied unless all of it is acceptable. Thread-safe.
 */
public final class EngineHandler implements SyncHandler {
  private final Replica replica;
  private final Authorizer authorizer;

  public EngineHandler(Replica replica, Authorizer authorizer) {
    this.replica = replica;
    this.authorizer = authorizer;
  }

  @Override
  public HandshakeResponse handshake(CallContext context, HandshakeRequest request) {
    Objects.requireNonNull(context, "context == null");
    Objects.requireNonNull(request, "request == null");
    if (request.protocolVersion() != Protocol.VERSION) {
      throw new SyncException(
          SyncException.Code.PROTOCOL,
          "peer speaks protocol version "
              + request.protocolVersion()
              + ", this replica speaks "
              + Protocol.VERSION);
    }
    checkNotSelf(request.replicaId());
    return new HandshakeResponse(
        Protocol.VERSION,
        replica.replicaId(),
        replica.store().epoch(),
        replica.store().headSeq(),
        replica.limits().maxBatchChanges(),
        replica.limits().maxBatchBytes());
  }

  @Override
  public Outcome push(CallContext context, PushRequest request) {
    Objects.requireNonNull(context, "context == null");
    Objects.requireNonNull(request, "request == null");
    checkNotSelf(request.senderId());
    int max = replica.limits().maxBatchChanges();
    if (request.changes().size() > max) {
      return new Outcome.TooLarge(
          max, "batch of " + request.changes().size() + " changes exceeds the limit of " + max);
    }
    // One pass over the records: their size (a batch too large is refused whole, before any record
    // is judged) and each one's problems.
    long bytes = 0;
    long now = replica.clock().millis();
    List<Outcome.Rejection> rejections = new ArrayList<>();
    // Repeated records are rare: only then does a set name each one.
    HashSet<RecordId> seen =
        Change.firstRepeatedId(request.changes()) == null ? null : new HashSet<>();
    for (Change c : request.changes()) {
      SyncRecord r = c.record();
      bytes += r.approximateSize();
      String[] problem = replica.validateInbound(r, request.scope(), now);
      if (problem == null && seen != null && !seen.add(r.id())) {
        problem = new String[] {"INVALID_ARGUMENT", "record appears twice in one batch"};
      }
      if (problem == null && !authorizer.canWrite(context.principal(), r)) {
        problem =
            new String[] {
              "PERMISSION_DENIED",
              (context.principal() == null ? "anonymous caller" : context.principal())
                  + " may not write "
                  + r.id()
                  + " in "
                  + r.scope()
            };
      }
      if (problem != null) {
        rejections.add(new Outcome.Rejection(r.id(), r.version(), problem[0], problem[1]));
      }
    }
    if (bytes > replica.limits().maxBatchBytes()) {
      return new Outcome.TooLarge(
          0,
          "batch of " + bytes + " bytes exceeds the limit of " + replica.limits().maxBatchBytes());
    }
    if (!rejections.isEmpty()) {
      return new Outcome.Rejected(rejections);
    }
    replica.applyChanges(request.senderId(), request.changes(), null);
    return Outcome.SUCCESS;
  }

  @Override
  public PullResponse pull(CallContext context, PullRequest request) {
    Objects.requireNonNull(context, "context == null");
    Objects.requireNonNull(request, "request == null");
    checkRead(context, request.scope());
    checkCursor(request.afterSeq());
    FeedPage page =
        replica
            .store()
            .readFeed(
                request.scope(),
                request.afterSeq(),
                Math.min(request.maxChanges(), replica.limits().maxBatchChanges()),
                Math.min(request.maxBytes(), replica.limits().maxBatchBytes()),
                request.requesterId());
    return PullResponse.of(page);
  }

  @Override
  public Cancellable live(CallContext context, LiveRequest request, LiveListener listener) {
    Objects.requireNonNull(context, "context == null");
    Objects.requireNonNull(request, "request == null");
    Objects.requireNonNull(listener, "listener == null");
    checkRead(context, request.scope());
    checkCursor(request.afterSeq());
    return replica
        .live()
        .subscribe(request.scope(), request.requesterId(), request.afterSeq(), listener);
  }

  private void checkRead(CallContext context, String scope) {
    if (!authorizer.canRead(context.principal(), scope)) {
      throw new SyncException(
          SyncException.Code.PERMISSION_DENIED,
          (context.principal() == null ? "anonymous caller" : context.principal())
              + " may not read scope "
              + scope);
    }
  }

  private void checkCursor(long afterSeq) {
    long head = replica.store().headSeq();
    if (afterSeq > head) {
      throw new SyncException(
          SyncException.Code.INVALID_ARGUMENT,
          "cursor " + afterSeq + " lies past this feed's head " + head + "; resync from 0");
    }
  }

  private void checkNotSelf(String peerId) {
    if (peerId.equals(replica.replicaId())) {
      throw new SyncException(
          SyncException.Code.INVALID_ARGUMENT, "peer uses this replica's own id " + peerId);
    }
  }
}
