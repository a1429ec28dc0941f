package io.syncline.engine.internal;

import io.reactivex.rxjava3.core.Completable;
import io.reactivex.rxjava3.core.CompletableEmitter;
import io.reactivex.rxjava3.core.Observable;
import io.reactivex.rxjava3.subjects.PublishSubject;
import io.reactivex.rxjava3.subjects.Subject;
import io.syncline.engine.InboundLimits;
import io.syncline.engine.RecordEvent;
import io.syncline.engine.RecordState;
import io.syncline.spi.ApplyResult;
import io.syncline.spi.Change;
import io.syncline.spi.ChangeSource.SourceChange;
import io.syncline.spi.Checkpoint;
import io.syncline.spi.Clock;
import io.syncline.spi.ConflictResolver;
import io.syncline.spi.FeedPage;
import io.syncline.spi.Payload;
import io.syncline.spi.QuarantinedChange;
import io.syncline.spi.RecordId;
import io.syncline.spi.StoredRecord;
import io.syncline.spi.SyncException;
import io.syncline.spi.SyncRecord;
import io.syncline.spi.SyncStore;
import io.syncline.spi.Version;
import io.syncline.spi.WriteSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The local side of the engine: every write to the store goes through here, under one lock, so that
 * the hybrid logical clock, the conflict resolver and the store's version check see one order of
 * events. Also keeps the push cursors, the quarantine and the write receipts in memory.
 *
 * <p>Thread-safe.
 */
public final class Replica {
  private final String replicaId;
  private final SyncStore store;
  private final Clock clock;
  private final HybridClock hlc;
  private final ConflictResolver resolver;
  private final boolean lastWriterWins;
  private final InboundLimits limits;
  private final LiveHub live;
  private final Map<String, List<String>> pushPeersByScope;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final Subject<RecordEvent> events = PublishSubject.<RecordEvent>create().toSerialized();
  private final Object cacheLock = new Object();
  private final Map<String, Long> pushCursors = new TreeMap<>();
  private final List<Waiter> waiters = new ArrayList<>();
  private volatile List<QuarantinedChange> quarantine;

  /** The state of a local write. */
  public record Written(SyncRecord record, long seq) {}

  private record Waiter(RecordId id, Version version, CompletableEmitter emitter) {}

  public Replica(
      String replicaId,
      SyncStore store,
      Clock clock,
      ConflictResolver resolver,
      InboundLimits limits,
      Map<String, List<String>> pushPeersByScope) {
    this.replicaId = replicaId;
    this.store = store;
    this.clock = clock;
    this.hlc = new HybridClock(clock, replicaId);
    this.resolver = resolver;
    this.lastWriterWins = resolver instanceof LastWriterWins;
    this.limits = limits;
    this.live = new LiveHub(store, limits.maxBatchChanges(), limits.maxBatchBytes());
    this.pushPeersByScope = pushPeersByScope;
    this.quarantine = store.quarantine();
  }

  public String replicaId() {
    return replicaId;
  }

  public SyncStore store() {
    return store;
  }

  public Clock clock() {
    return clock;
  }

  public InboundLimits limits() {
    return limits;
  }

  public LiveHub live() {
    return live;
  }

  public Observable<RecordEvent> events() {
    return events;
  }

  public List<QuarantinedChange> quarantine() {
    return quarantine;
  }

  // ---- local writes ----

  /** Writes a record state made by this replica's app, with a new version. */
  public Written writeLocal(RecordId id, String scope, boolean deleted, Payload payload) {
    checkLocalPayload(deleted, payload);
    Written written;
    String previousScope = null;
    writeLock.lock();
    try {
      written = null;
      // Another engine on the same database may commit a newer version between our read and
      // our write; then read again and stamp past it.
      for (int attempt = 0; attempt < 5 && written == null; attempt++) {
        Optional<StoredRecord> prev = store.get(id);
        SyncRecord previous = prev.map(StoredRecord::record).orElse(null);
        if (previous != null) {
          previousScope = previous.scope();
        }
        SyncRecord rec = stampLocal(previous, id, scope, deleted, payload);
        ApplyResult r = store.apply(WriteSet.builder().write(rec, null).build());
        if (r.applied(0)) {
          written = new Written(rec, r.seq(0));
        }
      }
    } finally {
      writeLock.unlock();
    }
    if (written == null) {
      throw new SyncException(
          SyncException.Code.INTERNAL, "the store did not accept a newer version of " + id);
    }
    events.onNext(new RecordEvent(id, written.record().version(), deleted, false));
    TreeSet<String> scopes = new TreeSet<>();
    scopes.add(scope);
    if (previousScope != null) {
      scopes.add(previousScope);
    }
    live.committed(scopes);
    return written;
  }

