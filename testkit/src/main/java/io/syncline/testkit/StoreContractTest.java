package io.syncline.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.spi.ApplyResult;
import io.syncline.spi.Change;
import io.syncline.spi.Checkpoint;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The conformance suite every {@link SyncStore} passes. Extend it, create a fresh store in {@link
 * #createStore()}, and, for a persistent store, reopen the same data in {@link #reopen}.
 *
 * <pre>{@code
 * class MyStoreTest extends StoreContractTest {
 *   @Override protected SyncStore createStore() { return new MyStore(tempFile()); }
 * }
 * }</pre>
 */
public abstract class StoreContractTest {
  /** The scope most tests write in. */
  protected static final String SCOPE = "scope-a";

  /** The store under test, made fresh for each test. */
  protected SyncStore store;

  /** Creates a new, empty store. */
  protected abstract SyncStore createStore() throws Exception;

  /**
   * Closes {@code store} and opens the same data again, or returns null if the store keeps nothing
   * once closed (then the persistence tests pass trivially).
   */
  protected SyncStore reopen(SyncStore store) throws Exception {
    return null;
  }

  @BeforeEach
  void openStore() throws Exception {
    store = createStore();
  }

  @AfterEach
  void closeStore() {
    if (store != null) {
      store.close();
    }
  }

  // ---- helpers ----

  protected static Version v(long millis, String replica) {
    return Version.of(millis, 0, replica);
  }

  protected static SyncRecord rec(String key, long millis, String json) {
    return SyncRecord.live(RecordId.of("notes", key), SCOPE, v(millis, "r1"), Payload.utf8(json));
  }

  protected ApplyResult write(SyncRecord... records) {
    WriteSet.Builder b = WriteSet.builder();
    for (SyncRecord r : records) {
      b.write(r, null);
    }
    return store.apply(b.build());
  }

  protected List<Change> readAll(String scope) {
    List<Change> all = new ArrayList<>();
    long cursor = 0;
    while (true) {
      FeedPage page = store.readFeed(scope, cursor, 7, Long.MAX_VALUE, null);
      assertThat(page.nextCursor()).isGreaterThanOrEqualTo(cursor);
      all.addAll(page.changes());
      if (!page.hasMore()) {
        return all;
      }
      assertThat(page.nextCursor()).isGreaterThan(cursor);
      cursor = page.nextCursor();
    }
  }

  // ---- identity ----

  @Test
  public void epochIsStableAndDiffersBetweenStores() throws Exception {
    String epoch = store.epoch();
    assertThat(epoch).isNotEmpty().isEqualTo(store.epoch());
    try (SyncStore other = createStore()) {
      assertThat(other.epoch()).isNotEqualTo(epoch);
    }
  }

  @Test
  public void emptyStoreHasNothing() {
    assertThat(store.headSeq()).isZero();
    assertThat(store.get(RecordId.of("notes", "a"))).isEmpty();
    FeedPage page = store.readFeed(SCOPE, 0, 10, 1 << 20, null);
    assertThat(page.changes()).isEmpty();
    assertThat(page.hasMore()).isFalse();
    assertThat(page.nextCursor()).isZero();
    assertThat(store.checkpoint("p", SCOPE)).isEmpty();
    assertThat(store.quarantine()).isEmpty();
    assertThat(store.property("x")).isEmpty();
  }

  // ---- writes and versions ----

  @Test
  public void writesGetStrictlyIncreasingSeqs() {
    ApplyResult r = write(rec("a", 1, "{}"), rec("b", 1, "{}"), rec("c", 1, "{}"));
    assertThat(r.appliedCount()).isEqualTo(3);
    assertThat(r.seq(0)).isPositive();
    assertThat(r.seq(1)).isGreaterThan(r.seq(0));
    assertThat(r.seq(2)).isGreaterThan(r.seq(1));
    assertThat(store.headSeq()).isEqualTo(r.seq(2));
    ApplyResult r2 = write(rec("d", 1, "{}"));
    assertThat(r2.seq(0)).isGreaterThan(r.seq(2));
  }

  @Test
  public void recordRoundTripsWithPayloadMetaAndSource() {
    SyncRecord r =
        new SyncRecord(
            RecordId.of("contacts", "k\u00e9y \u4e2d"),
            SCOPE,
            Version.of(123456789L, 7, "replica-9"),
            false,
            Payload.utf8("{\"name\":\"\u0130stanbul\"}"),
            Payload.utf8("{\"f\":1}"));
    long seq = store.apply(WriteSet.builder().write(r, "peer-1").build()).seq(0);
    StoredRecord got = store.get(r.id()).orElseThrow();
    assertThat(got.record()).isEqualTo(r);
    assertThat(got.seq()).isEqualTo(seq);
    assertThat(got.source()).isEqualTo("peer-1");
    assertThat(store.list("contacts", null, 10, false)).containsExactly(got);
  }

  @Test
  public void olderOrEqualVersionChangesNothing() {
    write(rec("a", 10, "{\"v\":10}"));
    long head = store.headSeq();
    ApplyResult older = write(rec("a", 5, "{\"v\":5}"));
    ApplyResult same = write(rec("a", 10, "{\"v\":10}"));
    assertThat(older.applied(0)).isFalse();
    assertThat(same.applied(0)).isFalse();
    assertThat(store.headSeq()).isEqualTo(head);
    assertThat(store.get(RecordId.of("notes", "a")).orElseThrow().record().payload().toUtf8())
        .isEqualTo("{\"v\":10}");
  }

  @Test
  public void versionTieBreaksOnReplicaId() {
    RecordId id = RecordId.of("notes", "a");
    SyncRecord fromB = SyncRecord.live(id, SCOPE, v(10, "b"), Payload.utf8("{\"w\":\"b\"}"));
    SyncRecord fromA = SyncRecord.live(id, SCOPE, v(10, "a"), Payload.utf8("{\"w\":\"a\"}"));
    write(fromA);
    write(fromB);
    write(fromA);
    assertThat(store.get(id).orElseThrow().record()).isEqualTo(fromB);
  }

  @Test
  public void laterWritesInOneSetCompareWithEarlierOnes() {
    ApplyResult r = write(rec("a", 2, "{\"v\":2}"), rec("a", 1, "{\"v\":1}"), rec("a", 3, "{}"));
    assertThat(r.applied(0)).isTrue();
    assertThat(r.applied(1)).isFalse();
    assertThat(r.applied(2)).isTrue();
    assertThat(readAll(SCOPE)).hasSize(1);
  }

  @Test
  public void staleWritesInASetTakeNoSeqAndLeaveNoGap() {
    write(rec("b", 10, "{\"v\":10}"), rec("d", 10, "{\"v\":10}"));
    long head = store.headSeq();
    // Distinct records, two of them stale.
    ApplyResult r =
        write(rec("a", 1, "{}"), rec("b", 5, "{}"), rec("c", 1, "{}"), rec("d", 9, "{}"));
    assertThat(r.applied(1)).isFalse();
    assertThat(r.applied(3)).isFalse();
    assertThat(r.seq(0)).isEqualTo(head + 1);
    assertThat(r.seq(2)).isEqualTo(head + 2);
    assertThat(store.headSeq()).isEqualTo(head + 2);
    // One record written twice, then a stale write of another.
    ApplyResult twice = write(rec("e", 2, "{}"), rec("e", 3, "{}"), rec("b", 1, "{}"));
    assertThat(twice.seq(0)).isEqualTo(head + 3);
    assertThat(twice.seq(1)).isEqualTo(head + 4);
    assertThat(twice.applied(2)).isFalse();
    assertThat(store.headSeq()).isEqualTo(head + 4);
    List<Change> feed = readAll(SCOPE);
    assertThat(feed)
        .extracting(c -> c.record().id().key() + "@" + (c.seq() - head))
        .containsExactly("b@-1", "d@0", "a@1", "c@2", "e@4");
    assertThat(store.get(RecordId.of("notes", "b")).orElseThrow().seq()).isEqualTo(head - 1);
  }

  @Test
  public void tombstoneIsKeptAndNotResurrectedByAStaleWrite() {
    RecordId id = RecordId.of("notes", "a");
    write(rec("a", 1, "{}"));
    write(SyncRecord.tombstone(id, SCOPE, v(2, "r1")));
    ApplyResult stale = write(rec("a", 1, "{\"stale\":true}"));
    assertThat(stale.applied(0)).isFalse();
    StoredRecord got = store.get(id).orElseThrow();
    assertThat(got.record().deleted()).isTrue();
    assertThat(store.list("notes", null, 10, false)).isEmpty();
    assertThat(store.list("notes", null, 10, true)).hasSize(1);
    List<Change> feed = readAll(SCOPE);
    assertThat(feed).hasSize(1);
    assertThat(feed.get(0).record().deleted()).isTrue();
    // A newer write after the delete is a real re-creation.
    write(rec("a", 3, "{\"again\":true}"));
    assertThat(store.get(id).orElseThrow().record().deleted()).isFalse();
  }

  // ---- feed ----

  @Test
  public void feedHoldsOneEntryPerRecordAtItsLatestSeq() {
    write(rec("a", 1, "{}"));
    write(rec("b", 1, "{}"));
    long lastA = 0;
    for (int i = 2; i <= 11; i++) {
      lastA = write(rec("a", i, "{\"edit\":" + i + "}")).seq(0);
    }
    List<Change> feed = readAll(SCOPE);
    assertThat(feed).extracting(c -> c.id().key()).containsExactly("b", "a");
    assertThat(feed.get(1).seq()).isEqualTo(lastA);
    assertThat(feed.get(1).record().payload().toUtf8()).isEqualTo("{\"edit\":11}");
  }

  @Test
  public void feedIsKeptPerScope() {
    SyncRecord other =
        SyncRecord.live(RecordId.of("notes", "x"), "scope-b", v(1, "r1"), Payload.utf8("{}"));
    write(rec("a", 1, "{}"), other, rec("b", 1, "{}"));
    assertThat(readAll(SCOPE)).extracting(c -> c.id().key()).containsExactly("a", "b");
    assertThat(readAll("scope-b")).extracting(c -> c.id().key()).containsExactly("x");
    assertThat(readAll("scope-c")).isEmpty();
  }

  @Test
  public void recordMovedToAnotherScopeLeavesTheOldFeed() {
    write(rec("a", 1, "{}"));
    write(SyncRecord.live(RecordId.of("notes", "a"), "scope-b", v(2, "r1"), Payload.utf8("{}")));
    assertThat(readAll(SCOPE)).isEmpty();
    assertThat(readAll("scope-b")).hasSize(1);
  }

  @Test
  public void feedPagesByCountAndCursor() {
    for (int i = 0; i < 25; i++) {
      write(rec("k" + i, 1, "{}"));
    }
    FeedPage first = store.readFeed(SCOPE, 0, 10, Long.MAX_VALUE, null);
    assertThat(first.changes()).hasSize(10);
    assertThat(first.hasMore()).isTrue();
    assertThat(first.nextCursor()).isEqualTo(first.changes().get(9).seq());
    FeedPage second = store.readFeed(SCOPE, first.nextCursor(), 10, Long.MAX_VALUE, null);
    assertThat(second.changes().get(0).seq()).isGreaterThan(first.nextCursor());
    assertThat(readAll(SCOPE)).hasSize(25);
  }

  @Test
  public void feedPagesByBytesButAlwaysMakesProgress() {
    String big = "{\"t\":\"" + "x".repeat(1000) + "\"}";
    for (int i = 0; i < 5; i++) {
      write(rec("k" + i, 1, big));
    }
    FeedPage page = store.readFeed(SCOPE, 0, 100, 2500, null);
    assertThat(page.changes()).hasSize(2);
    assertThat(page.hasMore()).isTrue();
    FeedPage tiny = store.readFeed(SCOPE, 0, 100, 10, null);
    assertThat(tiny.changes()).hasSize(1);
    assertThat(tiny.nextCursor()).isEqualTo(tiny.changes().get(0).seq());
  }

  @Test
  public void feedLeavesOutExcludedSourceButMovesPastIt() {
    store.apply(
        WriteSet.builder()
            .write(rec("a", 1, "{}"), null)
            .write(rec("b", 1, "{}"), "peer-1")
            .write(rec("c", 1, "{}"), "peer-2")
            .write(rec("d", 1, "{}"), "peer-1")
            .build());
    FeedPage page = store.readFeed(SCOPE, 0, 100, Long.MAX_VALUE, "peer-1");
    assertThat(page.changes()).extracting(c -> c.id().key()).containsExactly("a", "c");
    assertThat(page.nextCursor()).isEqualTo(store.headSeq());
    assertThat(page.hasMore()).isFalse();
  }

  @Test
  public void feedSkipsLongRunsOfExcludedWritesAndPagesOverTheRest() {
    // 1,200 of peer-1's writes (longer than any store's read chunk), one of another source in the
    // middle and one at the end; a write in another scope past them all.
    WriteSet.Builder b = WriteSet.builder();
    for (int i = 0; i < 1200; i++) {
      b.write(rec(String.format("k%04d", i), 1, "{}"), "peer-1");
      if (i == 700) {
        b.write(rec("middle", 1, "{}"), null);
      }
    }
    b.write(rec("last", 1, "{}"), "peer-2");
    store.apply(b.build());
    long scopeHead = store.headSeq();
    store.apply(
        WriteSet.builder()
            .write(
                SyncRecord.live(
                    RecordId.of("notes", "elsewhere"), "other", v(1, "r1"), Payload.utf8("{}")),
                null)
            .build());

    FeedPage first = store.readFeed(SCOPE, 0, 1, Long.MAX_VALUE, "peer-1");
    assertThat(first.changes()).extracting(c -> c.id().key()).containsExactly("middle");
    assertThat(first.hasMore()).isTrue();
    FeedPage second = store.readFeed(SCOPE, first.nextCursor(), 1, Long.MAX_VALUE, "peer-1");
    assertThat(second.changes()).extracting(c -> c.id().key()).containsExactly("last");
    assertThat(second.nextCursor()).isEqualTo(scopeHead);
    FeedPage rest = store.readFeed(SCOPE, second.nextCursor(), 10, Long.MAX_VALUE, "peer-1");
    assertThat(rest.changes()).isEmpty();
    assertThat(rest.nextCursor()).isEqualTo(scopeHead);
    assertThat(rest.hasMore()).isFalse();

    FeedPage both = store.readFeed(SCOPE, 0, 2, Long.MAX_VALUE, "peer-1");
    assertThat(both.changes()).extracting(c -> c.id().key()).containsExactly("middle", "last");
    assertThat(both.nextCursor()).isEqualTo(scopeHead);
    assertThat(both.hasMore()).isFalse();

    // Only a left-out write past the cursor: the cursor moves past it.
    FeedPage tail = store.readFeed(SCOPE, scopeHead - 1, 10, Long.MAX_VALUE, "peer-2");
    assertThat(tail.changes()).isEmpty();
    assertThat(tail.nextCursor()).isEqualTo(scopeHead);
  }

  // ---- atomicity and checkpoints ----

  @Test
  public void checkpointsAreKeptPerPeerAndScope() {
    Checkpoint a = new Checkpoint("peer-1", SCOPE, 5, 7, "e1");
    Checkpoint b = new Checkpoint("peer-1", "scope-b", 1, 2, "e1");
    Checkpoint c = new Checkpoint("peer-2", SCOPE, 9, 0, "e2");
    store.apply(WriteSet.builder().checkpoint(a).checkpoint(b).checkpoint(c).build());
    assertThat(store.checkpoint("peer-1", SCOPE)).contains(a);
    assertThat(store.checkpoint("peer-1", "scope-b")).contains(b);
    assertThat(store.checkpoint("peer-2", SCOPE)).contains(c);
    store.apply(WriteSet.builder().checkpoint(a.withPullCursor(8)).build());
    assertThat(store.checkpoint("peer-1", SCOPE)).contains(a.withPullCursor(8));
  }

  @Test
  public void writeSetThatMovesACursorBackwardsAppliesNothing() {
    Checkpoint cp = new Checkpoint("peer-1", SCOPE, 10, 10, "e1");
    store.apply(WriteSet.builder().checkpoint(cp).build());
    write(rec("a", 1, "{}"));
    long head = store.headSeq();
    WriteSet bad =
        WriteSet.builder()
            .write(rec("b", 1, "{}"), "peer-1")
            .write(rec("a", 2, "{\"changed\":true}"), "peer-1")
            .checkpoint(cp.withPullCursor(3))
            .property("token", "t1")
            .build();
    assertThatThrownBy(() -> store.apply(bad))
        .isInstanceOf(SyncException.class)
        .extracting(e -> ((SyncException) e).code())
        .isEqualTo(SyncException.Code.INVALID_ARGUMENT);
    assertThat(store.headSeq()).isEqualTo(head);
    assertThat(store.get(RecordId.of("notes", "b"))).isEmpty();
    assertThat(store.get(RecordId.of("notes", "a")).orElseThrow().record().version())
        .isEqualTo(v(1, "r1"));
    assertThat(store.checkpoint("peer-1", SCOPE)).contains(cp);
    assertThat(store.property("token")).isEmpty();
  }

  @Test
  public void resetMayMoveCursorsBackAndANewEpochMayStartOver() {
    Checkpoint cp = new Checkpoint("peer-1", SCOPE, 10, 10, "e1");
    store.apply(WriteSet.builder().checkpoint(cp).build());
    Checkpoint newEpoch = new Checkpoint("peer-1", SCOPE, 0, 0, "e2");
    store.apply(WriteSet.builder().checkpoint(newEpoch).build());
    assertThat(store.checkpoint("peer-1", SCOPE)).contains(newEpoch);
    Checkpoint restored = new Checkpoint("peer-1", SCOPE, 0, 0, "e2");
    store.apply(WriteSet.builder().checkpoint(newEpoch.withPullCursor(5)).build());
    store.apply(WriteSet.builder().resetCheckpoint(restored).build());
    assertThat(store.checkpoint("peer-1", SCOPE)).contains(restored);
  }

  @Test
  public void writesAndCursorCommitTogether() {
    Checkpoint cp = Checkpoint.initial("peer-1", SCOPE);
    store.apply(
        WriteSet.builder()
            .write(rec("a", 1, "{}"), "peer-1")
            .write(rec("b", 1, "{}"), "peer-1")
            .checkpoint(cp.withPullCursor(42))
            .property("source.token", "abc")
            .build());
    assertThat(store.get(RecordId.of("notes", "a"))).isPresent();
    assertThat(store.get(RecordId.of("notes", "b"))).isPresent();
    assertThat(store.checkpoint("peer-1", SCOPE).orElseThrow().pullCursor()).isEqualTo(42);
    assertThat(store.property("source.token")).contains("abc");
  }

  // ---- quarantine ----

  @Test
  public void quarantineKeepsEntriesOnceAndRemovesThem() {
    QuarantinedChange q1 = new QuarantinedChange(0, "peer-1", rec("a", 1, "{}"), "DENIED", "no", 5);
    QuarantinedChange q2 = new QuarantinedChange(0, "peer-1", rec("b", 1, "{}"), "INVALID", "x", 6);
    store.apply(WriteSet.builder().quarantine(q1).quarantine(q2).build());
    store.apply(WriteSet.builder().quarantine(q1).build());
    List<QuarantinedChange> q = store.quarantine();
    assertThat(q).hasSize(2);
    assertThat(q.get(0).id()).isPositive();
    assertThat(q.get(0).withId(0)).isEqualTo(q1);
    assertThat(q.get(1).withId(0)).isEqualTo(q2);
    store.apply(WriteSet.builder().unquarantine(q.get(0).id()).unquarantine(999_999).build());
    assertThat(store.quarantine()).extracting(QuarantinedChange::code).containsExactly("INVALID");
  }

  // ---- listing ----

  @Test
  public void listPagesByKeyWithinOneCollection() {
    write(rec("c", 1, "{}"), rec("a", 1, "{}"), rec("b", 1, "{}"));
    write(SyncRecord.live(RecordId.of("other", "a"), SCOPE, v(1, "r1"), Payload.utf8("{}")));
    assertThat(store.list("notes", null, 2, false))
        .extracting(r -> r.record().id().key())
        .containsExactly("a", "b");
    assertThat(store.list("notes", "b", 10, false))
        .extracting(r -> r.record().id().key())
        .containsExactly("c");
    assertThat(store.list("nothing", null, 10, true)).isEmpty();
  }

  // ---- concurrency ----

  @Test
  public void concurrentReadersNeverSkipAChange() throws Exception {
    int writers = 4;
    int perWriter = 300;
    ExecutorService pool = Executors.newFixedThreadPool(writers + 2);
    try {
      CountDownLatch start = new CountDownLatch(1);
      AtomicBoolean writing = new AtomicBoolean(true);
      List<Future<?>> writes = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int writer = w;
        writes.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < perWriter; i++) {
                    // Each writer edits its own keys and revisits some, so records move in the
                    // feed.
                    String key = "w" + writer + "-" + (i % 100);
                    write(rec(key, 1 + i, "{\"i\":" + i + "}"));
                  }
                  return null;
                }));
      }
      List<Future<Map<RecordId, Long>>> readers = new ArrayList<>();
      for (int r = 0; r < 2; r++) {
        readers.add(
            pool.submit(
                () -> {
                  start.await();
                  Map<RecordId, Long> seen = new TreeMap<>();
                  long cursor = 0;
                  boolean finalPass = false;
                  while (true) {
                    boolean wasWriting = writing.get();
                    FeedPage page = store.readFeed(SCOPE, cursor, 17, Long.MAX_VALUE, null);
                    for (Change c : page.changes()) {
                      assertThat(c.seq()).isGreaterThan(cursor);
                      seen.merge(c.id(), c.record().version().stamp(), Math::max);
                    }
                    cursor = page.nextCursor();
                    if (!page.hasMore()) {
                      if (finalPass) {
                        return seen;
                      }
                      finalPass = !wasWriting;
                    }
                  }
                }));
      }
      start.countDown();
      for (Future<?> f : writes) {
        f.get(60, TimeUnit.SECONDS);
      }
      writing.set(false);
      Map<RecordId, Long> expected = new TreeMap<>();
      for (StoredRecord r : store.list("notes", null, 10_000, true)) {
        expected.put(r.record().id(), r.record().version().stamp());
      }
      assertThat(expected).hasSize(writers * 100);
      for (Future<Map<RecordId, Long>> f : readers) {
        assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo(expected);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  // ---- persistence ----

  @Test
  public void reopenedStoreKeepsEverything() throws Exception {
    write(rec("a", 1, "{\"x\":1}"), rec("b", 1, "{}"));
    write(SyncRecord.tombstone(RecordId.of("notes", "b"), SCOPE, v(2, "r1")));
    Checkpoint cp = new Checkpoint("peer-1", SCOPE, 3, 4, "e1");
    QuarantinedChange q = new QuarantinedChange(0, "peer-1", rec("c", 1, "{}"), "DENIED", "no", 5);
    store.apply(WriteSet.builder().checkpoint(cp).quarantine(q).property("token", "t9").build());
    String epoch = store.epoch();
    long head = store.headSeq();
    List<Change> feed = readAll(SCOPE);

    SyncStore reopened = reopen(store);
    if (reopened == null) {
      return;
    }
    store = reopened;
    assertThat(store.epoch()).isEqualTo(epoch);
    assertThat(store.headSeq()).isEqualTo(head);
    assertThat(readAll(SCOPE)).isEqualTo(feed);
    assertThat(store.checkpoint("peer-1", SCOPE)).contains(cp);
    assertThat(store.quarantine()).hasSize(1);
    assertThat(store.property("token")).contains("t9");
    long next = write(rec("d", 1, "{}")).seq(0);
    assertThat(next).isGreaterThan(head);
  }

  @Test
  public void closedStoreRefusesCalls() {
    store.close();
    assertThatThrownBy(() -> store.get(RecordId.of("notes", "a")))
        .isInstanceOf(SyncException.class)
        .extracting(e -> ((SyncException) e).code())
        .isEqualTo(SyncException.Code.CLOSED);
    store = null;
  }

  @Test
  public void distinctKeysStayDistinct() {
    Set<String> keys = new HashSet<>(List.of("a", "A", "\u0131", "I", "i", "\u0130", "a "));
    List<SyncRecord> recs = new ArrayList<>();
    for (String k : keys) {
      recs.add(rec(k, 1, "{}"));
    }
    write(recs.toArray(new SyncRecord[0]));
    assertThat(store.list("notes", null, 100, false)).hasSize(keys.size());
  }
}
