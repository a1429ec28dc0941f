package io.syncline.testkit;

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
import io.syncline.spi.SyncConnection;
import io.syncline.spi.SyncHandler;
import io.syncline.spi.SyncTransport;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An in-process {@link SyncTransport} that hands requests straight to a peer's {@link SyncHandler},
 * and fails on command: offline, a lost request, a lost response (the peer applied the batch but
 * the caller never hears so), a duplicated request, a scripted answer, or latency on a fake clock.
 *
 * <pre>{@code
 * LoopbackTransport toServer = new LoopbackTransport(server.handler());
 * toServer.loseNextResponses(Op.PUSH, 1); // the server applies, the client sees an IOException
 * }</pre>
 *
 * <p>Thread-safe. Every request that reaches the handler is recorded for assertions.
 */
public final class LoopbackTransport implements SyncTransport {

  /** The operations faults can target. */
  public enum Op {
    HANDSHAKE,
    PUSH,
    PULL
  }

  private enum Fault {
    DROP_REQUEST,
    LOSE_RESPONSE,
    DUPLICATE
  }

  private final SyncHandler handler;
  private final CallContext context;
  private final Object lock = new Object();
  private final Map<Op, Deque<Fault>> faults = new EnumMap<>(Op.class);
  private final Deque<Outcome> scriptedPushOutcomes = new ArrayDeque<>();
  private final List<PushRequest> deliveredPushes = new ArrayList<>();
  private final List<PullRequest> deliveredPulls = new ArrayList<>();
  private boolean offline;
  private int connects;
  private FakeClock latencyClock;
  private Duration latency = Duration.ZERO;
  private int pushWindow = 1;
  private int mostPushesInFlight;

  /** A transport to {@code handler}, calling it as an anonymous in-process caller. */
  public LoopbackTransport(SyncHandler handler) {
    this(handler, CallContext.IN_PROCESS);
  }

  /** A transport to {@code handler}, calling it as {@code context}. */
  public LoopbackTransport(SyncHandler handler, CallContext context) {
    this.handler = Objects.requireNonNull(handler, "handler == null");
    this.context = Objects.requireNonNull(context, "context == null");
    for (Op op : Op.values()) {
      faults.put(op, new ArrayDeque<>());
    }
  }

  /** While offline, connecting and every call throw {@link ConnectException}. */
  public void setOffline(boolean offline) {
    synchronized (lock) {
      this.offline = offline;
    }
  }

  /**
   * Every call from now on takes {@code latency} of {@code clock}'s time: the transport advances
   * the clock before delivering. Deterministic delay for deadline and timing tests.
   */
  public void setLatency(FakeClock clock, Duration latency) {
    synchronized (lock) {
      this.latencyClock = Objects.requireNonNull(clock, "clock == null");
      this.latency = Objects.requireNonNull(latency, "latency == null");
    }
  }

  /**
   * Lets connections opened from now on carry {@code window} pushes at once ({@link
   * SyncConnection#pushWindow}). Each {@link SyncConnection#sendPush} reaches the peer at once, so
   * batches behind one that fails are applied all the same, the harshest case the contract allows.
   * A connection throws {@link IllegalStateException} when its caller breaks the contract: more
   * than {@code window} sends outstanding, an await with none, or a {@code push} while sends are
   * outstanding.
   */
  public void setPushWindow(int window) {
    if (window < 1) {
      throw new IllegalArgumentException("window < 1: " + window);
    }
    synchronized (lock) {
      this.pushWindow = window;
    }
  }

  /** The next {@code n} calls of {@code op} never reach the peer and throw an IOException. */
  public void dropNextRequests(Op op, int n) {
    add(op, Fault.DROP_REQUEST, n);
  }

  /** The next {@code n} calls of {@code op} reach the peer, but its answer is lost. */
  public void loseNextResponses(Op op, int n) {
    add(op, Fault.LOSE_RESPONSE, n);
  }

  /** The next {@code n} calls of {@code op} reach the peer twice; the second answer returns. */
  public void duplicateNextRequests(Op op, int n) {
    add(op, Fault.DUPLICATE, n);
  }

  /** The next push is answered with {@code outcome} without reaching the peer. */
  public void answerNextPush(Outcome outcome) {
    synchronized (lock) {
      scriptedPushOutcomes.add(Objects.requireNonNull(outcome, "outcome == null"));
    }
  }

  /** Every push that reached the peer, in order (a duplicated push appears twice). */
  public List<PushRequest> deliveredPushes() {
    synchronized (lock) {
      return List.copyOf(deliveredPushes);
    }
  }