  /** One local write of a batch. */
  public record LocalWrite(RecordId id, String scope, boolean deleted, Payload payload) {}

  /**
   * Writes several local record states in one store transaction (one commit, one sync to disk),
   * each with a new version. All are checked before anything is written: one bad payload refuses
   * the whole batch.
   */
  public List<Written> writeLocalAll(List<LocalWrite> writes) {
    for (LocalWrite w : writes) {
      checkLocalPayload(w.deleted(), w.payload());
    }
    List<Written> out = new ArrayList<>(writes.size());
    TreeSet<String> scopes = new TreeSet<>();
    writeLock.lock();
    try {
      WriteSet.Builder ws = WriteSet.builder();
      Map<RecordId, SyncRecord> decided = new HashMap<>();
      List<SyncRecord> recs = new ArrayList<>(writes.size());
      for (LocalWrite w : writes) {
        SyncRecord previous = current(decided, w.id());
        if (previous != null) {
          scopes.add(previous.scope());
        }
        SyncRecord rec = stampLocal(previous, w.id(), w.scope(), w.deleted(), w.payload());
        ws.write(rec, null);
        decided.put(w.id(), rec);
        recs.add(rec);
        scopes.add(w.scope());
      }
      ApplyResult r = store.apply(ws.build());
      for (int i = 0; i < recs.size(); i++) {
        if (r.applied(i)) {
          out.add(new Written(recs.get(i), r.seq(i)));
        } else {
          // Another engine on the same database wrote a newer version meanwhile: stamp again.
          LocalWrite w = writes.get(i);
          out.add(writeLocal(w.id(), w.scope(), w.deleted(), w.payload()));
        }
      }
    } finally {
      writeLock.unlock();
    }
    for (Written w : out) {
      events.onNext(
          new RecordEvent(w.record().id(), w.record().version(), w.record().deleted(), false));
    }
    live.committed(scopes);
    return out;
  }

  /**
   * A local state of a record with a new version, newer than {@code previous} (null if the record
   * is new) even when the wall clock went back, and the resolver's metadata. Under the write lock.
   */
  private SyncRecord stampLocal(
      SyncRecord previous, RecordId id, String scope, boolean deleted, Payload payload) {
    if (previous != null) {
      hlc.observe(previous.version().stamp());
    }
    SyncRecord rec = new SyncRecord(id, scope, hlc.now(), deleted, payload, Payload.EMPTY);
    return rec.withMeta(resolver.metaForLocalWrite(previous, rec));
  }

  /** The state decided earlier in the same write set, else the stored one, else null. */
  private SyncRecord current(Map<RecordId, SyncRecord> decided, RecordId id) {
    SyncRecord d = decided.get(id);
    return d != null ? d : store.get(id).map(StoredRecord::record).orElse(null);
  }

  private boolean acceptableLocal(boolean deleted, Payload payload) {
    return payload.size() <= limits.maxRecordBytes() && (deleted || payload.isJson());
  }

  private void checkLocalPayload(boolean deleted, Payload payload) {
    if (payload.size() > limits.maxRecordBytes()) {
      throw new SyncException(
          SyncException.Code.TOO_LARGE,
          "record of " + payload.size() + " bytes exceeds the limit of " + limits.maxRecordBytes());
    }
    if (!deleted && !payload.isJson()) {
      throw new SyncException(
          SyncException.Code.INVALID_ARGUMENT, "payload is not one well-formed JSON value");
    }
  }

