package io.syncline.store.memory;

import io.syncline.spi.ApplyResult;
import io.syncline.spi.Change;
import io.syncline.spi.Checkpoint;
import io.syncline.spi.FeedPage;
import io.syncline.spi.QuarantinedChange;
import io.syncline.spi.RecordId;
import io.syncline.spi.StoredRecord;
import io.syncline.spi.SyncException;
import io.syncline.spi.SyncRecord;
import io.syncline.spi.SyncStore;
import io.syncline.spi.WriteSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A complete {@link SyncStore} held in memory: records, the change feed, checkpoints, the
 * quarantine and engine properties. Its data lives as long as the object; {@link #apply} is atomic
 * and its effects are visible to every thread when it returns.
 *
 * <pre>{@code
 * SyncStore store = new MemoryStore();
 * SyncEngine engine = SyncEngine.builder().replicaId("phone-1").store(store).build();
 * }</pre>
 *
 * <p>Thread-safe: every method holds one lock for its duration, so readers see only whole write
 * sets. Iteration orders are sorted, never hash-ordered, so runs are reproducible.
 */
public final class MemoryStore implements SyncStore {
  private final Object lock = new Object();
  private final String epoch;
  private final TreeMap<RecordId, StoredRecord> records = new TreeMap<>();
  private final TreeMap<String, TreeMap<Long, RecordId>> feeds = new TreeMap<>();
  private final TreeMap<String, Checkpoint> checkpoints = new TreeMap<>();
  private final TreeMap<Long, QuarantinedChange> quarantine = new TreeMap<>();
  private final TreeMap<String, String> properties = new TreeMap<>();
  private long head;
  private long nextQuarantineId = 1;
  private boolean closed;

  /** An empty store with a random epoch. */
  public MemoryStore() {
    this(UUID.randomUUID().toString());
  }

  /** An empty store with the given epoch (for reproducible tests and simulations). */
  public MemoryStore(String epoch) {
    this.epoch = Objects.requireNonNull(epoch, "epoch == null");
    if (epoch.isEmpty()) {
      throw new IllegalArgumentException("epoch is empty");
    }
  }

  @Override
  public String epoch() {
    return epoch;
  }

  @Override
  public long headSeq() {
    synchronized (lock) {
      checkOpen();
      return head;
    }
  }

  @Override
  public Optional<StoredRecord> get(RecordId id) {
    Objects.requireNonNull(id, "id == null");
    synchronized (lock) {
      checkOpen();
      return Optional.ofNullable(records.get(id));
    }
  }

  @Override
  public List<StoredRecord> list(
      String collection, String afterKey, int limit, boolean includeDeleted) {
    Objects.requireNonNull(collection, "collection == null");
    if (limit <= 0) {
      throw new IllegalArgumentException("limit <= 0: " + limit);
    }
    synchronized (lock) {
      checkOpen();
      NavigableMap<RecordId, StoredRecord> tail;
      if (afterKey == null) {
        tail = records.tailMap(new RecordId(collection, "\u0020"), true);
      } else {
        tail = records.tailMap(new RecordId(collection, afterKey), false);
      }
      List<StoredRecord> out = new ArrayList<>();
      for (StoredRecord r : tail.values()) {
        if (!r.record().id().collection().equals(collection) || out.size() == limit) {
          break;
        }
        if (includeDeleted || !r.record().deleted()) {
          out.add(r);
        }
      }
      return out;
    }
  }

  @Override
  public FeedPage readFeed(
      String scope, long afterSeq, int maxChanges, long maxBytes, String excludeSource) {
    SyncRecord.checkScope(scope);
    if (afterSeq < 0) {
      throw new IllegalArgumentException("afterSeq < 0: " + afterSeq);
    }
    if (maxChanges <= 0) {
      throw new IllegalArgumentException("maxChanges <= 0: " + maxChanges);
    }
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes <= 0: " + maxBytes);
    }
    synchronized (lock) {
      checkOpen();
      TreeMap<Long, RecordId> feed = feeds.get(scope);
      if (feed == null) {
        return FeedPage.empty(afterSeq);
      }
      List<Change> out = new ArrayList<>();
      long cursor = afterSeq;
      long bytes = 0;
      boolean more = false;
      for (Map.Entry<Long, RecordId> e : feed.tailMap(afterSeq, false).entrySet()) {
        StoredRecord r = records.get(e.getValue());
        if (excludeSource != null && excludeSource.equals(r.source())) {
          cursor = e.getKey();
          continue;
        }
        long size = r.record().approximateSize();
        if (out.size() == maxChanges || (!out.isEmpty() && bytes + size > maxBytes)) {
          more = true;
          break;
        }
        out.add(r.toChange());
        bytes += size;
        cursor = e.getKey();
      }
      return new FeedPage(out, cursor, more);
    }
  }

  @Override
  public ApplyResult apply(WriteSet writes) {
    Objects.requireNonNull(writes, "writes == null");
    synchronized (lock) {
      checkOpen();
      // Check everything that can refuse the write set before changing anything.
      for (Checkpoint next : writes.checkpoints()) {
        Checkpoint prev = checkpoints.get(key(next.peerId(), next.scope()));
        if (prev != null && !prev.canAdvanceTo(next)) {
          throw new SyncException(
              SyncException.Code.INVALID_ARGUMENT,
              "checkpoint would move backwards: " + prev + " -> " + next);
        }
      }
      long[] seqs = new long[writes.writes().size()];
      int i = 0;
      for (WriteSet.Write w : writes.writes()) {
        seqs[i++] = write(w);
      }
      for (Checkpoint c : writes.checkpointResets()) {
        checkpoints.put(key(c.peerId(), c.scope()), c);
      }
      for (Checkpoint c : writes.checkpoints()) {
        checkpoints.put(key(c.peerId(), c.scope()), c);
      }
      for (long id : writes.quarantineRemovals()) {
        quarantine.remove(id);
      }
      for (QuarantinedChange q : writes.quarantineAdds()) {
        if (!isQuarantined(q)) {
          long id = nextQuarantineId++;
          quarantine.put(id, q.withId(id));
        }
      }
      properties.putAll(writes.properties());
      return ApplyResult.of(seqs);
    }
  }

  private long write(WriteSet.Write w) {
    SyncRecord rec = w.record();
    StoredRecord prev = records.get(rec.id());
    if (prev != null && !rec.version().isNewerThan(prev.record().version())) {
      return 0;
    }
    long seq = ++head;
    if (prev != null) {
      feeds.get(prev.record().scope()).remove(prev.seq());
    }
    records.put(rec.id(), new StoredRecord(rec, seq, w.source()));
    feeds.computeIfAbsent(rec.scope(), s -> new TreeMap<>()).put(seq, rec.id());
    return seq;
  }

  private boolean isQuarantined(QuarantinedChange q) {
    for (QuarantinedChange e : quarantine.values()) {
      if (e.peerId().equals(q.peerId())
          && e.record().id().equals(q.record().id())
          && e.record().version().equals(q.record().version())) {
        return true;
      }
    }
    return false;
  }

  @Override
  public Optional<Checkpoint> checkpoint(String peerId, String scope) {
    Objects.requireNonNull(peerId, "peerId == null");
    Objects.requireNonNull(scope, "scope == null");
    synchronized (lock) {
      checkOpen();
      return Optional.ofNullable(checkpoints.get(key(peerId, scope)));
    }
  }

  @Override
  public List<QuarantinedChange> quarantine() {
    synchronized (lock) {
      checkOpen();
      return Collections.unmodifiableList(new ArrayList<>(quarantine.values()));
    }
  }

  @Override
  public Optional<String> property(String name) {
    Objects.requireNonNull(name, "name == null");
    synchronized (lock) {
      checkOpen();
      return Optional.ofNullable(properties.get(name));
    }
  }

  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new SyncException(SyncException.Code.CLOSED, "store is closed");
    }
  }

  private static String key(String peerId, String scope) {
    return peerId + "\u0000" + scope;
  }

  @Override
  public String toString() {
    synchronized (lock) {
      return "MemoryStore{epoch=" + epoch + ", records=" + records.size() + ", head=" + head + "}";
    }
  }
}
