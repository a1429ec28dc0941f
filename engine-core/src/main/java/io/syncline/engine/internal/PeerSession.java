package io.syncline.engine.internal;

import io.syncline.engine.Peer;
import io.syncline.engine.PeerResult;
import io.syncline.engine.SyncEventListener;
import io.syncline.spi.Change;
import io.syncline.spi.Checkpoint;
import io.syncline.spi.FeedPage;
import io.syncline.spi.HandshakeRequest;
import io.syncline.spi.HandshakeResponse;
import io.syncline.spi.Outcome;
import io.syncline.spi.Protocol;
import io.syncline.spi.PullRequest;
import io.syncline.spi.PullResponse;
import io.syncline.spi.PushRequest;
import io.syncline.spi.QuarantinedChange;
import io.syncline.spi.RecordId;
import io.syncline.spi.SyncConnection;
import io.syncline.spi.SyncException;
import io.syncline.spi.SyncRecord;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeSet;

/**
 * One sync session with one peer: handshake, then for each scope push the local feed past the push
 * cursor and pull the peer's feed past the pull cursor, batch by batch. A cursor moves only in the
 * transaction that applies a batch (pull) or after the peer acknowledged it (push).
 *
 * <p>Single-threaded: one instance runs once, on the engine's sync thread.
 */
public final class PeerSession {

  /** Progress reports, called after every batch. */
  public interface Progress {
    void update(int pushed, int pulled);
  }

  /**
   * How the session ended.
   *
   * @param peerRetryAfter the delay the peer asked for, or null
   * @param unreachable whether the peer could not be reached at all
   * @param deadlineReached whether the session stopped at the run's deadline (not a failure)
   */
  public record Result(
      PeerResult.Kind kind,
      int pushed,
      int pulled,
      int quarantined,
      String message,
      Duration peerRetryAfter,
      boolean unreachable,
      boolean deadlineReached) {}

  private final Replica replica;
  private final Peer peer;
  private final BatchSizer sizer;
  private final int maxChanges;
  private final long maxBytes;
  private final SyncEventListener listener;
  private final Progress progress;
  private final long deadlineMillis;
  private final boolean pushOnly;
  private int pushed;
  private int pulled;
  private int quarantined;

  public PeerSession(
      Replica replica,
      Peer peer,
      BatchSizer sizer,
      int maxChanges,
      long maxBytes,
      SyncEventListener listener,
      Progress progress,
      long deadlineMillis,
      boolean pushOnly) {
    this.replica = replica;
    this.peer = peer;
    this.sizer = sizer;
    this.maxChanges = maxChanges;
    this.maxBytes = maxBytes;
    this.listener = listener;
    this.progress = progress;
    this.deadlineMillis = deadlineMillis;
    this.pushOnly = pushOnly;
  }

  public Result run() {
    SyncConnection conn;
    try {
      conn = peer.transport().connect();
    } catch (IOException e) {
      return new Result(
          PeerResult.Kind.RETRY,
          0,
          0,
          0,
          "cannot reach " + peer.id() + ": " + e,
          null,
          true,
          false);
    } catch (SyncException e) {
      return classify(e);
    }
    try (conn) {
      HandshakeResponse hs =
          conn.handshake(
              new HandshakeRequest(Protocol.VERSION, replica.replicaId(), replica.store().epoch()));
      if (hs.protocolVersion() != Protocol.VERSION) {
        return failed(
            SyncException.Code.PROTOCOL,
            "peer speaks protocol version " + hs.protocolVersion() + ", not " + Protocol.VERSION);
      }
      if (hs.replicaId().equals(replica.replicaId())) {
        return failed(SyncException.Code.INVALID_ARGUMENT, "peer has this replica's own id");
      }
      for (String scope : peer.scopes()) {
        Checkpoint cp = prepare(scope, hs);
        if (peer.push()) {
          Result r = push(conn, scope, cp, hs);
          if (r != null) {
            return r;
          }
          cp = replica.checkpoint(peer.id(), scope);
        }
        if (peer.pull() && !pushOnly) {
          Result r = pull(conn, scope, cp);
          if (r != null) {
            return r;
          }
        }
      }
      return result(PeerResult.Kind.SUCCESS, "", null);
    } catch (IOException e) {
      return result(PeerResult.Kind.RETRY, "connection to " + peer.id() + " failed: " + e, null);
    } catch (SyncException e) {
      return classify(e);
    }
  }