  /**
   * Imports a change source's scan as local writes, atomically with the source's new token. Items
   * whose state equals the stored one are skipped. Returns how many records changed.
   */
  public int importChanges(List<SourceChange> changes, String tokenProperty, String token) {
    List<SyncRecord> written = new ArrayList<>();
    TreeSet<String> scopes = new TreeSet<>();
    writeLock.lock();
    try {
      WriteSet.Builder ws = WriteSet.builder();
      Map<RecordId, SyncRecord> decided = new HashMap<>();
      for (SourceChange c : changes) {
        if (!acceptableLocal(c.deleted(), c.payload())) {
          // One bad item (a broken file) must not block the rest of the data set.
          continue;
        }
        SyncRecord cur = current(decided, c.id());
        if (cur == null ? c.deleted() : sameAs(cur, c)) {
          continue;
        }
        if (cur != null) {
          scopes.add(cur.scope());
        }
        SyncRecord rec = stampLocal(cur, c.id(), c.scope(), c.deleted(), c.payload());
        ws.write(rec, null);
        decided.put(c.id(), rec);
        written.add(rec);
        scopes.add(c.scope());
      }
      ws.property(tokenProperty, token);
      store.apply(ws.build());
    } finally {
      writeLock.unlock();
    }
    for (SyncRecord r : written) {
      events.onNext(new RecordEvent(r.id(), r.version(), r.deleted(), false));
    }
    live.committed(scopes);
    return written.size();
  }

  private static boolean sameAs(SyncRecord cur, SourceChange c) {
    return cur.deleted() == c.deleted()
        && cur.scope().equals(c.scope())
        && cur.payload().equals(c.payload());
  }

  /** Re-stamps a quarantined record's current state so that it is pushed again. */
  public void replay(long quarantineId) {
    QuarantinedChange q = findQuarantined(quarantineId);
    writeLock.lock();
    try {
      Optional<StoredRecord> cur = store.get(q.record().id());
      WriteSet.Builder ws = WriteSet.builder().unquarantine(quarantineId);
      SyncRecord rec = null;
      if (cur.isPresent()) {
        SyncRecord c = cur.get().record();
        hlc.observe(c.version().stamp());
        rec = new SyncRecord(c.id(), c.scope(), hlc.now(), c.deleted(), c.payload(), c.meta());
        ws.write(rec, null);
      }
      store.apply(ws.build());
      quarantine = store.quarantine();
      if (rec != null) {
        events.onNext(new RecordEvent(rec.id(), rec.version(), rec.deleted(), false));
      }
    } finally {
      writeLock.unlock();
    }
  }

  /** Removes a quarantine entry and keeps the local data as it is. */
  public void discard(long quarantineId) {
    findQuarantined(quarantineId);
    writeLock.lock();
    try {
      store.apply(WriteSet.builder().unquarantine(quarantineId).build());
      quarantine = store.quarantine();
    } finally {
      writeLock.unlock();
    }
  }

  private QuarantinedChange findQuarantined(long id) {
    for (QuarantinedChange q : quarantine) {
      if (q.id() == id) {
        return q;
      }
    }
    throw new IllegalArgumentException("no quarantined change with id " + id);
  }

  // ---- remote changes ----

  /**
   * Applies states received from {@code source}, resolving conflicts, together with {@code
   * checkpoint} (may be null) in one store transaction. Returns how many records changed.
   */
  public int applyRemote(String source, List<SyncRecord> records, Checkpoint checkpoint) {
    List<SyncRecord> attempted = new ArrayList<>();
    ApplyResult result;
    writeLock.lock();
    try {
      WriteSet.Builder ws = WriteSet.builder();
      Map<RecordId, SyncRecord> decided = new HashMap<>();
      // The clock moves past the newest stamp before any is resolved, once for the whole set.
      long newest = 0;
      for (SyncRecord r : records) {
        newest = Math.max(newest, r.version().stamp());
      }
      hlc.observe(newest);
      for (SyncRecord r : records) {
        if (lastWriterWins) {
          ws.write(r, source);
          attempted.add(r);
          continue;
        }
        SyncRecord local = current(decided, r.id());
        SyncRecord out = local == null ? r : resolve(local, r);
        if (out == null) {
          continue;
        }
        boolean isRemote = out == r;
        ws.write(out, isRemote ? source : null);
        attempted.add(out);
        decided.put(r.id(), out);
      }
      if (checkpoint != null) {
        ws.checkpoint(checkpoint);
      }
      result = store.apply(ws.build());
    } finally {
      writeLock.unlock();
    }
    int applied = 0;
    TreeSet<String> scopes = new TreeSet<>();
    String lastScope = null;
    boolean observed = events.hasObservers();
    for (int i = 0; i < attempted.size(); i++) {
      if (result.applied(i)) {
        applied++;
        SyncRecord r = attempted.get(i);
        if (!r.scope().equals(lastScope)) {
          lastScope = r.scope();
          scopes.add(lastScope);
        }
        if (observed) {
          events.onNext(new RecordEvent(r.id(), r.version(), r.deleted(), true));
        }
      }
    }
    if (applied > 0) {
      live.committed(scopes);
      checkWaiters();
    }
    return applied;
  }

