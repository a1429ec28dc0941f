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
import io.syncline.spi.Version;
import io.syncline.spi.WriteSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
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
 * <p>Records are kept packed in large byte arrays, with primitive arrays to find them, not as
 * objects: a million records cost the garbage collector a few hundred arrays, and each takes about
 * its own bytes plus 100 (177 bytes for a 10-character key and a 66-byte payload, where the records
 * as objects took 337). Reads build the values they return; a superseded state's room is reclaimed
 * once such leftovers outweigh the live states.
 *
 * <p>Thread-safe: every method holds one lock for its duration, so readers see only whole write
 * sets. Iteration orders are sorted, never hash-ordered, so runs are reproducible.
 */
public final class MemoryStore implements SyncStore {
  private static final int[] NO_SLOTS = new int[0];

  private final Object lock = new Object();
  private final String epoch;
  private final RecordArena arena = new RecordArena();
  // Collection, scope, replica and source names, by id; the arena holds ids.
  private final ArrayList<String> names = new ArrayList<>();
  private final HashMap<String, Integer> nameIds = new HashMap<>();
  private final String[] recentNames = new String[4];
  private final int[] recentIds = new int[4];
  private int nextRecent;
  // Records: one slot each, found by open addressing over `table`, whose entries hold a slot's
  // hash in the high half and the slot + 1 in the low (0 is free), so that a probe compares hashes
  // in one cache line; per slot, the address of its latest state.
  private long[] table = new long[64];
  private final Paged.Longs addresses = new Paged.Longs();
  // By name id (both arrays always longer than `names`): the feed of a scope, the key order of a
  // collection.
  private Feed[] feeds = new Feed[8];
  private KeyOrder[] keyOrders = new KeyOrder[8];
  private final TreeMap<String, Checkpoint> checkpoints = new TreeMap<>();
  private final TreeMap<Long, QuarantinedChange> quarantine = new TreeMap<>();
  private final TreeMap<String, String> properties = new TreeMap<>();
  private long head;
  // Where apply's first pass puts what it loaded, so that the loads are not optimized away.
  private long sink;
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
      int slot = find(id, hash(id));
      return slot < 0 ? Optional.empty() : Optional.of(stored(addresses.get(slot), id));
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
      List<StoredRecord> out = new ArrayList<>();
      int c = knownName(collection);
      KeyOrder order = c < 0 ? null : keyOrders[c];
      if (order == null) {
        return out;
      }
      int[] sorted = order.sorted(this);
      int i = 0;
      if (afterKey != null) {
        // The first key after afterKey.
        int hi = sorted.length;
        while (i < hi) {
          int mid = (i + hi) >>> 1;
          if (arena.key(addresses.get(sorted[mid])).compareTo(afterKey) <= 0) {
            i = mid + 1;
          } else {
            hi = mid;
          }
        }
      }
      for (; i < sorted.length && out.size() < limit; i++) {
        long a = addresses.get(sorted[i]);
        if (includeDeleted || !arena.deleted(a)) {
          out.add(stored(a, null));
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
      int s = knownName(scope);
      Feed feed = s < 0 ? null : feeds[s];
      if (feed == null) {
        return FeedPage.empty(afterSeq);
      }
      // No source to leave out, or one the store never saw, must match no state: not even a local
      // one, whose source id is NO_SOURCE (-1, as knownName's "unknown").
      int exclude = excludeSource == null ? -1 : knownName(excludeSource);
      return read(feed, afterSeq, maxChanges, maxBytes, exclude < 0 ? Integer.MIN_VALUE : exclude);
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
      List<WriteSet.Write> ws = writes.writes();
      int[] hashes = new int[ws.size()];
      // Hashing every id first and loading its first table entry lets the processor fetch those
      // entries from memory all at once, instead of one miss at a time inside the writes.
      long touched = 0;
      int mask = table.length - 1;
      for (int i = 0; i < hashes.length; i++) {
        hashes[i] = hash(ws.get(i).record().id());
        touched += table[hashes[i] & mask];
      }
      sink = touched;
      long[] seqs = new long[hashes.length];
      for (int i = 0; i < seqs.length; i++) {
        seqs[i] = write(ws.get(i), hashes[i]);
      }
      arena.compact(addresses);
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

  private long write(WriteSet.Write w, int h) {
    SyncRecord rec = w.record();
    int slot = find(rec.id(), h);
    long prev = slot < 0 ? 0 : addresses.get(slot);
    if (slot >= 0
        && !rec.version()
            .isNewerThan(new Version(arena.stamp(prev), names.get(arena.replica(prev))))) {
      return 0;
    }
    long seq = head + 1;
    int scope = name(rec.scope());
    int replica = name(rec.version().replicaId());
    int source = w.source() == null ? RecordArena.NO_SOURCE : name(w.source());
    if (slot >= 0) {
      feeds[arena.scope(prev)].remove(arena.seq(prev));
      arena.release(prev);
      addresses.set(slot, arena.write(rec, seq, arena.collection(prev), scope, replica, source));
    } else {
      int collection = name(rec.id().collection());
      slot = insert(h, arena.write(rec, seq, collection, scope, replica, source));
      if (keyOrders[collection] == null) {
        keyOrders[collection] = new KeyOrder();
      }
      keyOrders[collection].add(slot);
    }
    head = seq;
    if (feeds[scope] == null) {
      feeds[scope] = new Feed();
    }
    feeds[scope].append(seq, slot, source);
    return seq;
  }

  // ---- names ----

  /** The id of a name, given one if it is new. */
  private int name(String s) {
    for (int i = 0; i < recentNames.length; i++) {
      if (recentNames[i] == s) {
        return recentIds[i];
      }
    }
    Integer id = nameIds.get(s);
    if (id == null) {
      id = names.size();
      names.add(s);
      nameIds.put(s, id);
      if (id == feeds.length) {
        feeds = Arrays.copyOf(feeds, id * 2);
        keyOrders = Arrays.copyOf(keyOrders, id * 2);
      }
    }
    int r = nextRecent;
    recentNames[r] = s;
    recentIds[r] = id;
    nextRecent = (r + 1) & (recentNames.length - 1);
    return id;
  }

  /** The id of a name, or -1 if the store never saw it. */
  private int knownName(String s) {
    Integer id = nameIds.get(s);
    return id == null ? -1 : id;
  }

  // ---- records ----

  private static int hash(RecordId id) {
    int h = id.hashCode() * 0x9E3779B9;
    return h ^ (h >>> 16);
  }

  /** The slot of {@code id}, or -1. */
  private int find(RecordId id, int h) {
    int mask = table.length - 1;
    for (int i = h & mask; ; i = (i + 1) & mask) {
      long e = table[i];
      if (e == 0) {
        return -1;
      }
      if ((int) (e >>> 32) == h && sameId(addresses.get((int) e - 1), id)) {
        return (int) e - 1;
      }
    }
  }

  private boolean sameId(long a, RecordId id) {
    String c = names.get(arena.collection(a));
    return (c == id.collection() || c.equals(id.collection())) && arena.keyEquals(a, id.key());
  }

  /** A new slot for a record not yet held. */
  private int insert(int h, long address) {
    int slot = addresses.size();
    addresses.add(address);
    if ((slot + 1) * 2 > table.length) {
      long[] old = table;
      table = new long[old.length * 2];
      for (long e : old) {
        if (e != 0) {
          place(e);
        }
      }
    }
    place(((long) h << 32) | (slot + 1));
    return slot;
  }

  /** Puts a table entry (hash and slot + 1) in the first free place from its hash. */
  private void place(long entry) {
    int mask = table.length - 1;
    int i = (int) (entry >>> 32) & mask;
    while (table[i] != 0) {
      i = (i + 1) & mask;
    }
    table[i] = entry;
  }

  /** The state at {@code a} as a record; {@code id} is its id if the caller has it, else null. */
  private SyncRecord record(long a, RecordId id) {
    return new SyncRecord(
        id != null ? id : new RecordId(names.get(arena.collection(a)), arena.key(a)),
        names.get(arena.scope(a)),
        new Version(arena.stamp(a), names.get(arena.replica(a))),
        arena.deleted(a),
        arena.payload(a),
        arena.meta(a));
  }

  private StoredRecord stored(long a, RecordId id) {
    int source = arena.source(a);
    return new StoredRecord(
        record(a, id), arena.seq(a), source == RecordArena.NO_SOURCE ? null : names.get(source));
  }

  private FeedPage read(Feed feed, long afterSeq, int maxChanges, long maxBytes, int exclude) {
    int size = feed.seqs.size();
    int i = feed.seqs.search(afterSeq);
    i = i >= 0 ? i + 1 : -i - 1;
    List<Change> out = new ArrayList<>(Math.min(maxChanges, Math.max(0, size - i)));
    long cursor = afterSeq;
    long bytes = 0;
    boolean more = false;
    for (; i < size; i++) {
      int slot = feed.slots.get(i);
      if (slot < 0) {
        continue;
      }
      if (feed.sources.get(i) == exclude) {
        cursor = feed.seqs.get(i);
        continue;
      }
      long a = addresses.get(slot);
      if (out.size() == maxChanges) {
        more = true;
        break;
      }
      SyncRecord r = record(a, null);
      long recordSize = r.approximateSize();
      if (!out.isEmpty() && bytes + recordSize > maxBytes) {
        more = true;
        break;
      }
      long seq = feed.seqs.get(i);
      out.add(new Change(r, seq));
      bytes += recordSize;
      cursor = seq;
    }
    return new FeedPage(out, cursor, more);
  }

  /** Bytes the arena holds, live and dead: for tests of its reclaiming. */
  long arenaBytes() {
    synchronized (lock) {
      return arena.heldBytes();
    }
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
   * One scope's change feed: the seqs of its records' latest states, in order, their slots and the
   * ids of their sources, in three parallel arrays. Seqs only grow, so appending keeps them sorted
   * and a cursor is found by binary search; a superseded state leaves a hole (slot -1) that reads
   * skip, and the arrays are compacted once holes outnumber live entries. The sources are here, not
   * only in the arena, so that a read leaving out a peer's own changes passes over them without
   * touching their states: a peer that pushed a million changes pulls next, and all of them are its
   * own.
   */
  private static final class Feed {
    final Paged.Longs seqs = new Paged.Longs();
    final Paged.Ints slots = new Paged.Ints();
    final Paged.Ints sources = new Paged.Ints();
    private int live;

    void append(long seq, int slot, int source) {
      int size = seqs.size();
      if (size >= 64 && live < size / 2) {
        compact();
      }
      seqs.add(seq);
      slots.add(slot);
      sources.add(source);
      live++;
    }

    void remove(long seq) {
      int i = seqs.search(seq);
      if (i >= 0 && slots.get(i) >= 0) {
        slots.set(i, -1);
        live--;
      }
    }

    private void compact() {
      int size = seqs.size();
      int j = 0;
      for (int i = 0; i < size; i++) {
        int slot = slots.get(i);
        if (slot >= 0) {
          seqs.set(j, seqs.get(i));
          slots.set(j, slot);
          sources.set(j, sources.get(i));
          j++;
        }
      }
      seqs.truncate(j);
      slots.truncate(j);
      sources.truncate(j);
    }
  }

  /**
   * One collection's records in key order, for {@link #list}: the slots sorted by key, and the
   * slots of records added since, which the next listing sorts in. Bulk writes so do not pay for an
   * order nobody reads meanwhile.
   */
  private static final class KeyOrder {
    private int[] sorted = NO_SLOTS;
    private Paged.Ints added = new Paged.Ints();

    void add(int slot) {
      added.add(slot);
    }

    int[] sorted(MemoryStore store) {
      int addedCount = added.size();
      if (addedCount == 0) {
        return sorted;
      }
      Keyed[] fresh = new Keyed[addedCount];
      for (int i = 0; i < addedCount; i++) {
        int slot = added.get(i);
        fresh[i] = new Keyed(store.arena.key(store.addresses.get(slot)), slot);
      }
      Arrays.sort(fresh, (x, y) -> x.key.compareTo(y.key));
      int[] merged = new int[sorted.length + fresh.length];
      int i = 0;
      int j = 0;
      int m = 0;
      String next = i < sorted.length ? store.arena.key(store.addresses.get(sorted[i])) : null;
      while (i < sorted.length || j < fresh.length) {
        if (j == fresh.length || (i < sorted.length && next.compareTo(fresh[j].key) < 0)) {
          merged[m++] = sorted[i++];
          next = i < sorted.length ? store.arena.key(store.addresses.get(sorted[i])) : null;
        } else {
          merged[m++] = fresh[j++].slot;
        }
      }
      sorted = merged;
      added = new Paged.Ints();
      return sorted;
    }

    private record Keyed(String key, int slot) {}
  }

  @Override
  public String toString() {
    synchronized (lock) {
      return "MemoryStore{epoch="
          + epoch
          + ", records="
          + addresses.size()
          + ", head="
          + head
          + "}";
    }
  }
}
