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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a live stream open to every peer this replica pulls from. The pages a stream delivers are
 * queued, with the cursor the stream stood at before each, and {@code onNews} is called; the engine
 * then applies each page whose start matches its stored pull cursor (checked like a pulled page, in
 * one transaction with the new cursor), and pulls where one does not, so that a change crosses the
 * network once. The queue is bounded: past {@value #MAX_QUEUED} pages it is dropped and the engine
 * told to pull. A stream that fails or cannot be opened is reopened after the retry policy's
 * backoff. Peers whose transport has no live stream are skipped.
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
  private final ArrayDeque<LivePage> queue = new ArrayDeque<>();
  private boolean overflowed;
  private boolean running;

  /** The most pages waiting for the engine; beyond, they are dropped for a pull. */
  static final int MAX_QUEUED = 16;

  /**
   * A page a live stream delivered.
   *
   * @param epoch the peer's store epoch the stream reads
   * @param before the stream's cursor before this page: the page holds what lies past it
   */
  public record LivePage(Peer peer, String scope, String epoch, long before, FeedPage page) {}

  /** What waits for the engine: the pages in arrival order, and whether some were dropped. */
  public record Pending(List<LivePage> pages, boolean dropped) {}

  /** Takes the queued pages. */
  public synchronized Pending drain() {
    Pending p = new Pending(new ArrayList<>(queue), overflowed);
    queue.clear();
    overflowed = false;
    return p;
  }

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
                new LiveRequest(replica.replicaId(), scope, after),
                listener(peer, s, scope, hs.epoch(), after)));
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

  private LiveListener listener(
      Peer peer, Stream stream, String scope, String epoch, long startCursor) {
    return new LiveListener() {
      private long cursor = startCursor;

      @Override
      public void onPage(FeedPage page) {
        long before = cursor;
        cursor = Math.max(cursor, page.nextCursor());
        if (page.changes().isEmpty()) {
          return;
        }
        synchronized (LiveFollower.this) {
          if (queue.size() < MAX_QUEUED) {
            queue.add(new LivePage(peer, scope, epoch, before, page));
          } else {
            queue.clear();
            overflowed = true;
          }
        }
        onNews.run();
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