  /** {@link #applyRemote} for the records of {@code changes}, a page of a peer's feed. */
  public int applyChanges(String source, List<Change> changes, Checkpoint checkpoint) {
    List<SyncRecord> records = new ArrayList<>(changes.size());
    for (Change c : changes) {
      records.add(c.record());
    }
    return applyRemote(source, records, checkpoint);
  }

  /**
   * The state to write for a remote state meeting a local one, or null to keep the local one. When
   * the resolver's choice has the same content as the state with the higher version, that state is
   * kept as it is; only a choice that differs from it gets a new version (dominating both), so that
   * replicas resolving the same pair never trade fresh versions of equal content.
   */
  private SyncRecord resolve(SyncRecord local, SyncRecord remote) {
    hlc.observe(local.version().stamp());
    ConflictResolver.Resolution res = resolver.resolve(local, remote);
    boolean remoteNewer = remote.version().isNewerThan(local.version());
    SyncRecord newer = remoteNewer ? remote : local;
    SyncRecord chosen;
    if (res instanceof ConflictResolver.KeepRemote) {
      chosen = remote;
    } else if (res instanceof ConflictResolver.KeepLocal) {
      chosen = local;
    } else {
      ConflictResolver.Merged m = (ConflictResolver.Merged) res;
      chosen =
          new SyncRecord(
              local.id(), newer.scope(), newer.version(), m.deleted(), m.payload(), m.meta());
    }
    if (chosen.sameContentAs(newer)) {
      return remoteNewer ? remote : null;
    }
    return new SyncRecord(
        local.id(), newer.scope(), hlc.now(), chosen.deleted(), chosen.payload(), chosen.meta());
  }

  /**
   * Checks one inbound record before anything is applied; returns a rejection code and reason, or
   * null if it is acceptable. {@code nowMillis} is this replica's clock, read once per batch.
   */
  public String[] validateInbound(SyncRecord r, String scope, long nowMillis) {
    if (!r.scope().equals(scope)) {
      return new String[] {"INVALID_ARGUMENT", "record scope " + r.scope() + " is not " + scope};
    }
    if (r.payload().size() + (long) r.meta().size() > limits.maxRecordBytes()) {
      return new String[] {
        "TOO_LARGE",
        "record of "
            + (r.payload().size() + r.meta().size())
            + " bytes exceeds "
            + limits.maxRecordBytes()
      };
    }
    if (!r.deleted() && !r.payload().isJson()) {
      return new String[] {"INVALID_JSON", "payload is not one well-formed JSON value"};
    }
    long skew = r.version().physicalMillis() - nowMillis;
    if (skew > limits.maxClockSkew().toMillis()) {
      return new String[] {
        "CLOCK_SKEW", "version " + r.version() + " lies " + skew + " ms in the future"
      };
    }
    return null;
  }

  // ---- checkpoints and acknowledgements ----

  /** The stored checkpoint of a peer and scope, or the initial one. */
  public Checkpoint checkpoint(String peerId, String scope) {
    Checkpoint cp = store.checkpoint(peerId, scope).orElse(Checkpoint.initial(peerId, scope));
    cachePushCursor(cp);
    return cp;
  }