  /** Loads the checkpoint and starts over where the peer's store was replaced or went back. */
  private Checkpoint prepare(String scope, HandshakeResponse hs) {
    Checkpoint cp = replica.checkpoint(peer.id(), scope);
    if (cp.peerEpoch().isEmpty()) {
      // First contact: nothing to resync, just remember whose feed the cursors point into.
      cp = new Checkpoint(peer.id(), scope, 0, 0, hs.epoch());
      replica.startCheckpoint(cp);
    } else if (!cp.peerEpoch().equals(hs.epoch()) || hs.headSeq() < cp.pullCursor()) {
      cp = new Checkpoint(peer.id(), scope, 0, 0, hs.epoch());
      replica.resetCheckpoint(cp);
    }
    return cp;
  }

  /**
   * A page of the local feed on its way to the peer. {@code changes} is empty for a page that held
   * only changes the peer sent us: it just moves the cursor once the pages before it are through.
   * {@code bytes} is the changes' approximate size, summed while they were just read.
   */
  private record InFlight(List<Change> changes, long nextCursor, String batchId, long bytes) {}

  /**
   * Pushes the feed past the push cursor. With a connection that carries several pushes at once, up
   * to {@link SyncConnection#pushWindow} batches are on their way while the next pages are read;
   * outcomes come back in order, and the cursor moves past a batch only once it and every batch
   * before it were acknowledged. Anything but success voids the batches behind it: that batch is
   * settled alone, then reading starts again from the cursor.
   */
  private Result push(SyncConnection conn, String scope, Checkpoint cp, HandshakeResponse hs)
      throws IOException {
    Checkpoint current = cp;
    long resyncUntil = replica.resyncUntil(peer.id(), scope);
    int window = Math.max(1, conn.pushWindow());
    ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
    long readCursor = current.pushCursor();
    boolean feedDone = false;
    while (true) {
      if (pastDeadline()) {
        return deadline();
      }
      while (!feedDone && inFlight.size() < window) {
        // After a resync the peer may lack even what it once sent us: send that too.
        String exclude = readCursor < resyncUntil ? null : peer.id();
        int limit = sizer.maxChanges(Math.min(maxChanges, hs.maxBatchChanges()));
        long bytes = sizer.maxBytes(Math.min(maxBytes, hs.maxBatchBytes()));
        FeedPage page = replica.store().readFeed(scope, readCursor, limit, bytes, exclude);
        InFlight f =
            new InFlight(
                page.changes(),
                page.nextCursor(),
                replica.replicaId() + "/" + scope + "/" + readCursor + "-" + page.nextCursor(),
                approximateBytes(page.changes()));
        if (window > 1 && !f.changes().isEmpty()) {
          conn.sendPush(new PushRequest(replica.replicaId(), scope, f.batchId(), f.changes()));
        }
        inFlight.add(f);
        readCursor = page.nextCursor();
        feedDone = !page.hasMore();
      }
      InFlight f = inFlight.poll();
      if (f == null) {
        return null;
      }
      if (f.changes().isEmpty()) {
        current = skipped(current, f);
        continue;
      }
      Outcome o =
          window > 1
              ? conn.awaitPush()
              : conn.push(new PushRequest(replica.replicaId(), scope, f.batchId(), f.changes()));
      if (o instanceof Outcome.Success) {
        current = acknowledged(scope, current, f, f.changes(), f.bytes());
        continue;
      }
      // The sends behind this batch are void: settle it alone, then read again from the cursor.
      inFlight.clear();
      Settled settled = settle(conn, scope, current, f, o);
      if (settled.result() != null) {
        return settled.result();
      }
      current = settled.checkpoint();
      readCursor = current.pushCursor();
      feedDone = false;
    }
  }

