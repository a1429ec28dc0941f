package io.syncline.engine.internal;

import io.syncline.spi.Cancellable;
import io.syncline.spi.FeedPage;
import io.syncline.spi.LiveListener;
import io.syncline.spi.SyncStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Live subscriptions to scopes of the local feed. After every commit the engine tells the hub which
 * scopes changed; each subscription of those scopes then reads the feed past its cursor and hands
 * the pages to its listener, on the committing thread, one call at a time per subscription.
 *
 * <p>Thread-safe.
 */
public final class LiveHub {
  private final SyncStore store;
  private final int maxChanges;
  private final long maxBytes;
  private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();

  public LiveHub(SyncStore store, int maxChanges, long maxBytes) {
    this.store = store;
    this.maxChanges = maxChanges;
    this.maxBytes = maxBytes;
  }

  /** Subscribes and delivers what is already past {@code afterSeq}. */
  public Cancellable subscribe(
      String scope, String requesterId, long afterSeq, LiveListener listener) {
    Subscription s = new Subscription(scope, requesterId, afterSeq, listener);
    subscriptions.add(s);
    s.drain();
    return s;
  }

  /** Delivers new changes of {@code scopes} to their subscriptions. */
  public void committed(Collection<String> scopes) {
    if (subscriptions.isEmpty()) {
      return;
    }
    for (Subscription s : new ArrayList<>(subscriptions)) {
      if (scopes.contains(s.scope)) {
        s.drain();
      }
    }
  }

  /** How many subscriptions are open. */
  public int size() {
    return subscriptions.size();
  }

  /** Ends every subscription with {@code error}. */
  public void closeAll(Throwable error) {
    for (Subscription s : new ArrayList<>(subscriptions)) {
      s.fail(error);
    }
  }

  private final class Subscription implements Cancellable {
    final String scope;
    final String requesterId;
    final LiveListener listener;
    long cursor;
    volatile boolean cancelled;

    Subscription(String scope, String requesterId, long cursor, LiveListener listener) {
      this.scope = scope;
      this.requesterId = requesterId;
      this.cursor = cursor;
      this.listener = listener;
    }

    synchronized void drain() {
      try {
        while (!cancelled) {
          FeedPage page = store.readFeed(scope, cursor, maxChanges, maxBytes, requesterId);
          cursor = page.nextCursor();
          if (!page.changes().isEmpty()) {
            listener.onPage(page);
          }
          if (!page.hasMore()) {
            return;
          }
        }
      } catch (RuntimeException e) {
        fail(e);
      }
    }

    synchronized void fail(Throwable error) {
      if (!cancelled) {
        cancel();
        try {
          listener.onError(error);
        } catch (RuntimeException ignored) {
          // The listener's own failure cannot be reported anywhere else.
        }
      }
    }

    @Override
    public void cancel() {
      cancelled = true;
      subscriptions.remove(this);
    }
  }
}