  /** Every pull that reached the peer, in order. */
  public List<PullRequest> deliveredPulls() {
    synchronized (lock) {
      return List.copyOf(deliveredPulls);
    }
  }

  /** The number of changes in all pushes that reached the peer. */
  public int deliveredPushChanges() {
    synchronized (lock) {
      int n = 0;
      for (PushRequest p : deliveredPushes) {
        n += p.changes().size();
      }
      return n;
    }
  }

  /** The most pushes a connection had outstanding at once (1 when pushes went one by one). */
  public int mostPushesInFlight() {
    synchronized (lock) {
      return mostPushesInFlight;
    }
  }

  /** How many connections were opened successfully. */
  public int connects() {
    synchronized (lock) {
      return connects;
    }
  }

  private void add(Op op, Fault fault, int n) {
    if (n < 0) {
      throw new IllegalArgumentException("n < 0: " + n);
    }
    synchronized (lock) {
      for (int i = 0; i < n; i++) {
        faults.get(op).add(fault);
      }
    }
  }

  @Override
  public SyncConnection connect() throws IOException {
    synchronized (lock) {
      if (offline) {
        throw new ConnectException("loopback transport is offline");
      }
      connects++;
    }
    return new Connection(pushWindow);
  }

  private interface Call<T> {
    T call();
  }

  private <T> T invoke(Op op, Call<T> call, Runnable record) throws IOException {
    Fault fault;
    synchronized (lock) {
      if (offline) {
        throw new ConnectException("loopback transport is offline");
      }
      fault = faults.get(op).poll();
      if (latencyClock != null) {
        latencyClock.advance(latency);
      }
    }
    if (fault == Fault.DROP_REQUEST) {
      throw new IOException("loopback: " + op + " request dropped");
    }
    T result = call.call();
    record.run();
    if (fault == Fault.DUPLICATE) {
      result = call.call();
      record.run();
    }
    if (fault == Fault.LOSE_RESPONSE) {
      throw new IOException("loopback: " + op + " response lost");
    }
    return result;
  }

  private final class Connection implements SyncConnection {
    private final int window;
    private final EagerPushes sent;
    private boolean closed;

    Connection(int window) {
      this.window = window;
      this.sent = new EagerPushes(window);
    }

    @Override
    public HandshakeResponse handshake(HandshakeRequest request) throws IOException {
      checkOpen();
      return invoke(Op.HANDSHAKE, () -> handler.handshake(context, request), () -> {});
    }

    @Override
    public int pushWindow() {
      return window;
    }

    @Override
    public void sendPush(PushRequest request) throws IOException {
      if (window == 1) {
        throw new UnsupportedOperationException("push window is 1");
      }
      sent.send(request, this::deliver);
      synchronized (lock) {
        mostPushesInFlight = Math.max(mostPushesInFlight, sent.outstanding());
      }
    }

    @Override
    public Outcome awaitPush() throws IOException {
      return sent.await();
    }

    @Override
    public Outcome push(PushRequest request) throws IOException {
      if (sent.outstanding() > 0) {
        throw new IllegalStateException("push while " + sent.outstanding() + " sends outstanding");
      }
      synchronized (lock) {
        mostPushesInFlight = Math.max(mostPushesInFlight, 1);
      }
      return deliver(request);
    }

    private Outcome deliver(PushRequest request) throws IOException {
      checkOpen();
      synchronized (lock) {
        Outcome scripted = scriptedPushOutcomes.poll();
        if (scripted != null) {
          return scripted;
        }
      }
      return invoke(
          Op.PUSH,
          () -> handler.push(context, request),
          () -> {
            synchronized (lock) {
              deliveredPushes.add(request);
            }
          });
    }

    @Override
    public PullResponse pull(PullRequest request) throws IOException {
      checkOpen();
      return invoke(
          Op.PULL,
          () -> handler.pull(context, request),
          () -> {
            synchronized (lock) {
              deliveredPulls.add(request);
            }
          });
    }

    @Override
    public Cancellable live(LiveRequest request, LiveListener listener) throws IOException {
      checkOpen();
      synchronized (lock) {
        if (offline) {
          throw new ConnectException("loopback transport is offline");
        }
      }
      return handler.live(context, request, listener);
    }

    private void checkOpen() throws IOException {
      if (closed) {
        throw new IOException("connection closed");
      }
    }

    @Override
    public void close() {
      closed = true;
    }
  }
}