  private record Settled(Checkpoint checkpoint, Result result) {}

  /**
   * Records the peer's acknowledgement of {@code sent}, the rest of the page {@code f}, of {@code
   * bytes} approximate bytes.
   */
  private Checkpoint acknowledged(
      String scope, Checkpoint current, InFlight f, List<Change> sent, long bytes) {
    Checkpoint next = current.withPushCursor(f.nextCursor());
    replica.pushAcknowledged(next, sent);
    pushed += sent.size();
    sizer.onSuccess(sent.size(), bytes);
    notifyPushed(scope, sent.size());
    return next;
  }

  /**
   * Handles a batch the peer did not simply acknowledge: a batch too large is sent again smaller
   * (or, a single change, set aside), rejected changes are set aside and the rest sent again; a
   * retry or a failure ends the session.
   */
  private Settled settle(
      SyncConnection conn, String scope, Checkpoint current, InFlight f, Outcome first)
      throws IOException {
    List<Change> batch = new ArrayList<>(f.changes());
    Outcome o = first;
    while (true) {
      if (o instanceof Outcome.Success) {
        return new Settled(acknowledged(scope, current, f, batch, approximateBytes(batch)), null);
      } else if (o instanceof Outcome.TooLarge t) {
        if (batch.size() > 1) {
          sizer.onTooLarge(batch.size(), approximateBytes(batch), t.maxChanges());
          return new Settled(current, null); // read again, in smaller pages
        }
        quarantineOne(batch.get(0).record(), "TOO_LARGE", t.reason());
        return new Settled(skipped(current, f), null);
      } else if (o instanceof Outcome.Rejected r) {
        List<RecordId> ids = new ArrayList<>();
        String code = "";
        String reason = "";
        for (Outcome.Rejection rej : r.rejections()) {
          for (Change c : batch) {
            if (c.id().equals(rej.id()) && c.record().version().equals(rej.version())) {
              ids.add(c.id());
              quarantineOne(c.record(), rej.code(), rej.reason());
            }
          }
          code = rej.code();
          reason = rej.reason();
        }
        if (ids.isEmpty()) {
          return new Settled(
              current,
              failed(
                  SyncException.Code.PROTOCOL,
                  "peer rejected changes that were not in the batch: " + code + " " + reason));
        }
        TreeSet<RecordId> gone = new TreeSet<>(ids);
        batch.removeIf(c -> gone.contains(c.id()));
        if (batch.isEmpty()) {
          return new Settled(skipped(current, f), null);
        }
      } else if (o instanceof Outcome.Retry r) {
        return new Settled(current, result(PeerResult.Kind.RETRY, r.reason(), r.retryAfter()));
      } else {
        Outcome.Failed fl = (Outcome.Failed) o;
        return new Settled(current, failed(fl.code(), fl.reason()));
      }
      o = conn.push(new PushRequest(replica.replicaId(), scope, f.batchId(), batch));
    }
  }

  /**
   * Moves the cursor past a page none of whose changes the peer took: all set aside, or none to
   * send (only changes that came from the peer).
   */
  private Checkpoint skipped(Checkpoint current, InFlight f) {
    if (f.nextCursor() <= current.pushCursor()) {
      return current;
    }
    Checkpoint next = current.withPushCursor(f.nextCursor());
    replica.pushAcknowledged(next, Collections.emptyList());
    return next;
  }

  private void quarantineOne(SyncRecord record, String code, String reason) {
    replica.addToQuarantine(
        Collections.singletonList(
            new QuarantinedChange(0, peer.id(), record, code, reason, replica.clock().millis())));
    quarantined++;
  }