  /** Stores the first checkpoint of a peer and scope. */
  public void startCheckpoint(Checkpoint cp) {
    writeLock.lock();
    try {
      store.apply(WriteSet.builder().checkpoint(cp).build());
    } finally {
      writeLock.unlock();
    }
    cachePushCursor(cp);
  }

  /**
   * Starts over with a peer whose store was replaced or went back in time: stores {@code cp}
   * unconditionally and remembers, in the same transaction, that every local record up to the
   * current head must be pushed to the peer again, even those that came from it.
   */
  public void resetCheckpoint(Checkpoint cp) {
    writeLock.lock();
    try {
      store.apply(
          WriteSet.builder()
              .resetCheckpoint(cp)
              .property(resyncProperty(cp.peerId(), cp.scope()), Long.toString(store.headSeq()))
              .build());
    } finally {
      writeLock.unlock();
    }
    cachePushCursor(cp);
  }

  /**
   * The seq up to which pushes to the peer must include what came from it (after a resync), or 0.
   */
  public long resyncUntil(String peerId, String scope) {
    return store.property(resyncProperty(peerId, scope)).map(Long::parseLong).orElse(0L);
  }

  private static String resyncProperty(String peerId, String scope) {
    return "resync:" + peerId + ":" + scope;
  }

  /** Records that the peer of {@code next} acknowledged {@code sent}, up to its push cursor. */
  public void pushAcknowledged(Checkpoint next, List<Change> sent) {
    boolean removed = false;
    writeLock.lock();
    try {
      WriteSet.Builder ws = WriteSet.builder().checkpoint(next);
      List<QuarantinedChange> q = quarantine;
      if (!q.isEmpty()) {
        Map<RecordId, Version> sentVersions = new TreeMap<>();
        for (Change c : sent) {
          sentVersions.put(c.id(), c.record().version());
        }
        for (QuarantinedChange e : q) {
          Version v = sentVersions.get(e.record().id());
          if (e.peerId().equals(next.peerId())
              && v != null
              && v.isNewerThan(e.record().version())) {
            ws.unquarantine(e.id());
            removed = true;
          }
        }
      }
      store.apply(ws.build());
      if (removed) {
        quarantine = store.quarantine();
      }
    } finally {
      writeLock.unlock();
    }
    cachePushCursor(next);
    checkWaiters();
  }

  /** Sets rejected changes aside. */
  public void addToQuarantine(List<QuarantinedChange> entries) {
    writeLock.lock();
    try {
      WriteSet.Builder ws = WriteSet.builder();
      entries.forEach(ws::quarantine);
      store.apply(ws.build());
      quarantine = store.quarantine();
    } finally {
      writeLock.unlock();
    }
    checkWaiters();
  }

  private void cachePushCursor(Checkpoint cp) {
    synchronized (cacheLock) {
      pushCursors.put(cp.peerId() + "\u0000" + cp.scope(), cp.pushCursor());
    }
  }

  private long pushCursor(String peerId, String scope) {
    synchronized (cacheLock) {
      Long c = pushCursors.get(peerId + "\u0000" + scope);
      if (c != null) {
        return c;
      }
    }
    return checkpoint(peerId, scope).pushCursor();
  }

  // ---- record state ----

  /** Where a record stands. */
  public RecordState stateOf(RecordId id) {
    Optional<StoredRecord> cur = store.get(id);
    if (!cur.isPresent()) {
      return RecordState.UNKNOWN;
    }
    StoredRecord s = cur.get();
    for (QuarantinedChange q : quarantine) {
      if (q.record().id().equals(id) && q.record().version().equals(s.record().version())) {
        return RecordState.QUARANTINED;
      }
    }
    for (String peer :
        pushPeersByScope.getOrDefault(s.record().scope(), Collections.<String>emptyList())) {
      if (!peer.equals(s.source()) && pushCursor(peer, s.record().scope()) < s.seq()) {
        return RecordState.PENDING;
      }
    }
    return RecordState.SYNCED;
  }

  /** The records some push peer still needs, in id order, at most {@code limit}. */
  public List<RecordId> pending(int limit) {
    TreeSet<RecordId> out = new TreeSet<>();
    forEachPending(c -> out.add(c.id()), () -> out.size() < limit);
    List<RecordId> list = new ArrayList<>(out);
    return list.size() > limit ? list.subList(0, limit) : list;
  }

