package io.syncline.engine.internal;

import io.reactivex.rxjava3.core.Scheduler;
import io.syncline.engine.Peer;
import io.syncline.engine.RetryPolicy;
import io.syncline.spi.Cancellable;
import io.syncline.spi.Checkpoint;
import io.syncline.spi.FeedPage;
import io.syncline.spi.HandshakeResponse;
import io.syncline.spi.LiveListener;
import io.syncline.spi.LiveRequest;
import io.syncline.spi.Protocol;
import io.syncline.spi.SyncConnection;
import io.syncline.spi.SyncException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a live stream open to every peer this replica pulls from and calls {@code onNews} when one
 * delivers changes; the engine answers with a pull, which applies them with all the usual checks
 * and moves the cursor in the same transaction. A stream that fails or cannot be opened is reopened
 * after the retry policy's backoff. Peers whose transport has no live stream are skipped.
 *
 * <p>Thread-safe; stream callbacks arrive on the transports' threads.
 */
public final class LiveFollower {
  private final Replica replica;
  private final List<Peer> peers;
  private final Scheduler scheduler;
  private final RetryPolicy retry;
  private final Random random;
  private final Runnable onNews;
  private final Map<String, Stream> streams = new TreeMap<>();
  private boolean running;

  private static final class Stream {
    SyncConnection connection;
    final List<Cancellable> handles = new ArrayList<>();
  }

  public LiveFollower(
      Replica replica,
      List<Peer> peers,
      Scheduler scheduler,
      RetryPolicy retry,
      Random random,
      Runnable onNews) {
    this.replica = replica;
    this.peers = peers;
    this.scheduler = scheduler;
    this.retry = retry;
    this.random = random;
    this.onNews = onNews;
  }

  /** Opens the streams. Idempotent. */
  public void start() {
    synchronized (this) {
      if (running) {
        return;
      }
      running = true;
    }
    for (Peer p : peers) {
      if (p.pull()) {
        open(p, 1);
      }
    }
  }

  /** Closes the streams and stops reopening them. Idempotent. */
  public void stop() {
    List<Stream> all;
    synchronized (this) {
      running = false;
      all = new ArrayList<>(streams.values());
      streams.clear();
    }
    all.forEach(LiveFollower::close);
  }

  /** How many peers a stream is open to (for status and tests). */
  public synchronized int open() {
    return streams.size();
  }

  private void open(Peer peer, int attempt) {
    synchronized (this) {
      if (!running) {
        return;
      }
    }
    Stream s = new Stream();
    try {
      s.connection = peer.transport().connect();
      HandshakeResponse hs =
          s.connection.handshake(
              new io.syncline.spi.HandshakeRequest(
                  Protocol.VERSION, replica.replicaId(), replica.store().epoch()));
      for (String scope : peer.scopes()) {
        Checkpoint cp = replica.checkpoint(peer.id(), scope);
        // From the pull cursor when it points into this peer's current feed; otherwise from the
        // start, so that the first page prompts the resync a pull will do.
        long after =
            cp.peerEpoch().equals(hs.epoch()) ? Math.min(cp.pullCursor(), hs.headSeq()) : 0;
        s.handles.add(
            s.connection.live(
                new LiveRequest(replica.replicaId(), scope, after), listener(peer, s)));
      }
    } catch (UnsupportedOperationException e) {
      close(s); // this transport has no live stream: polling only
      return;
    } catch (IOException | SyncException e) {
      close(s);
      reopenLater(peer, attempt);
      return;
    }
    boolean keep;
    synchronized (this) {
      keep = running;
      if (keep) {
        Stream old = streams.put(peer.id(), s);
        if (old != null) {
          close(old);
        }
      }
    }
    if (!keep) {
      close(s);
    }
  }

  private LiveListener listener(Peer peer, Stream stream) {
    return new LiveListener() {
      @Override
      public void onPage(FeedPage page) {
        if (!page.changes().isEmpty()) {
          onNews.run();
        }
      }

      @Override
      public void onError(Throwable error) {
        boolean mine;
        synchronized (LiveFollower.this) {
          mine = streams.get(peer.id()) == stream;
          if (mine) {
            streams.remove(peer.id());
          }
        }
        if (mine) {
          close(stream);
          reopenLater(peer, 1);
        }
      }
    };
  }

  private void reopenLater(Peer peer, int attempt) {
    long delay = retry.delay(Math.min(attempt, 30), null, random).toMillis();
    scheduler.scheduleDirect(() -> open(peer, attempt + 1), delay, TimeUnit.MILLISECONDS);
  }

  private static void close(Stream s) {
    for (Cancellable c : s.handles) {
      try {
        c.cancel();
      } catch (RuntimeException ignored) {
        // cancelling a broken stream may fail; it is gone either way
      }
    }
    if (s.connection != null) {
      try {
        s.connection.close();
      } catch (RuntimeException ignored) {
        // already broken
      }
    }
  }
}