  private Result pull(SyncConnection conn, String scope, Checkpoint cp) throws IOException {
    Checkpoint current = cp;
    int max = replica.limits().maxBatchChanges();
    while (true) {
      if (pastDeadline()) {
        return deadline();
      }
      long cursor = current.pullCursor();
      PullResponse resp =
          conn.pull(
              new PullRequest(
                  replica.replicaId(), scope, cursor, max, replica.limits().maxBatchBytes()));
      Outcome o = resp.outcome();
      if (o instanceof Outcome.Retry r) {
        return result(PeerResult.Kind.RETRY, r.reason(), r.retryAfter());
      }
      if (o instanceof Outcome.Failed f) {
        return failed(f.code(), f.reason());
      }
      if (!(o instanceof Outcome.Success)) {
        return failed(SyncException.Code.PROTOCOL, "unexpected answer to a pull: " + o);
      }
      FeedPage page = resp.page();
      String problem = validate(replica, page, cursor, scope, max);
      if (problem != null) {
        return failed(
            SyncException.Code.PROTOCOL, "peer " + peer.id() + " sent an invalid page: " + problem);
      }
      if (page.changes().isEmpty() && page.nextCursor() == cursor) {
        return page.hasMore()
            ? failed(SyncException.Code.PROTOCOL, "peer's feed makes no progress at " + cursor)
            : null;
      }
      current = current.withPullCursor(page.nextCursor());
      int applied = replica.applyChanges(peer.id(), page.changes(), current);
      pulled += applied;
      if (!page.changes().isEmpty()) {
        try {
          listener.batchPulled(peer.id(), scope, applied);
        } catch (RuntimeException ignored) {
          // A listener's failure must not break the session.
        }
        progress.update(pushed, pulled);
      }
      if (!page.hasMore()) {
        return null;
      }
    }
  }

  /**
   * What is wrong with a page a peer sent from {@code cursor} for {@code scope}, or null: the
   * cursor going back, too many changes, a change not past the cursor, a record that fails inbound
   * validation.
   */
  public static String validate(
      Replica replica, FeedPage page, long cursor, String scope, int max) {
    if (page.nextCursor() < cursor) {
      return "cursor moved back from " + cursor + " to " + page.nextCursor();
    }
    if (page.changes().size() > max) {
      return page.changes().size() + " changes, more than the " + max + " asked for";
    }
    // A FeedPage never holds a record twice: its constructor refuses that.
    long now = replica.clock().millis();
    for (Change c : page.changes()) {
      if (c.seq() <= cursor) {
        return "change #" + c.seq() + " is not past cursor " + cursor;
      }
      String[] p = replica.validateInbound(c.record(), scope, now);
      if (p != null) {
        return c.id() + ": " + p[0] + " " + p[1];
      }
    }
    return null;
  }

  private static long approximateBytes(List<Change> batch) {
    long n = 0;
    for (Change c : batch) {
      n += c.record().approximateSize();
    }
    return n;
  }

  private void notifyPushed(String scope, int n) {
    try {
      listener.batchPushed(peer.id(), scope, n);
    } catch (RuntimeException ignored) {
      // A listener's failure must not break the session.
    }
    progress.update(pushed, pulled);
  }

  private boolean pastDeadline() {
    return replica.clock().millis() >= deadlineMillis;
  }

  private Result deadline() {
    return new Result(
        PeerResult.Kind.RETRY,
        pushed,
        pulled,
        quarantined,
        "the run's deadline came first",
        Duration.ZERO,
        false,
        true);
  }

  private Result classify(SyncException e) {
    if (e.retryable()) {
      return result(PeerResult.Kind.RETRY, e.getMessage(), e.retryAfter());
    }
    return result(PeerResult.Kind.FAILED, e.getMessage(), null);
  }

  private Result failed(SyncException.Code code, String message) {
    return result(PeerResult.Kind.FAILED, code + ": " + message, null);
  }

  private Result result(PeerResult.Kind kind, String message, Duration retryAfter) {
    return new Result(kind, pushed, pulled, quarantined, message, retryAfter, false, false);
  }
}