  /**
   * How many records some push peer still needs: the size of {@link #pending} without holding the
   * records. With one push peer per scope (the common case) each record appears once in the feed
   * past the cursor, so counting needs no set and memory stays constant however many changes wait;
   * with several, records are told apart in a set, as {@link #pending} does.
   */
  public int pendingCount() {
    for (List<String> peers : pushPeersByScope.values()) {
      if (peers.size() > 1) {
        return pending(Integer.MAX_VALUE).size();
      }
    }
    int[] count = {0};
    forEachPending(c -> count[0]++, () -> true);
    return count[0];
  }

  /**
   * Calls {@code each} with every change past a push peer's cursor that is not set aside in the
   * quarantine, reading the feed a page at a time while {@code more} says so.
   */
  private void forEachPending(Consumer<Change> each, BooleanSupplier more) {
    TreeSet<String> quarantined = new TreeSet<>();
    for (QuarantinedChange q : quarantine) {
      quarantined.add(q.record().id() + "@" + q.record().version());
    }
    for (Map.Entry<String, List<String>> e : pushPeersByScope.entrySet()) {
      for (String peer : e.getValue()) {
        long cursor = pushCursor(peer, e.getKey());
        while (more.getAsBoolean()) {
          FeedPage page = store.readFeed(e.getKey(), cursor, 1000, Long.MAX_VALUE, peer);
          for (Change c : page.changes()) {
            if (!quarantined.contains(c.id() + "@" + c.record().version())) {
              each.accept(c);
            }
          }
          if (!page.hasMore() || page.nextCursor() == cursor) {
            break;
          }
          cursor = page.nextCursor();
        }
      }
    }
  }

  /** Completes when a peer holds the state {@code version} of {@code id} or a newer one. */
  public Completable acknowledged(RecordId id, Version version) {
    return Completable.create(
        emitter -> {
          Waiter w = new Waiter(id, version, emitter);
          synchronized (waiters) {
            waiters.add(w);
          }
          emitter.setCancellable(
              () -> {
                synchronized (waiters) {
                  waiters.remove(w);
                }
              });
          check(w);
        });
  }

  private void checkWaiters() {
    List<Waiter> copy;
    synchronized (waiters) {
      if (waiters.isEmpty()) {
        return;
      }
      copy = new ArrayList<>(waiters);
    }
    for (Waiter w : copy) {
      check(w);
    }
  }

  private void check(Waiter w) {
    if (w.emitter.isDisposed()) {
      return;
    }
    for (QuarantinedChange q : quarantine) {
      if (q.record().id().equals(w.id) && q.record().version().compareTo(w.version) >= 0) {
        w.emitter.onError(
            new SyncException(
                SyncException.Code.PERMISSION_DENIED.name().equals(q.code())
                    ? SyncException.Code.PERMISSION_DENIED
                    : SyncException.Code.INVALID_ARGUMENT,
                "peer " + q.peerId() + " rejected " + w.id + ": " + q.code() + " " + q.reason()));
        return;
      }
    }
    Optional<StoredRecord> cur = store.get(w.id);
    if (!cur.isPresent()) {
      return;
    }
    StoredRecord s = cur.get();
    boolean acked = s.source() != null && s.record().version().compareTo(w.version) >= 0;
    for (String peer :
        pushPeersByScope.getOrDefault(s.record().scope(), Collections.<String>emptyList())) {
      acked |= pushCursor(peer, s.record().scope()) >= s.seq();
    }
    if (acked) {
      w.emitter.onComplete();
    }
  }

  /** Fails every pending receipt; the engine is closing. */
  public void close() {
    List<Waiter> copy;
    synchronized (waiters) {
      copy = new ArrayList<>(waiters);
      waiters.clear();
    }
    SyncException closed = new SyncException(SyncException.Code.CLOSED, "engine closed");
    for (Waiter w : copy) {
      w.emitter.tryOnError(closed);
    }
    live.closeAll(closed);
    events.onComplete();
  }
}
