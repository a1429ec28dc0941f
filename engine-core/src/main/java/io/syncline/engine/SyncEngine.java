package io.syncline.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.reactivex.rxjava3.core.Observable;
import io.reactivex.rxjava3.core.Scheduler;
import io.reactivex.rxjava3.core.Single;
import io.reactivex.rxjava3.schedulers.Schedulers;
import io.reactivex.rxjava3.subjects.BehaviorSubject;
import io.syncline.engine.internal.BatchSizer;
import io.syncline.engine.internal.EngineHandler;
import io.syncline.engine.internal.Immutables;
import io.syncline.engine.internal.LiveFollower;
import io.syncline.engine.internal.PeerSession;
import io.syncline.engine.internal.Replica;
import io.syncline.engine.internal.RxSyncScheduler;
import io.syncline.spi.Authorizer;
import io.syncline.spi.BackgroundWork;
import io.syncline.spi.ChangeSource;
import io.syncline.spi.Checkpoint;
import io.syncline.spi.Clock;
import io.syncline.spi.ConflictResolver;
import io.syncline.spi.Constraints;
import io.syncline.spi.FeedPage;
import io.syncline.spi.Identifiers;
import io.syncline.spi.Payload;
import io.syncline.spi.QuarantinedChange;
import io.syncline.spi.RecordId;
import io.syncline.spi.SyncException;
import io.syncline.spi.SyncHandler;
import io.syncline.spi.SyncRecord;
import io.syncline.spi.SyncScheduler;
import io.syncline.spi.SyncStore;
import io.syncline.spi.WorkRequest;
import io.syncline.spi.WorkResult;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A replica: a local store of records that syncs with peers by exchanging only what changed.
 *
 * <pre>{@code
 * SyncEngine engine = SyncEngine.builder()
 *     .replicaId("phone-1")
 *     .store(new MemoryStore())
 *     .peer(Peer.of("server", transport, "user-42"))
 *     .defaultScope("user-42")
 *     .build();
 * SyncCollection<Contact> contacts = engine.collection("contacts", Contact.class);
 * contacts.put("ada", new Contact("Ada Lovelace", "+44 20 7946 0000"));
 * SyncResult result = engine.syncNow().blockingGet();
 * }</pre>
 *
 * <p><b>What a sync does.</b> For each peer (in id order) and each of its scopes: push the local
 * changes past the peer's push cursor in batches (by count and bytes, adapting to the peer's
 * limits), then pull the peer's changes past the pull cursor, applying each page together with the
 * cursor in one store transaction. Changes received from a peer are never pushed back to it.
 * Conflicts go to the {@link ConflictResolver} (last-writer-wins by default).
 *
 * <p><b>Outcomes.</b> Each session ends in success, retry (transient: backoff with full jitter,
 * honouring the peer's retry-after), or failure (retrying cannot help: see {@link #status()}).
 * Changes a peer rejects go to the {@link #quarantine()}, and the rest keeps flowing.
 *
 * <p><b>Threads.</b> Thread-safe. Local reads and writes run on the caller's thread and block on
 * the store. Syncs run one at a time on the I/O scheduler given to the builder; background runs on
 * the {@link SyncScheduler}'s threads. The engine reads time only from its {@link Clock} and
 * randomness only from its {@link Random}.
 *
 * <p><b>Serving peers.</b> {@link #handler()} is the server side of the protocol, for transports to
 * call; a replica can serve peers and sync with others at once.
 *
 * <p>Closing the engine stops background work and ends its streams; it does not close the store,
 * which belongs to the caller.
 */
public final class SyncEngine implements Closeable {
  private final String replicaId;
  private final SyncStore store;
  private final Clock clock;
  private final Random random;
  private final RetryPolicy retryPolicy;
  private final int maxBatchChanges;
  private final long maxBatchBytes;
  private final List<Peer> peers;
  private final List<ChangeSource> changeSources;
  private final SyncScheduler scheduler;
  private final Scheduler ioScheduler;
  private final SyncEventListener listener;
  private final ObjectMapper mapper;
  private final String defaultScope;
  private final SyncPolicy policy;
  private final Replica replica;
  private final EngineHandler handler;
  private final LiveFollower live;
  private final AtomicBoolean liveSyncQueued = new AtomicBoolean();

  private final ReentrantLock sessionLock = new ReentrantLock();
  private final Map<String, BatchSizer> sizers = new TreeMap<>();
  private final Object statusLock = new Object();
  private final BehaviorSubject<SyncStatus> status;
  private final Map<String, Long> lastSuccess = new TreeMap<>();
  private int consecutiveFailures;
  private volatile boolean background;
  private volatile long backoffUntilMillis;
  private volatile boolean resetBackoff;
  private volatile boolean closed;

  private SyncEngine(Builder b) {
    this.replicaId = b.replicaId;
    this.store = b.store;
    this.clock = b.clock;
    this.random = b.random;
    this.retryPolicy = b.retryPolicy;
    this.maxBatchChanges = b.maxBatchChanges;
    this.maxBatchBytes = b.maxBatchBytes;
    this.peers = Immutables.list(new TreeMap<>(b.peers).values());
    this.changeSources = Immutables.list(b.changeSources);
    this.ioScheduler = b.ioScheduler;
    this.scheduler = b.scheduler != null ? b.scheduler : new RxSyncScheduler(ioScheduler, clock);
    this.listener = b.listener;
    this.mapper = b.mapper;
    this.defaultScope = b.defaultScope;
    this.policy = b.policy;
    Map<String, List<String>> pushPeers = new TreeMap<>();
    for (Peer p : peers) {
      if (p.push()) {
        for (String s : p.scopes()) {
          pushPeers.computeIfAbsent(s, k -> new ArrayList<>()).add(p.id());
        }
      }
    }
    pushPeers.replaceAll((k, v) -> Immutables.list(v));
    this.replica = new Replica(replicaId, store, clock, b.resolver, b.inboundLimits, pushPeers);
    this.handler = new EngineHandler(replica, b.authorizer);
    this.live = new LiveFollower(replica, peers, ioScheduler, retryPolicy, random, this::liveNews);
    this.status =
        BehaviorSubject.createDefault(
            new SyncStatus(
                SyncStatus.State.IDLE,
                "",
                0,
                0,
                0,
                0,
                replica.quarantine().size(),
                Collections.emptyMap()));
  }

  /** A builder; {@code replicaId} and {@code store} are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** This replica's id. */
  public String replicaId() {
    return replicaId;
  }

  /** The peers this replica syncs with, in id order. */
  public List<Peer> peers() {
    return peers;
  }

  SyncStore store() {
    checkOpen();
    return store;
  }

  // ---- data ----

  /** The records of collection {@code name} in the default scope, as JSON trees. */
  public SyncCollection<JsonNode> collection(String name) {
    return collection(name, JsonNode.class, defaultScope);
  }

  /** The records of collection {@code name} in the default scope, mapped to {@code type}. */
  public <T> SyncCollection<T> collection(String name, Class<T> type) {
    return collection(name, type, defaultScope);
  }

  /** The records of collection {@code name} in {@code scope}, mapped to {@code type}. */
  public <T> SyncCollection<T> collection(String name, Class<T> type, String scope) {
    Identifiers.check(name, "name");
    Objects.requireNonNull(type, "type == null");
    SyncRecord.checkScope(scope);
    return new SyncCollection<>(this, name, scope, type, mapper);
  }

  List<WriteReceipt> writeAll(List<Replica.LocalWrite> writes) {
    checkOpen();
    List<Replica.Written> written = replica.writeLocalAll(writes);
    if (background && !written.isEmpty()) {
      scheduleOnce("local", policy.localChangeDebounce(), policy.constraints(), false);
    }
    List<WriteReceipt> out = new ArrayList<>(written.size());
    for (Replica.Written w : written) {
      RecordId id = w.record().id();
      out.add(
          new WriteReceipt(
              id, w.record().version(), replica.acknowledged(id, w.record().version())));
    }
    return out;
  }

  WriteReceipt write(RecordId id, String scope, boolean deleted, Payload payload) {
    checkOpen();
    Replica.Written w = replica.writeLocal(id, scope, deleted, payload);
    if (background) {
      scheduleOnce("local", policy.localChangeDebounce(), policy.constraints(), false);
    }
    return new WriteReceipt(
        id, w.record().version(), replica.acknowledged(id, w.record().version()));
  }

  /**
   * Every record change the engine stores, local and remote.
   *
   * <p><b>Scheduler:</b> emits on the thread that stored the change. <b>Backpressure:</b> none.
   * <b>Errors:</b> never; completes when the engine closes.
   */
  public Observable<RecordEvent> changes() {
    return replica.events();
  }

  // ---- sync ----

  /**
   * Syncs with every peer now, once, and emits how each session ended. A sync already running
   * finishes first. Does not retry within the call: a retry outcome carries the computed delay, and
   * with background sync enabled the engine retries on its own after it.
   *
   * <p><b>Scheduler:</b> runs on the I/O scheduler given to the builder. <b>Errors:</b> {@link
   * SyncException} with {@link SyncException.Code#CLOSED} if the engine is closed; session failures
   * are results, not errors.
   */
  public Single<SyncResult> syncNow() {
    return Single.fromCallable(() -> runSync(Long.MAX_VALUE, false, false))
        .subscribeOn(ioScheduler);
  }

  /**
   * Syncs like {@link #syncNow()} but stops cleanly at {@code deadlineMillis} (by the engine's
   * clock), keeping every finished batch; the next sync continues from there. Blocks.
   */
  public SyncResult syncUntil(long deadlineMillis) {
    return runSync(deadlineMillis, false, false);
  }

  private SyncResult runSync(long deadlineMillis, boolean fromScheduler, boolean pushOnly) {
    checkOpen();
    sessionLock.lock();
    try {
      checkOpen();
      List<Session> sessions = new ArrayList<>();
      importChangeSources(sessions);
      int[] totals = new int[2];
      for (Peer peer : peers) {
        setStatus(SyncStatus.State.SYNCING, "syncing with " + peer.id(), 0, totals[0], totals[1]);
        safely(() -> listener.sessionStarted(peer.id()));
        BatchSizer sizer =
            sizers.computeIfAbsent(peer.id(), k -> new BatchSizer(maxBatchChanges, maxBatchBytes));
        int basePushed = totals[0];
        int basePulled = totals[1];
        PeerSession.Result r =
            new PeerSession(
                    replica,
                    peer,
                    sizer,
                    maxBatchChanges,
                    maxBatchBytes,
                    listener,
                    (pushed, pulled) ->
                        setStatus(
                            SyncStatus.State.SYNCING,
                            "syncing with " + peer.id(),
                            0,
                            basePushed + pushed,
                            basePulled + pulled),
                    deadlineMillis,
                    pushOnly)
                .run();
        totals[0] += r.pushed();
        totals[1] += r.pulled();
        PeerResult pr =
            new PeerResult(
                peer.id(),
                r.kind(),
                r.pushed(),
                r.pulled(),
                r.quarantined(),
                r.message(),
                Duration.ZERO);
        sessions.add(new Session(pr, r.peerRetryAfter(), r.unreachable(), r.deadlineReached()));
      }
      return finish(sessions, totals, fromScheduler);
    } finally {
      sessionLock.unlock();
    }
  }

  /** A session's result with what the engine needs to plan the next attempt. */
  private record Session(
      PeerResult result, Duration peerRetryAfter, boolean unreachable, boolean deadlineReached) {}

  private void importChangeSources(List<Session> sessions) {
    for (ChangeSource source : changeSources) {
      String property = "source." + source.name() + ".token";
      int imported = 0; // pushed by the sessions that follow, in this same run
      try {
        boolean more = true;
        while (more) {
          String token = store.property(property).orElse(null);
          ChangeSource.ScanResult scan = source.scan(token, 500);
          imported += replica.importChanges(scan.changes(), property, scan.nextToken());
          more = scan.hasMore();
        }
      } catch (IOException | RuntimeException e) {
        sessions.add(
            new Session(
                new PeerResult(
                    "source:" + source.name(),
                    PeerResult.Kind.RETRY,
                    imported,
                    0,
                    0,
                    "scanning " + source.name() + " failed: " + e,
                    Duration.ZERO),
                null,
                false,
                false));
      }
    }
  }

  private SyncResult finish(List<Session> sessions, int[] totals, boolean fromScheduler) {
    boolean anyRetry = false;
    boolean anyFailure = false;
    boolean allUnreachable = true;
    String failure = null;
    String retryReason = null;
    for (Session x : sessions) {
      PeerResult r = x.result();
      if (r.kind() == PeerResult.Kind.FAILED && failure == null) {
        failure = r.peerId() + ": " + r.message();
      }
      if (r.kind() == PeerResult.Kind.RETRY) {
        anyRetry = true;
        // Stopping at a deadline is planned, not a failure: it neither grows the backoff nor
        // delays the next run.
        anyFailure |= !x.deadlineReached();
        if (retryReason == null) {
          retryReason = r.peerId() + ": " + r.message();
        }
      }
      allUnreachable &= x.unreachable();
    }
    if (resetBackoff) {
      resetBackoff = false;
      consecutiveFailures = 0;
    }
    consecutiveFailures = anyFailure ? consecutiveFailures + 1 : anyRetry ? consecutiveFailures : 0;
    Duration delay = Duration.ZERO;
    List<PeerResult> results = new ArrayList<>();
    long now = clock.millis();
    for (Session x : sessions) {
      PeerResult r = x.result();
      if (r.kind() == PeerResult.Kind.RETRY) {
        Duration d =
            x.deadlineReached()
                ? Duration.ZERO
                : retryPolicy.delay(Math.max(1, consecutiveFailures), x.peerRetryAfter(), random);
        if (d.compareTo(delay) > 0) {
          delay = d;
        }
        r =
            new PeerResult(
                r.peerId(), r.kind(), r.pushed(), r.pulled(), r.quarantined(), r.message(), d);
      }
      results.add(r);
      PeerResult done = r;
      safely(() -> listener.sessionEnded(done));
    }
    synchronized (statusLock) {
      for (PeerResult r : results) {
        if (r.isSuccess()) {
          lastSuccess.put(r.peerId(), now);
        }
      }
    }
    SyncStatus.State state;
    String detail;
    long next = 0;
    if (failure != null) {
      state = SyncStatus.State.FAILED;
      detail = failure;
    } else if (anyFailure && consecutiveFailures > retryPolicy.maxAttempts()) {
      state = SyncStatus.State.FAILED;
      detail = "gave up after " + retryPolicy.maxAttempts() + " retries; last: " + retryReason;
    } else if (anyRetry) {
      state =
          !anyFailure
              ? SyncStatus.State.IDLE
              : allUnreachable ? SyncStatus.State.OFFLINE : SyncStatus.State.BACKING_OFF;
      detail = retryReason;
      if (background) {
        next = now + delay.toMillis();
        if (!fromScheduler) {
          scheduleOnce("retry", delay, policy.constraints(), false);
        }
      }
    } else {
      state = SyncStatus.State.IDLE;
      detail = "";
    }
    lastDelay = delay;
    backoffUntilMillis = anyRetry ? now + delay.toMillis() : 0;
    if (background && !anyRetry && failure == null && !policy.maxStaleness().isZero()) {
      // Past the staleness bound, only the network constraint holds.
      scheduleOnce("stale", policy.maxStaleness(), Constraints.CONNECTED, false);
    }
    setStatus(state, detail, next, totals[0], totals[1]);
    return new SyncResult(results);
  }

  // The delay planned by the last run, for the host scheduler; guarded by sessionLock.
  private Duration lastDelay = Duration.ZERO;

  private void setStatus(SyncStatus.State state, String detail, long next, int pushed, int pulled) {
    synchronized (statusLock) {
      int pending = state == SyncStatus.State.SYNCING ? status.getValue().pending() : -1;
      if (pending < 0) {
        pending = replica.pendingCount();
      }
      status.onNext(
          new SyncStatus(
              state,
              detail,
              next,
              pushed,
              pulled,
              pending,
              replica.quarantine().size(),
              lastSuccess));
    }
  }

  // ---- background ----

  /**
   * Turns background sync on: periodic runs under the builder's constraints, a run shortly after
   * each local change (debounced), and automatic retries after transient failures. Off by default;
   * everything works in the foreground without it.
   */
  public void enableBackgroundSync() {
    checkOpen();
    background = true;
    scheduler.schedule(
        WorkRequest.periodic(
            workName("periodic"),
            Duration.ZERO,
            policy.interval(),
            policy.constraints(),
            policy.maxRunTime()),
        backgroundWork);
    if (!policy.maxStaleness().isZero()) {
      scheduleOnce("stale", policy.maxStaleness(), Constraints.CONNECTED, false);
    }
  }

  /** Turns background sync off and cancels scheduled runs; a run in progress finishes. */
  public void disableBackgroundSync() {
    background = false;
    for (String what : WORK) {
      scheduler.cancel(workName(what));
    }
  }

  private static final String[] WORK = {"periodic", "local", "retry", "stale", "user", "reconnect"};

  /** Whether background sync is on. */
  public boolean isBackgroundSyncEnabled() {
    return background;
  }

  /**
   * Asks for a background sync on a user's behalf (pull to refresh): it runs at once when any
   * network is up, expedited if the policy says so, and may outlive the screen that asked. Unlike
   * {@link #syncNow()}, it does not need the caller to wait. Needs background sync enabled.
   *
   * @throws IllegalStateException if background sync is off
   */
  public void requestSync() {
    checkOpen();
    if (!background) {
      throw new IllegalStateException("background sync is off; call syncNow() instead");
    }
    backoffUntilMillis = 0;
    scheduleOnce("user", Duration.ZERO, Constraints.CONNECTED, policy.expediteOnUserAction());
  }

  private void scheduleOnce(
      String what, Duration delay, Constraints constraints, boolean expedited) {
    scheduler.schedule(
        new WorkRequest(
            workName(what),
            false,
            delay,
            Duration.ZERO,
            constraints,
            policy.maxRunTime(),
            expedited),
        backgroundWork);
  }

  private String workName(String what) {
    return "syncline." + replicaId + "." + what;
  }

  /** What the engine hands to its scheduler: a run, and a way to hear why a run waits. */
  private final BackgroundWork backgroundWork =
      new BackgroundWork() {
        @Override
        public WorkResult run(long deadlineMillis) {
          return runBackground(deadlineMillis);
        }

        @Override
        public void networkRestored() {
          // A reconnect ends any backoff: the failure it answered was most likely the outage.
          resetBackoff = true;
          backoffUntilMillis = 0;
          if (background && !closed) {
            scheduleOnce("reconnect", Duration.ZERO, Constraints.CONNECTED, false);
          }
        }

        @Override
        public void waiting(String unmet) {
          if (!closed && !sessionLock.isLocked()) {
            SyncStatus s = status.getValue();
            setStatus(SyncStatus.State.WAITING, "waiting for " + unmet, 0, s.pushed(), s.pulled());
          }
        }
      };

  private WorkResult runBackground(long deadlineMillis) {
    if (closed || !background) {
      return WorkResult.SUCCESS;
    }
    // A background trigger (a local change, the period) never cuts a backoff short: the peer may
    // have asked for that delay. Only a manual sync does.
    long wait = backoffUntilMillis - clock.millis();
    if (wait > 0) {
      return WorkResult.retry(Duration.ofMillis(wait));
    }
    try {
      SyncResult r = runSync(deadlineMillis, true, policy.mode() == SyncPolicy.Mode.PUSH_ONLY);
      if (r.isSuccess()) {
        return WorkResult.SUCCESS;
      }
      boolean failed = r.peers().stream().anyMatch(p -> p.kind() == PeerResult.Kind.FAILED);
      if (failed || consecutiveFailuresSnapshot() > retryPolicy.maxAttempts()) {
        return new WorkResult(WorkResult.Status.FAILURE, Duration.ZERO);
      }
      return WorkResult.retry(lastDelaySnapshot());
    } catch (RuntimeException e) {
      return new WorkResult(WorkResult.Status.FAILURE, Duration.ZERO);
    }
  }

  private int consecutiveFailuresSnapshot() {
    sessionLock.lock();
    try {
      return consecutiveFailures;
    } finally {
      sessionLock.unlock();
    }
  }

  private Duration lastDelaySnapshot() {
    sessionLock.lock();
    try {
      return lastDelay;
    } finally {
      sessionLock.unlock();
    }
  }

  // ---- status ----

  /**
   * The engine's status: the current value at once, then every change.
   *
   * <p><b>Scheduler:</b> emits on the thread that changed the status (the sync thread).
   * <b>Backpressure:</b> none; statuses are snapshots, so {@code sample} or {@code throttleLatest}
   * lose nothing a UI needs. <b>Errors:</b> never; completes when the engine closes.
   */
  public Observable<SyncStatus> status() {
    return status.hide();
  }

  /** The latest status. */
  public SyncStatus currentStatus() {
    return status.getValue();
  }

  /** Where a record stands in syncing. */
  public RecordState stateOf(RecordId id) {
    Objects.requireNonNull(id, "id == null");
    checkOpen();
    return replica.stateOf(id);
  }

  /** The records whose local changes some peer has yet to acknowledge, in id order. */
  public List<RecordId> pendingRecords() {
    checkOpen();
    return replica.pending(Integer.MAX_VALUE);
  }

  // ---- quarantine ----

  /** The local changes peers rejected, oldest first. They survive restarts. */
  public List<QuarantinedChange> quarantine() {
    checkOpen();
    return replica.quarantine();
  }

  /**
   * Sends a quarantined change again: its record's current state gets a new version and is pushed
   * at the next sync. Fix the record first (put it again) if the peer's reason asks so.
   *
   * @throws IllegalArgumentException if no entry has that id
   */
  public void replay(long quarantineId) {
    checkOpen();
    replica.replay(quarantineId);
    if (background) {
      scheduleOnce("local", Duration.ZERO, policy.constraints(), false);
    }
  }

  /**
   * Drops a quarantine entry without sending it again. The local record stays as it is.
   *
   * @throws IllegalArgumentException if no entry has that id
   */
  public void discard(long quarantineId) {
    checkOpen();
    replica.discard(quarantineId);
  }

  // ---- live ----

  /**
   * Follows every peer this replica pulls from live: keeps a stream open to each (where the
   * transport has one), and pulls as soon as a peer reports new changes, so they arrive within a
   * round trip instead of at the next scheduled sync. Streams that fail are reopened with backoff.
   * Off by default; idempotent.
   */
  public void startLive() {
    checkOpen();
    live.start();
  }

  /** Stops following peers live. Idempotent. */
  public void stopLive() {
    live.stop();
  }

  private void liveNews() {
    // Coalesce: one task takes every page that arrived before it started.
    if (!closed && liveSyncQueued.compareAndSet(false, true)) {
      ioScheduler.scheduleDirect(
          () -> {
            liveSyncQueued.set(false);
            if (!closed) {
              try {
                if (!applyLivePages()) {
                  runSync(Long.MAX_VALUE, true, false);
                }
              } catch (RuntimeException e) {
                // The status stream reports failed runs; a closed engine has nothing to do.
              }
            }
          });
    }
  }

  /**
   * Applies the pages live streams delivered, each with its new pull cursor in one transaction,
   * where a page starts at or before the stored cursor of the same peer feed; returns false when a
   * pull must fetch what they could not cover (a gap, another epoch, a page that fails the checks,
   * pages dropped while the engine was busy).
   */
  private boolean applyLivePages() {
    sessionLock.lock();
    try {
      checkOpen();
      LiveFollower.Pending pending = live.drain();
      boolean complete = !pending.dropped();
      for (LiveFollower.LivePage lp : pending.pages()) {
        Checkpoint cp = replica.checkpoint(lp.peer().id(), lp.scope());
        if (!cp.peerEpoch().equals(lp.epoch()) || cp.pullCursor() < lp.before()) {
          complete = false; // a gap this page does not cover, or another feed
          continue;
        }
        FeedPage page = lp.page();
        if (page.nextCursor() <= cp.pullCursor()) {
          continue; // a pull got here first
        }
        if (PeerSession.validate(replica, page, lp.before(), lp.scope(), Integer.MAX_VALUE)
            != null) {
          complete = false; // the pull meets the same page and reports it
          continue;
        }
        int applied =
            replica.applyChanges(
                lp.peer().id(), page.changes(), cp.withPullCursor(page.nextCursor()));
        safely(() -> listener.batchPulled(lp.peer().id(), lp.scope(), applied));
      }
      return complete;
    } finally {
      sessionLock.unlock();
    }
  }

  // ---- serving ----

  /** The server side of the protocol, for transports that let peers sync with this replica. */
  public SyncHandler handler() {
    return handler;
  }

  /** Stops background work, fails pending receipts and completes the streams. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    disableBackgroundSync();
    live.stop();
    closed = true;
    sessionLock.lock();
    try {
      replica.close();
      synchronized (statusLock) {
        SyncStatus s = status.getValue();
        status.onNext(
            new SyncStatus(
                SyncStatus.State.CLOSED,
                "",
                0,
                s.pushed(),
                s.pulled(),
                s.pending(),
                s.quarantined(),
                s.lastSuccessMillis()));
        status.onComplete();
      }
    } finally {
      sessionLock.unlock();
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new SyncException(SyncException.Code.CLOSED, "engine " + replicaId + " is closed");
    }
  }

  private static void safely(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException ignored) {
      // Listeners must not break a sync; see SyncEventListener.
    }
  }

  @Override
  public String toString() {
    return "SyncEngine{" + replicaId + ", peers=" + peers + "}";
  }

  /**
   * Builds a {@link SyncEngine}. Every setting but the replica id and the store has a safe default;
   * {@link #build()} validates and names what is wrong. Not thread-safe.
   */
  public static final class Builder {
    private String replicaId;
    private SyncStore store;
    private Clock clock = Clock.SYSTEM;
    private Random random;
    private ConflictResolver resolver = Resolvers.lastWriterWins();
    private RetryPolicy retryPolicy = RetryPolicy.DEFAULT;
    private int maxBatchChanges = 500;
    private long maxBatchBytes = 1L << 20;
    private InboundLimits inboundLimits = InboundLimits.DEFAULT;
    private final Map<String, Peer> peers = new TreeMap<>();
    private final List<ChangeSource> changeSources = new ArrayList<>();
    private SyncScheduler scheduler;
    private Scheduler ioScheduler = Schedulers.io();
    private SyncEventListener listener = SyncEventListener.NONE;
    private ObjectMapper mapper = new ObjectMapper();
    private String defaultScope = "default";
    private SyncPolicy policy = SyncPolicy.DEFAULT;
    private Authorizer authorizer = Authorizer.ALLOW_ALL;

    private Builder() {}

    /** This replica's id, stable for the life of its store: stamped into every version. */
    public Builder replicaId(String replicaId) {
      this.replicaId = replicaId;
      return this;
    }

    /** Where records, feed, checkpoints and quarantine live. The caller keeps ownership. */
    public Builder store(SyncStore store) {
      this.store = store;
      return this;
    }

    /** The wall clock (default: the system clock). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    /** The random source for backoff jitter (default: a new {@link Random}). */
    public Builder random(Random random) {
      this.random = Objects.requireNonNull(random, "random == null");
      return this;
    }

    /** The conflict resolver (default: {@link Resolvers#lastWriterWins()}). */
    public Builder resolver(ConflictResolver resolver) {
      this.resolver = Objects.requireNonNull(resolver, "resolver == null");
      return this;
    }

    /** The retry policy for transient failures (default: {@link RetryPolicy#DEFAULT}). */
    public Builder retryPolicy(RetryPolicy retryPolicy) {
      this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy == null");
      return this;
    }

    /**
     * The largest batch to push, by count and bytes (default 500 changes, 1 MiB); the engine sends
     * less when a peer announces or teaches it a lower limit.
     */
    public Builder batchLimits(int maxChanges, long maxBytes) {
      this.maxBatchChanges = maxChanges;
      this.maxBatchBytes = maxBytes;
      return this;
    }

    /** Bounds on what peers may send (default {@link InboundLimits#DEFAULT}). */
    public Builder inboundLimits(InboundLimits limits) {
      this.inboundLimits = Objects.requireNonNull(limits, "limits == null");
      return this;
    }

    /** Adds a peer to sync with; peer ids must be unique. */
    public Builder peer(Peer peer) {
      Objects.requireNonNull(peer, "peer == null");
      if (peers.putIfAbsent(peer.id(), peer) != null) {
        throw new IllegalArgumentException("two peers have the id " + peer.id());
      }
      return this;
    }

    /** Adds an external data set to import changes from at the start of every sync. */
    public Builder changeSource(ChangeSource source) {
      Objects.requireNonNull(source, "source == null");
      Identifiers.check(source.name(), "source.name()");
      this.changeSources.add(source);
      return this;
    }

    /**
     * When background runs happen (default: in this process, on the I/O scheduler, treating
     * constraints as met). Host adapters supply platform schedulers.
     */
    public Builder scheduler(SyncScheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler == null");
      return this;
    }

    /** Where {@link #syncNow()} runs (default {@link Schedulers#io()}). */
    public Builder ioScheduler(Scheduler ioScheduler) {
      this.ioScheduler = Objects.requireNonNull(ioScheduler, "ioScheduler == null");
      return this;
    }

    /** Observes sessions (default: none). */
    public Builder eventListener(SyncEventListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener == null");
      return this;
    }

    /** Maps typed records to JSON (default: a plain {@link ObjectMapper}). */
    public Builder objectMapper(ObjectMapper mapper) {
      this.mapper = Objects.requireNonNull(mapper, "mapper == null");
      return this;
    }

    /** The scope collections write to unless told otherwise (default {@code "default"}). */
    public Builder defaultScope(String scope) {
      this.defaultScope = scope;
      return this;
    }

    /** When and how background sync runs (default {@link SyncPolicy#DEFAULT}). */
    public Builder syncPolicy(SyncPolicy policy) {
      this.policy = Objects.requireNonNull(policy, "policy == null");
      return this;
    }

    /** Decides what peers may read and write through {@link #handler()} (default: all). */
    public Builder authorizer(Authorizer authorizer) {
      this.authorizer = Objects.requireNonNull(authorizer, "authorizer == null");
      return this;
    }

    /**
     * The engine.
     *
     * @throws IllegalArgumentException naming the first bad setting
     * @throws NullPointerException if the replica id or store is missing
     */
    public SyncEngine build() {
      Objects.requireNonNull(replicaId, "replicaId == null");
      Identifiers.check(replicaId, "replicaId");
      Objects.requireNonNull(store, "store == null");
      SyncRecord.checkScope(defaultScope);
      if (maxBatchChanges < 1) {
        throw new IllegalArgumentException("maxBatchChanges < 1: " + maxBatchChanges);
      }
      if (maxBatchBytes < 1) {
        throw new IllegalArgumentException("maxBatchBytes < 1: " + maxBatchBytes);
      }
      if (peers.containsKey(replicaId)) {
        throw new IllegalArgumentException("a peer has this replica's own id " + replicaId);
      }
      if (random == null) {
        random = new Random();
      }
      return new SyncEngine(this);
    }
  }
}
