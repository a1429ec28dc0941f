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
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
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
  // Records by id, for lookups; their keys in order per collection, for listing; a log per scope.
  private final HashMap<RecordId, StoredRecord> records = new HashMap<>();
  private final TreeMap<String, TreeSet<String>> keys = new TreeMap<>();
  // Keys of new records not yet sorted into `keys`: sorting waits for the next list(), so that
  // bulk writes do not pay for an index nobody reads meanwhile.
  private final HashMap<String, List<String>> unsortedKeys = new HashMap<>();
  private final TreeMap<String, Feed> feeds = new TreeMap<>();
  private final TreeMap<String, Checkpoint> checkpoints = new TreeMap<>();
  private final TreeMap<Long, QuarantinedChange> quarantine = new TreeMap<>();
  private final TreeMap<String, String> properties = new TreeMap<>();
  private long head;
  // The feed the last write went to: consecutive writes mostly share a scope.
  private String lastScope;
  private Feed lastFeed;
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
      List<String> added = unsortedKeys.remove(collection);
      if (added != null) {
        keys.computeIfAbsent(collection, c -> new TreeSet<>()).addAll(added);
      }
      TreeSet<String> all = keys.get(collection);
      List<StoredRecord> out = new ArrayList<>();
      if (all == null) {
        return out;
      }
      for (String key : afterKey == null ? all : all.tailSet(afterKey, false)) {
        if (out.size() == limit) {
          break;
        }
        StoredRecord r = records.get(new RecordId(collection, key));
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
      Feed feed = feeds.get(scope);
      if (feed == null) {
        return FeedPage.empty(afterSeq);
      }
      return feed.read(afterSeq, maxChanges, maxBytes, excludeSource);
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
    long seq = head + 1;
    StoredRecord stored = new StoredRecord(rec, seq, w.source());
    // One lookup for a new record, the common case of a bulk sync; a second to replace one.
    StoredRecord prev = records.putIfAbsent(rec.id(), stored);
    if (prev != null) {
      if (!rec.version().isNewerThan(prev.record().version())) {
        return 0;
      }
      records.put(rec.id(), stored);
      feed(prev.record().scope()).remove(prev.seq());
    } else {
      unsortedKeys
          .computeIfAbsent(rec.id().collection(), c -> new ArrayList<>())
          .add(rec.id().key());
    }
    head = seq;
    feed(rec.scope()).append(stored);
    return seq;
  }

  private Feed feed(String scope) {
    if (scope.equals(lastScope)) {
      return lastFeed;
    }
    Feed f = feeds.computeIfAbsent(scope, s -> new Feed());
    lastScope = scope;
    lastFeed = f;
    return f;
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

  /**
   * One scope's change feed: the stored states in seq order, in two parallel arrays. Seqs only
   * grow, so appending keeps them sorted and a cursor is found by binary search; a superseded state
   * leaves a hole that reads skip, and the arrays are compacted once holes outnumber live entries.
   */
  private static final class Feed {
    private long[] seqs = new long[16];
    private StoredRecord[] entries = new StoredRecord[16];
    private int size;
    private int live;

    void append(StoredRecord r) {
      if (size == seqs.length) {
        if (live < size / 2) {
          compact();
        } else {
          seqs = Arrays.copyOf(seqs, size * 2);
          entries = Arrays.copyOf(entries, size * 2);
        }
      }
      seqs[size] = r.seq();
      entries[size] = r;
      size++;
      live++;
    }

    void remove(long seq) {
      int i = Arrays.binarySearch(seqs, 0, size, seq);
      if (i >= 0 && entries[i] != null) {
        entries[i] = null;
        live--;
      }
    }

    private void compact() {
      int j = 0;
      for (int i = 0; i < size; i++) {
        if (entries[i] != null) {
          seqs[j] = seqs[i];
          entries[j] = entries[i];
          j++;
        }
      }
      Arrays.fill(entries, j, size, null);
      size = j;
    }

    FeedPage read(long afterSeq, int maxChanges, long maxBytes, String excludeSource) {
      int i = Arrays.binarySearch(seqs, 0, size, afterSeq);
      i = i >= 0 ? i + 1 : -i - 1;
      List<Change> out = new ArrayList<>(Math.min(maxChanges, Math.max(0, size - i)));
      long cursor = afterSeq;
      long bytes = 0;
      boolean more = false;
      for (; i < size; i++) {
        StoredRecord r = entries[i];
        if (r == null) {
          continue;
        }
        if (excludeSource != null && excludeSource.equals(r.source())) {
          cursor = r.seq();
          continue;
        }
        long recordSize = r.record().approximateSize();
        if (out.size() == maxChanges || (!out.isEmpty() && bytes + recordSize > maxBytes)) {
          more = true;
          break;
        }
        out.add(r.toChange());
        bytes += recordSize;
        cursor = r.seq();
      }
      return new FeedPage(out, cursor, more);
    }
  }

  @Override
  public String toString() {
    synchronized (lock) {
      return "MemoryStore{epoch=" + epoch + ", records=" + records.size() + ", head=" + head + "}";
    }
  }
}
