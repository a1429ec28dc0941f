package io.syncline.server;

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
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts what the server does, by wrapping the engine's {@link SyncHandler}: handshakes, batches
 * and changes in and out, rejected changes, refused requests. Rendered in the Prometheus text
 * format at {@code /metrics}. Thread-safe.
 */
public final class Metrics implements SyncHandler {
  private final SyncHandler delegate;
  final AtomicLong handshakes = new AtomicLong();
  final AtomicLong batchesIn = new AtomicLong();
  final AtomicLong changesIn = new AtomicLong();
  final AtomicLong rejected = new AtomicLong();
  final AtomicLong tooLarge = new AtomicLong();
  final AtomicLong pulls = new AtomicLong();
  final AtomicLong changesOut = new AtomicLong();
  final AtomicLong refused = new AtomicLong();
  final AtomicLong liveStreams = new AtomicLong();

  Metrics(SyncHandler delegate) {
    this.delegate = delegate;
  }

  @Override
  public HandshakeResponse handshake(CallContext context, HandshakeRequest request) {
    try {
      HandshakeResponse r = delegate.handshake(context, request);
      handshakes.incrementAndGet();
      return r;
    } catch (RuntimeException e) {
      refused.incrementAndGet();
      throw e;
    }
  }

  @Override
  public Outcome push(CallContext context, PushRequest request) {
    Outcome o;
    try {
      o = delegate.push(context, request);
    } catch (RuntimeException e) {
      refused.incrementAndGet();
      throw e;
    }
    if (o instanceof Outcome.Success) {
      batchesIn.incrementAndGet();
      changesIn.addAndGet(request.changes().size());
    } else if (o instanceof Outcome.Rejected r) {
      rejected.addAndGet(r.rejections().size());
    } else if (o instanceof Outcome.TooLarge) {
      tooLarge.incrementAndGet();
    }
    return o;
  }

  @Override
  public PullResponse pull(CallContext context, PullRequest request) {
    try {
      PullResponse r = delegate.pull(context, request);
      pulls.incrementAndGet();
      if (r.page() != null) {
        changesOut.addAndGet(r.page().changes().size());
      }
      return r;
    } catch (RuntimeException e) {
      refused.incrementAndGet();
      throw e;
    }
  }

  @Override
  public Cancellable live(CallContext context, LiveRequest request, LiveListener listener) {
    Cancellable c = delegate.live(context, request, listener);
    liveStreams.incrementAndGet();
    return c;
  }

  /** The counters in the Prometheus text format. */
  public String render() {
    StringBuilder sb = new StringBuilder();
    line(sb, "syncline_handshakes_total", "Sessions opened.", handshakes);
    line(sb, "syncline_batches_in_total", "Pushed batches applied.", batchesIn);
    line(sb, "syncline_changes_in_total", "Pushed changes applied.", changesIn);
    line(sb, "syncline_changes_rejected_total", "Pushed changes rejected.", rejected);
    line(sb, "syncline_batches_too_large_total", "Pushed batches over the limits.", tooLarge);
    line(sb, "syncline_pulls_total", "Pages served.", pulls);
    line(sb, "syncline_changes_out_total", "Changes served.", changesOut);
    line(sb, "syncline_requests_refused_total", "Requests refused as a whole.", refused);
    line(sb, "syncline_live_streams_total", "Live streams opened.", liveStreams);
    return sb.toString();
  }

  private static void line(StringBuilder sb, String name, String help, AtomicLong v) {
    sb.append(
        String.format(
            Locale.ROOT,
            "# HELP %s %s%n# TYPE %s counter%n%s %d%n",
            name,
            help,
            name,
            name,
            v.get()));
  }

  /** Changes applied from pushes so far. */
  public long changesIn() {
    return changesIn.get();
  }
}
