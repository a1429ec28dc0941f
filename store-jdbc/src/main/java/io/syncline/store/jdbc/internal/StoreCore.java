package io.syncline.store.jdbc.internal;

import io.syncline.spi.ApplyResult;
import io.syncline.spi.Change;
import io.syncline.spi.Checkpoint;
import io.syncline.spi.FeedPage;
import io.syncline.spi.QuarantinedChange;
import io.syncline.spi.RecordId;
import io.syncline.spi.StoredRecord;
import io.syncline.spi.SyncException;
import io.syncline.spi.SyncRecord;
import io.syncline.spi.WriteSet;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The store's operations in SQL, shared by every dialect.
 *
 * <p><b>How seqs stay in commit order.</b> {@link #apply} first writes checkpoints, quarantine and
 * properties; then it locks the single counter row ({@code SELECT value FROM counter ... FOR
 * UPDATE}), writes its records with their seqs (counter value + 1, + 2, ... in write order) and
 * stores the new counter value. The counter row stays locked until the transaction commits, so the
 * next transaction gets its seqs only after this one is visible: seq order is commit order, every
 * snapshot sees a prefix of the seqs, and a reader paging {@code seq > cursor} never skips a
 * change. Each record row is written once: when every write of the set is newer than what is stored
 * (the usual case), the seqs the upsert wrote are final; otherwise the stored rows are stamped
 * again so the seqs stay dense (a second write, only for such sets).
 *
 * <p>Writes are version-checked in SQL (a conditional upsert), so several processes can write the
 * same database. Locks are taken in one order by every transaction: checkpoint rows (sorted),
 * quarantine and property rows, the counter, then record rows (sorted by record id); so applies do
 * not deadlock one another.
 */
public final class StoreCore {
  /** The schema version this code creates and understands. */
  public static final int SCHEMA_VERSION = 1;

  /**
   * Rows read per feed query at most; pages longer than this take several queries. Each query asks
   * for no more rows than the page still has room for, plus one to tell whether more follow.
   */
  private static final int FEED_CHUNK = 1000;

  private final Dialect dialect;
  private final Tables t;
  private final Connections connections;
  private final String epoch;
  private final String description;
  private volatile boolean closed;

  private final String sqlHead;
  private final String sqlCounterLock;
  private final String sqlCounterPut;
  private final String sqlGet;
  private final String sqlFeed;
  private final String sqlFeedExcluding;
  private final String sqlUpsert;
  private final String sqlUpsertUnnest;
  private final String sqlCheckpointGet;
  private final String sqlCheckpointLock;
  private final String sqlCheckpointReset;
  private final String sqlCheckpointAdvance;
  private final String sqlQuarantineAdd;
  private final String sqlQuarantineRemove;
  private final String sqlQuarantineList;
  private final String sqlPropertyGet;
  private final String sqlPropertyPut;

  private StoreCore(
      Dialect dialect, Tables t, Connections connections, String epoch, String description) {
    this.dialect = dialect;
    this.t = t;
    this.connections = connections;
    this.epoch = epoch;
    this.description = description;

    String cols = Rows.RECORD_COLUMNS;
    sqlHead = "SELECT value FROM " + t.counter + " WHERE id = 1";
    sqlCounterLock = sqlHead + dialect.lockRows();
    sqlCounterPut = "UPDATE " + t.counter + " SET value = ? WHERE id = 1";
    sqlGet = "SELECT " + cols + " FROM " + t.records + " WHERE collection = ? AND rkey = ?";
    sqlFeed =
        "SELECT "
            + Rows.FEED_COLUMNS
            + " FROM "
            + t.records
            + " WHERE scope = ? AND seq > ? ORDER BY seq LIMIT ?";
    // The feed less one source's writes, filtered in the database, and in the same statement (so
    // the same snapshot) the scope's highest seq: past the last row, the cursor moves there, over
    // the left-out writes that were never sent across.
    sqlFeedExcluding =
        "WITH page AS (SELECT "
            + Rows.FEED_COLUMNS
            + " FROM "
            + t.records
            + " WHERE scope = ? AND seq > ? AND (source IS NULL OR source <> ?)"
            + " ORDER BY seq LIMIT ?)"
            + " SELECT 0 AS tail, "
            + Rows.FEED_COLUMNS
            + " FROM page UNION ALL SELECT 1, (SELECT max(seq) FROM "
            + t.records
            + " WHERE scope = ? AND seq > ?), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL"
            + " ORDER BY 1, 2";
    sqlUpsert =
        "INSERT INTO "
            + t.records
            + " AS t (collection, rkey, scope, stamp, replica, deleted, payload, meta, source, seq)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (collection, rkey) DO UPDATE SET scope = excluded.scope,"
            + " stamp = excluded.stamp, replica = excluded.replica, deleted = excluded.deleted,"
            + " payload = excluded.payload, meta = excluded.meta, source = excluded.source,"
            + " seq = excluded.seq"
            + " WHERE (excluded.stamp, excluded.replica) > (t.stamp, t.replica)";
    // The same upsert for a whole batch in one statement (PostgreSQL): the rows come from arrays,
    // in array order (by record id), and RETURNING names the rows it wrote by their seqs.
    sqlUpsertUnnest =
        "INSERT INTO "
            + t.records
            + " AS t (collection, rkey, scope, stamp, replica, deleted, payload, meta, source, seq)"
            + " SELECT collection, rkey, scope, stamp, replica, deleted, payload, meta, source,"
            + " seq FROM unnest(?::text[], ?::bytea[], ?::text[], ?::bigint[], ?::text[],"
            + " ?::boolean[], ?::bytea[], ?::bytea[], ?::text[], ?::bigint[]) WITH ORDINALITY AS"
            + " v(collection, rkey, scope, stamp, replica, deleted, payload, meta, source, seq, ord)"
            + " ORDER BY ord"
            + " ON CONFLICT (collection, rkey) DO UPDATE SET scope = excluded.scope,"
            + " stamp = excluded.stamp, replica = excluded.replica, deleted = excluded.deleted,"
            + " payload = excluded.payload, meta = excluded.meta, source = excluded.source,"
            + " seq = excluded.seq"
            + " WHERE (excluded.stamp, excluded.replica) > (t.stamp, t.replica)"
            + " RETURNING t.seq";
    String cpCols = "pull_cursor, push_cursor, peer_epoch FROM " + t.checkpoints;
    sqlCheckpointGet = "SELECT " + cpCols + " WHERE peer = ? AND scope = ?";
    sqlCheckpointLock = sqlCheckpointGet + dialect.lockRows();
    sqlCheckpointReset =
        "INSERT INTO "
            + t.checkpoints
            + " AS t (peer, scope, pull_cursor, push_cursor, peer_epoch) VALUES (?, ?, ?, ?, ?)"
            + " ON CONFLICT (peer, scope) DO UPDATE SET pull_cursor = excluded.pull_cursor,"
            + " push_cursor = excluded.push_cursor, peer_epoch = excluded.peer_epoch";
    sqlCheckpointAdvance =
        sqlCheckpointReset
            + " WHERE t.peer_epoch <> excluded.peer_epoch OR (excluded.pull_cursor >="
            + " t.pull_cursor AND excluded.push_cursor >= t.push_cursor)";
    sqlQuarantineAdd =
        "INSERT INTO "
            + t.quarantine
            + " (peer, collection, rkey, scope, stamp, replica, deleted, payload, meta, code,"
            + " reason, at_millis) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (peer, collection, rkey, stamp, replica) DO NOTHING";
    sqlQuarantineRemove = "DELETE FROM " + t.quarantine + " WHERE id = ?";
    sqlQuarantineList =
        "SELECT id, peer, collection, rkey, scope, stamp, replica, deleted, payload, meta, code,"
            + " reason, at_millis FROM "
            + t.quarantine
            + " ORDER BY id";
    sqlPropertyGet = "SELECT value FROM " + t.properties + " WHERE name = ?";
    sqlPropertyPut =
        "INSERT INTO "
            + t.properties
            + " (name, value) VALUES (?, ?)"
            + " ON CONFLICT (name) DO UPDATE SET value = excluded.value";
  }

  /**
   * Opens a store: checks the database, creates or migrates the schema (refusing one newer than
   * {@link #SCHEMA_VERSION}) and reads the epoch. Closes {@code connections} if it fails.
   */
  public static StoreCore open(
      Dialect dialect,
      Tables t,
      Connections connections,
      boolean allowFsyncOff,
      String description) {
    try {
      String epoch =
          connections.write(
              c -> {
                dialect.checkDatabase(c, allowFsyncOff);
                return inTransaction(dialect, c, () -> migrate(dialect, t, c));
              });
      return new StoreCore(dialect, t, connections, epoch, description);
    } catch (SQLException e) {
      connections.close();
      throw new SyncException(
          SyncException.Code.STORE_FAILURE,
          "could not open the " + dialect.name() + " store (" + description + "): " + sqlMessage(e),
          e);
    } catch (RuntimeException e) {
      connections.close();
      throw e;
    }
  }

  private static String migrate(Dialect dialect, Tables t, Connection c) throws SQLException {
    dialect.lockSchema(c, t);
    exec(c, dialect.createMetaTable(t));
    String stored = meta(c, t, "schema_version");
    int version;
    try {
      version = stored == null ? 0 : Integer.parseInt(stored);
    } catch (NumberFormatException e) {
      throw new SyncException(
          SyncException.Code.STORE_FAILURE,
          "the schema version stored in " + t.meta + " is not a number: \"" + stored + "\"");
    }
    if (version > SCHEMA_VERSION) {
      throw new SyncException(
          SyncException.Code.SCHEMA_TOO_NEW,
          "the store's tables ("
              + t
              + ") have schema version "
              + version
              + ", newer than version "
              + SCHEMA_VERSION
              + " that this syncline-store-jdbc knows; a newer release created or migrated them."
              + " Upgrade syncline-store-jdbc; nothing was changed");
    }
    List<List<String>> migrations = dialect.migrations(t);
    for (int v = version + 1; v <= SCHEMA_VERSION; v++) {
      for (String sql : migrations.get(v - 1)) {
        exec(c, sql);
      }
    }
    if (version != SCHEMA_VERSION) {
      putMeta(c, t, "schema_version", Integer.toString(SCHEMA_VERSION));
    }
    String epoch = meta(c, t, "epoch");
    if (epoch == null) {
      epoch = UUID.randomUUID().toString();
      putMeta(c, t, "epoch", epoch);
    }
    return epoch;
  }

  private static String meta(Connection c, Tables t, String name) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT value FROM " + t.meta + " WHERE name = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  private static void putMeta(Connection c, Tables t, String name, String value)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO "
                + t.meta
                + " (name, value) VALUES (?, ?)"
                + " ON CONFLICT (name) DO UPDATE SET value = excluded.value")) {
      ps.setString(1, name);
      ps.setString(2, value);
      ps.executeUpdate();
    }
  }

  // ---- reads ----

  /** See {@link io.syncline.spi.SyncStore#epoch()}. */
  public String epoch() {
    return epoch;
  }

  /** See {@link io.syncline.spi.SyncStore#headSeq()}. */
  public long headSeq() {
    return read(
        "read the head seq",
        c -> {
          try (Statement s = c.createStatement();
              ResultSet rs = s.executeQuery(sqlHead)) {
            rs.next();
            return rs.getLong(1);
          }
        });
  }

  /** See {@link io.syncline.spi.SyncStore#get}. */
  public Optional<StoredRecord> get(RecordId id) {
    Objects.requireNonNull(id, "id == null");
    return read(
        "read a record",
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sqlGet)) {
            ps.setString(1, id.collection());
            ps.setBytes(2, Rows.encodeKey(id.key()));
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(Rows.record(rs)) : Optional.empty();
            }
          }
        });
  }

  /** See {@link io.syncline.spi.SyncStore#list}. */
  public List<StoredRecord> list(
      String collection, String afterKey, int limit, boolean includeDeleted) {
    Objects.requireNonNull(collection, "collection == null");
    // Validates collection and key as a record id would.
    RecordId after = new RecordId(collection, afterKey == null ? "k" : afterKey);
    if (limit <= 0) {
      throw new IllegalArgumentException("limit <= 0: " + limit);
    }
    String sql =
        "SELECT "
            + Rows.RECORD_COLUMNS
            + " FROM "
            + t.records
            + " WHERE collection = ?"
            + (afterKey == null ? "" : " AND rkey > ?")
            + (includeDeleted ? "" : " AND deleted = ?")
            + " ORDER BY rkey LIMIT ?";
    return read(
        "list records",
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            ps.setString(i++, collection);
            if (afterKey != null) {
              ps.setBytes(i++, Rows.encodeKey(after.key()));
            }
            if (!includeDeleted) {
              ps.setBoolean(i++, false);
            }
            ps.setInt(i, limit);
            List<StoredRecord> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                out.add(Rows.record(rs));
              }
            }
            return out;
          }
        });
  }

  /** See {@link io.syncline.spi.SyncStore#readFeed}. */
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
    return read(
        "read the feed",
        c -> {
          // By record id: a record rewritten between two chunk queries shows up again at a
          // higher seq; its newer state replaces the older one, so a page holds it once.
          Map<RecordId, Change> out = new LinkedHashMap<>();
          long cursor = afterSeq;
          long bytes = 0;
          boolean more = false;
          long from = afterSeq;
          boolean excluding = excludeSource != null;
          // Columns: [tail,] seq, then the record.
          int first = excluding ? 2 : 1;
          try (PreparedStatement ps = c.prepareStatement(excluding ? sqlFeedExcluding : sqlFeed)) {
            // Each query sees a prefix of the seqs (they are commit-ordered), so continuing from
            // the last seq seen, even in a later snapshot, skips nothing.
            boolean done = false;
            while (!done) {
              int chunk = (int) Math.min((long) maxChanges - out.size() + 1, FEED_CHUNK);
              int i = 1;
              ps.setString(i++, scope);
              ps.setLong(i++, from);
              if (excluding) {
                ps.setString(i++, excludeSource);
              }
              ps.setInt(i++, chunk);
              if (excluding) {
                ps.setString(i++, scope);
                ps.setLong(i, from);
              }
              int rows = 0;
              long tail = 0;
              try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                  if (excluding && rs.getInt(1) == 1) {
                    tail = rs.getLong(2); // 0 when nothing lies past from
                    continue;
                  }
                  rows++;
                  long seq = rs.getLong(first);
                  from = seq;
                  SyncRecord r = Rows.recordAt(rs, first + 1);
                  long size = r.approximateSize();
                  if (out.size() == maxChanges || (!out.isEmpty() && bytes + size > maxBytes)) {
                    more = true;
                    done = true;
                    break;
                  }
                  Change previous = out.remove(r.id());
                  if (previous != null) {
                    bytes -= previous.record().approximateSize();
                  }
                  out.put(r.id(), new Change(r, seq));
                  bytes += size;
                  cursor = seq;
                }
              }
              if (!done && rows < chunk) {
                done = true;
                // The end of the feed in this snapshot: past the writes left out too.
                cursor = Math.max(cursor, tail);
              }
            }
          }
          return new FeedPage(new ArrayList<>(out.values()), cursor, more);
        });
  }

  /** See {@link io.syncline.spi.SyncStore#checkpoint}. */
  public Optional<Checkpoint> checkpoint(String peerId, String scope) {
    Objects.requireNonNull(peerId, "peerId == null");
    Objects.requireNonNull(scope, "scope == null");
    return read("read a checkpoint", c -> readCheckpoint(c, sqlCheckpointGet, peerId, scope));
  }

  private static Optional<Checkpoint> readCheckpoint(
      Connection c, String sql, String peerId, String scope) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, peerId);
      ps.setString(2, scope);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(
            new Checkpoint(peerId, scope, rs.getLong(1), rs.getLong(2), rs.getString(3)));
      }
    }
  }

  /** See {@link io.syncline.spi.SyncStore#quarantine()}. */
  public List<QuarantinedChange> quarantine() {
    return read(
        "read the quarantine",
        c -> {
          List<QuarantinedChange> out = new ArrayList<>();
          try (Statement s = c.createStatement();
              ResultSet rs = s.executeQuery(sqlQuarantineList)) {
            while (rs.next()) {
              out.add(Rows.quarantined(rs));
            }
          }
          return out;
        });
  }

  /** See {@link io.syncline.spi.SyncStore#property}. */
  public Optional<String> property(String name) {
    Objects.requireNonNull(name, "name == null");
    return read(
        "read a property",
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sqlPropertyGet)) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
              return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
          }
        });
  }

  // ---- apply ----

  /** See {@link io.syncline.spi.SyncStore#apply}. */
  public ApplyResult apply(WriteSet writes) {
    Objects.requireNonNull(writes, "writes == null");
    checkOpen();
    if (writes.isEmpty()) {
      return ApplyResult.of();
    }
    return write(
        "apply " + writes,
        c -> {
          dialect.beforeWrite(c);
          lockAndCheckCheckpoints(c, writes);
          putCheckpoints(c, writes);
          removeQuarantined(c, writes.quarantineRemovals());
          addQuarantined(c, writes.quarantineAdds());
          putProperties(c, writes.properties());
          // Last: from here to commit the counter row is locked and other applies wait.
          return ApplyResult.of(writeRecords(c, writes.writes()));
        });
  }

  private void lockAndCheckCheckpoints(Connection c, WriteSet writes) throws SQLException {
    if (writes.checkpoints().isEmpty() && writes.checkpointResets().isEmpty()) {
      return;
    }
    TreeMap<String, Checkpoint> keys = new TreeMap<>();
    for (Checkpoint cp : writes.checkpointResets()) {
      keys.put(key(cp), cp);
    }
    for (Checkpoint cp : writes.checkpoints()) {
      keys.put(key(cp), cp);
    }
    Map<String, Checkpoint> stored = new TreeMap<>();
    for (Map.Entry<String, Checkpoint> e : keys.entrySet()) {
      Checkpoint cp = e.getValue();
      readCheckpoint(c, sqlCheckpointLock, cp.peerId(), cp.scope())
          .ifPresent(prev -> stored.put(e.getKey(), prev));
    }
    for (Checkpoint next : writes.checkpoints()) {
      Checkpoint prev = stored.get(key(next));
      if (prev != null && !prev.canAdvanceTo(next)) {
        throw backwards(prev, next);
      }
    }
  }

  /**
   * Locks the counter, writes the records with seqs {@code counter + 1 + i} for write {@code i},
   * and returns each write's final seq (0 where a write was not newer than the stored record).
   */
  private long[] writeRecords(Connection c, List<WriteSet.Write> writes) throws SQLException {
    int n = writes.size();
    if (n == 0) {
      return new long[0];
    }
    long base = lockCounter(c);
    boolean[] applied = upsertRecords(c, writes, base);
    long[] seqs = new long[n];
    int count = 0;
    for (int i = 0; i < n; i++) {
      if (applied[i]) {
        seqs[i] = base + ++count;
      }
    }
    if (count == 0) {
      return seqs;
    }
    if (count < n) {
      // Some writes were stale: the rows hold seq base + 1 + (write index). Close the gaps: each
      // record gets the seq of its last applied write.
      TreeMap<RecordId, Long> latest = new TreeMap<>();
      for (int i = 0; i < n; i++) {
        if (applied[i]) {
          latest.put(writes.get(i).record().id(), seqs[i]);
        }
      }
      stampSeqs(c, t, dialect, latest);
    }
    try (PreparedStatement ps = c.prepareStatement(sqlCounterPut)) {
      ps.setLong(1, base + count);
      ps.executeUpdate();
    }
    return seqs;
  }

  /** Locks the counter row until the transaction ends and returns its value. */
  private long lockCounter(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sqlCounterLock);
        ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        throw new SyncException(
            SyncException.Code.STORE_FAILURE, "the seq counter row of " + t.counter + " is gone");
      }
      return rs.getLong(1);
    }
  }

  private boolean[] upsertRecords(Connection c, List<WriteSet.Write> writes, long base)
      throws SQLException {
    int n = writes.size();
    boolean[] applied = new boolean[n];
    // Sorted by record id (stably, so writes of one record keep their order): every transaction
    // locks rows in the same order, and the comparison with earlier writes of the set holds.
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparing(i -> writes.get(i).record().id()));
    if (dialect.unnestArrays() && distinctIds(writes, order)) {
      return upsertUnnest(c, writes, order, base);
    }
    try (PreparedStatement ps = c.prepareStatement(sqlUpsert)) {
      for (int i : order) {
        WriteSet.Write w = writes.get(i);
        int next = Rows.bindRecord(ps, 1, w.record());
        ps.setString(next++, w.source());
        ps.setLong(next, base + 1 + i);
        ps.addBatch();
      }
      int[] counts = ps.executeBatch();
      for (int k = 0; k < n; k++) {
        if (counts[k] < 0) {
          throw new SyncException(
              SyncException.Code.INVALID_ARGUMENT,
              "the JDBC driver reports no row counts for batched statements ("
                  + counts[k]
                  + "); the store needs them to tell stored writes from stale ones. Turn off"
                  + " options that rewrite batches, such as reWriteBatchedInserts");
        }
        applied[order[k]] = counts[k] > 0;
      }
    }
    return applied;
  }

  /** Whether no record is written twice (ids sorted by {@code order}). */
  private static boolean distinctIds(List<WriteSet.Write> writes, Integer[] order) {
    for (int k = 1; k < order.length; k++) {
      if (writes.get(order[k - 1]).record().id().equals(writes.get(order[k]).record().id())) {
        return false;
      }
    }
    return true;
  }

  /**
   * The upsert of every write in one statement (a record written twice in one set takes the batched
   * path instead: one statement may not change a row twice).
   */
  private boolean[] upsertUnnest(
      Connection c, List<WriteSet.Write> writes, Integer[] order, long base) throws SQLException {
    int n = order.length;
    String[] collections = new String[n];
    byte[][] keys = new byte[n][];
    String[] scopes = new String[n];
    Long[] stamps = new Long[n];
    String[] replicas = new String[n];
    Boolean[] deleted = new Boolean[n];
    byte[][] payloads = new byte[n][];
    byte[][] metas = new byte[n][];
    String[] sources = new String[n];
    Long[] seqs = new Long[n];
    for (int k = 0; k < n; k++) {
      WriteSet.Write w = writes.get(order[k]);
      SyncRecord r = w.record();
      collections[k] = r.id().collection();
      keys[k] = Rows.encodeKey(r.id().key());
      scopes[k] = r.scope();
      stamps[k] = r.version().stamp();
      replicas[k] = r.version().replicaId();
      deleted[k] = r.deleted();
      payloads[k] = r.payload().toByteArray();
      metas[k] = r.meta().toByteArray();
      sources[k] = w.source();
      seqs[k] = base + 1 + order[k];
    }
    boolean[] applied = new boolean[n];
    try (PreparedStatement ps = c.prepareStatement(sqlUpsertUnnest)) {
      ps.setArray(1, c.createArrayOf("text", collections));
      ps.setArray(2, c.createArrayOf("bytea", keys));
      ps.setArray(3, c.createArrayOf("text", scopes));
      ps.setArray(4, c.createArrayOf("int8", stamps));
      ps.setArray(5, c.createArrayOf("text", replicas));
      ps.setArray(6, c.createArrayOf("bool", deleted));
      ps.setArray(7, c.createArrayOf("bytea", payloads));
      ps.setArray(8, c.createArrayOf("bytea", metas));
      ps.setArray(9, c.createArrayOf("text", sources));
      ps.setArray(10, c.createArrayOf("int8", seqs));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          // Write i was given seq base + 1 + i.
          long i = rs.getLong(1) - base - 1;
          if (i < 0 || i >= n || applied[(int) i]) {
            throw new SyncException(
                SyncException.Code.INTERNAL, "the upsert reported a row it was not given");
          }
          applied[(int) i] = true;
        }
      }
    }
    return applied;
  }

  private void putCheckpoints(Connection c, WriteSet writes) throws SQLException {
    TreeMap<String, Checkpoint> resets = new TreeMap<>();
    for (Checkpoint cp : writes.checkpointResets()) {
      resets.put(key(cp), cp);
    }
    TreeMap<String, Checkpoint> advances = new TreeMap<>();
    for (Checkpoint cp : writes.checkpoints()) {
      advances.put(key(cp), cp);
      resets.remove(key(cp)); // applied after resets, so it wins
    }
    if (!resets.isEmpty()) {
      try (PreparedStatement ps = c.prepareStatement(sqlCheckpointReset)) {
        for (Checkpoint cp : resets.values()) {
          bindCheckpoint(ps, cp);
          ps.addBatch();
        }
        ps.executeBatch();
      }
    }
    if (!advances.isEmpty()) {
      try (PreparedStatement ps = c.prepareStatement(sqlCheckpointAdvance)) {
        List<Checkpoint> batch = new ArrayList<>(advances.values());
        for (Checkpoint cp : batch) {
          bindCheckpoint(ps, cp);
          ps.addBatch();
        }
        int[] counts = ps.executeBatch();
        for (int i = 0; i < counts.length; i++) {
          if (counts[i] == 0) {
            // Another process stored a newer cursor between our check and our write.
            Checkpoint now =
                readCheckpoint(c, sqlCheckpointGet, batch.get(i).peerId(), batch.get(i).scope())
                    .get();
            throw backwards(now, batch.get(i));
          }
        }
      }
    }
  }

  private static void bindCheckpoint(PreparedStatement ps, Checkpoint cp) throws SQLException {
    ps.setString(1, cp.peerId());
    ps.setString(2, cp.scope());
    ps.setLong(3, cp.pullCursor());
    ps.setLong(4, cp.pushCursor());
    ps.setString(5, cp.peerEpoch());
  }

  private void removeQuarantined(Connection c, List<Long> ids) throws SQLException {
    if (ids.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement(sqlQuarantineRemove)) {
      for (long id : ids) {
        ps.setLong(1, id);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private void addQuarantined(Connection c, List<QuarantinedChange> adds) throws SQLException {
    if (adds.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement(sqlQuarantineAdd)) {
      for (QuarantinedChange q : adds) {
        ps.setString(1, q.peerId());
        int i = Rows.bindRecord(ps, 2, q.record());
        ps.setString(i++, q.code());
        ps.setString(i++, q.reason());
        ps.setLong(i, q.atMillis());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private void putProperties(Connection c, Map<String, String> properties) throws SQLException {
    if (properties.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement(sqlPropertyPut)) {
      for (Map.Entry<String, String> e : properties.entrySet()) {
        ps.setString(1, e.getKey());
        ps.setString(2, e.getValue());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** Stamps each record of {@code seqs} with its seq. */
  private static void stampSeqs(Connection c, Tables t, Dialect dialect, Map<RecordId, Long> seqs)
      throws SQLException {
    if (dialect.unnestArrays()) {
      int n = seqs.size();
      String[] collections = new String[n];
      byte[][] keys = new byte[n][];
      Long[] values = new Long[n];
      int k = 0;
      for (Map.Entry<RecordId, Long> e : seqs.entrySet()) {
        collections[k] = e.getKey().collection();
        keys[k] = Rows.encodeKey(e.getKey().key());
        values[k++] = e.getValue();
      }
      try (PreparedStatement ps =
          c.prepareStatement(
              "UPDATE "
                  + t.records
                  + " AS t SET seq = v.seq FROM unnest(?::text[], ?::bytea[], ?::bigint[]) AS"
                  + " v(collection, rkey, seq) WHERE t.collection = v.collection AND t.rkey ="
                  + " v.rkey")) {
        ps.setArray(1, c.createArrayOf("text", collections));
        ps.setArray(2, c.createArrayOf("bytea", keys));
        ps.setArray(3, c.createArrayOf("int8", values));
        if (ps.executeUpdate() != n) {
          throw vanished();
        }
      }
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE " + t.records + " SET seq = ? WHERE collection = ? AND rkey = ?")) {
      for (Map.Entry<RecordId, Long> e : seqs.entrySet()) {
        ps.setLong(1, e.getValue());
        ps.setString(2, e.getKey().collection());
        ps.setBytes(3, Rows.encodeKey(e.getKey().key()));
        ps.addBatch();
      }
      for (int n : ps.executeBatch()) {
        if (n == 0) {
          throw vanished();
        }
      }
    }
  }

  private static SyncException vanished() {
    return new SyncException(
        SyncException.Code.INTERNAL, "a written record vanished before its seq was stamped");
  }

  private static SyncException backwards(Checkpoint prev, Checkpoint next) {
    return new SyncException(
        SyncException.Code.INVALID_ARGUMENT,
        "checkpoint would move backwards: " + prev + " -> " + next + "; nothing was applied");
  }

  private static String key(Checkpoint cp) {
    return cp.peerId() + "\u0000" + cp.scope();
  }

  // ---- plumbing ----

  /** Closes the store's connections; later calls throw CLOSED. Idempotent. */
  public synchronized void close() {
    if (!closed) {
      closed = true;
      connections.close();
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new SyncException(SyncException.Code.CLOSED, "store is closed: " + description);
    }
  }

  private <T> T read(String what, SqlWork<T> work) {
    checkOpen();
    try {
      return connections.read(work);
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  private <T> T write(String what, SqlWork<T> work) {
    checkOpen();
    try {
      return connections.write(c -> inTransaction(dialect, c, () -> work.run(c)));
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  private interface TxBody<T> {
    T run() throws SQLException;
  }

  private static <T> T inTransaction(Dialect dialect, Connection c, TxBody<T> body)
      throws SQLException {
    dialect.begin(c);
    boolean committed = false;
    try {
      T result = body.run();
      dialect.commit(c);
      committed = true;
      return result;
    } finally {
      if (!committed) {
        try {
          dialect.rollback(c);
        } catch (SQLException | RuntimeException e) {
          // The connection is broken; the transaction dies with it. Keep the first failure.
        }
      }
    }
  }

  private SyncException failure(String what, SQLException e) {
    if (closed) {
      return new SyncException(SyncException.Code.CLOSED, "store is closed: " + description, e);
    }
    return new SyncException(
        SyncException.Code.STORE_FAILURE,
        "could not " + what + " in " + description + ": " + sqlMessage(e),
        e);
  }

  private static String sqlMessage(SQLException e) {
    return e.getMessage() + (e.getSQLState() == null ? "" : " (SQLState " + e.getSQLState() + ")");
  }

  private static void exec(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  @Override
  public String toString() {
    return description + ", epoch " + epoch;
  }
}
