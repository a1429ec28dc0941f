package io.syncline.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.spi.Change;
import io.syncline.spi.Checkpoint;
import io.syncline.spi.FeedPage;
import io.syncline.spi.Payload;
import io.syncline.spi.RecordId;
import io.syncline.spi.StoredRecord;
import io.syncline.spi.SyncException;
import io.syncline.spi.SyncRecord;
import io.syncline.spi.Version;
import io.syncline.spi.WriteSet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Behaviour beyond the conformance suite, on both dialects. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JdbcStoreTest {
  private static final String SCOPE = "s";

  @TempDir Path dir;

  private static SyncRecord rec(String key, long millis) {
    return SyncRecord.live(
        RecordId.of("notes", key), SCOPE, Version.of(millis, 0, "r1"), Payload.utf8("{}"));
  }

  @ParameterizedTest
  @EnumSource(Db.class)
  void keysSortByUtf16CodeUnitsAndRoundTripExactly(Db db) {
    // Code point order would put the emoji (U+1F600) after U+FFFF; RecordId order puts it before.
    List<String> keys =
        List.of("\uffff", "\ud83d\ude00", "a", "\ud800", "\udc00x", "\u00e9", "e\u0301", "A");
    List<String> expected = new ArrayList<>(keys);
    expected.sort(String::compareTo);
    try (JdbcStore store = db.builder(dir, Postgres.freshSchema("keys")).build()) {
      WriteSet.Builder b = WriteSet.builder();
      for (String k : keys) {
        b.write(rec(k, 1), null);
      }
      store.apply(b.build());
      List<String> listed = new ArrayList<>();
      for (StoredRecord r : store.list("notes", null, 100, false)) {
        listed.add(r.record().id().key());
      }
      assertThat(listed).isEqualTo(expected);
      assertThat(store.list("notes", "\ud83d\ude00", 100, false))
          .extracting(r -> r.record().id().key())
          .isEqualTo(expected.subList(expected.indexOf("\ud83d\ude00") + 1, expected.size()));
      for (String k : keys) {
        assertThat(store.get(RecordId.of("notes", k)).orElseThrow().record().id().key())
            .isEqualTo(k);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Db.class)
  void badArgumentsAreRefusedAndChangeNothing(Db db) {
    try (JdbcStore store = db.builder(dir, Postgres.freshSchema("bad")).build()) {
      store.apply(WriteSet.builder().write(rec("a", 1), null).build());
      long head = store.headSeq();
      assertThatThrownBy(() -> store.readFeed(SCOPE, -1, 10, 10, null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("afterSeq");
      assertThatThrownBy(() -> store.readFeed("bad scope", 0, 10, 10, null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("scope");
      assertThatThrownBy(() -> store.readFeed(SCOPE, 0, 0, 10, null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("maxChanges");
      assertThatThrownBy(() -> store.list("notes", "bad\u0001key", 10, true))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("control character");
      assertThatThrownBy(() -> store.list("notes", null, 0, true))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("limit");
      assertThatThrownBy(() -> store.apply(null))
          .isInstanceOf(NullPointerException.class)
          .hasMessageContaining("writes == null");
      assertThat(store.headSeq()).isEqualTo(head);
      assertThat(store.list("notes", null, 10, true)).hasSize(1);
    }
  }

  @ParameterizedTest
  @EnumSource(Db.class)
  void backwardsCheckpointLeavesRecordsQuarantineAndPropertiesAsTheyWere(Db db) {
    try (JdbcStore store = db.builder(dir, Postgres.freshSchema("backwards")).build()) {
      Checkpoint cp = new Checkpoint("peer-1", SCOPE, 10, 10, "e1");
      store.apply(WriteSet.builder().checkpoint(cp).build());
      WriteSet bad =
          WriteSet.builder()
              .write(rec("a", 1), "peer-1")
              .resetCheckpoint(new Checkpoint("peer-2", SCOPE, 1, 1, "e9"))
              .checkpoint(cp.withPushCursor(11))
              .checkpoint(cp.withPullCursor(9))
              .property("p", "v")
              .build();
      assertThatThrownBy(() -> store.apply(bad))
          .isInstanceOf(SyncException.class)
          .hasMessageContaining("backwards")
          .extracting(e -> ((SyncException) e).code())
          .isEqualTo(SyncException.Code.INVALID_ARGUMENT);
      assertThat(store.headSeq()).isZero();
      assertThat(store.get(RecordId.of("notes", "a"))).isEmpty();
      assertThat(store.checkpoint("peer-1", SCOPE)).contains(cp);
      assertThat(store.checkpoint("peer-2", SCOPE)).isEmpty();
      assertThat(store.property("p")).isEmpty();
      // The store still works afterwards.
      assertThat(store.apply(WriteSet.builder().write(rec("a", 1), null).build()).seq(0))
          .isEqualTo(1);
    }
  }

  @ParameterizedTest
  @EnumSource(Db.class)
  void pagesLongerThanOneQueryChunkAndExcludedRunsStayComplete(Db db) {
    try (JdbcStore store = db.builder(dir, Postgres.freshSchema("chunks")).build()) {
      WriteSet.Builder b = WriteSet.builder();
      for (int i = 0; i < 1200; i++) {
        // A long run from peer-1 (excluded below) in the middle.
        b.write(
            rec(String.format(Locale.ROOT, "k%04d", i), 1), i >= 100 && i < 900 ? "peer-1" : null);
      }
      store.apply(b.build());
      FeedPage page = store.readFeed(SCOPE, 0, 1000, Long.MAX_VALUE, "peer-1");
      assertThat(page.changes()).hasSize(400);
      assertThat(page.nextCursor()).isEqualTo(1200);
      assertThat(page.hasMore()).isFalse();
      FeedPage firstTwo = store.readFeed(SCOPE, 99, 2, Long.MAX_VALUE, "peer-1");
      assertThat(firstTwo.changes()).extracting(Change::seq).containsExactly(100L, 901L);
      assertThat(firstTwo.hasMore()).isTrue();
    }
  }

  @Test
  void sqliteStoresOnOneFileShareOneCommitOrderedFeed() throws Exception {
    Path file = dir.resolve("shared.db");
    int writers = 4;
    int perWriter = 50;
    List<JdbcStore> stores = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      stores.add(JdbcStore.sqlite(file));
    }
    ExecutorService pool = Executors.newFixedThreadPool(writers + 1);
    try {
      CountDownLatch start = new CountDownLatch(1);
      AtomicBoolean writing = new AtomicBoolean(true);
      List<Future<?>> futures = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        JdbcStore store = stores.get(w % 2);
        int writer = w;
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < perWriter; i++) {
                    store.apply(
                        WriteSet.builder()
                            .write(rec("w" + writer + "-" + i + "a", 1), null)
                            .write(rec("w" + writer + "-" + i + "b", 1), null)
                            .build());
                  }
                  return null;
                }));
      }
      Future<Set<RecordId>> reader =
          pool.submit(
              () -> {
                start.await();
                Set<RecordId> seen = new HashSet<>();
                long cursor = 0;
                boolean finalPass = false;
                for (int reads = 0; reads < 1_000_000; reads++) {
                  boolean wasWriting = writing.get();
                  FeedPage page = stores.get(2).readFeed(SCOPE, cursor, 13, Long.MAX_VALUE, null);
                  for (Change c : page.changes()) {
                    assertThat(seen.add(c.id())).isTrue();
                  }
                  cursor = page.nextCursor();
                  if (!page.hasMore()) {
                    if (finalPass) {
                      return seen;
                    }
                    finalPass = !wasWriting;
                  }
                }
                throw new AssertionError("reader did not finish");
              });
      start.countDown();
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
      writing.set(false);
      assertThat(reader.get(60, TimeUnit.SECONDS)).hasSize(writers * perWriter * 2);
      assertThat(stores.get(2).headSeq()).isEqualTo(writers * perWriter * 2);
    } finally {
      pool.shutdownNow();
      stores.forEach(JdbcStore::close);
    }
  }
}
