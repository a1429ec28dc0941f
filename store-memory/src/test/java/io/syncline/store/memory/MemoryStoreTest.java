package io.syncline.store.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.spi.Change;
import io.syncline.spi.FeedPage;
import io.syncline.spi.Payload;
import io.syncline.spi.RecordId;
import io.syncline.spi.StoredRecord;
import io.syncline.spi.SyncRecord;
import io.syncline.spi.SyncStore;
import io.syncline.spi.Version;
import io.syncline.spi.WriteSet;
import io.syncline.testkit.StoreContractTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class MemoryStoreTest extends StoreContractTest {
  @Override
  protected SyncStore createStore() {
    return new MemoryStore();
  }

  /**
   * Many rewrites leave holes in the feed's log that get compacted away: paging through the feed
   * still yields each record's latest state exactly once, in seq order, whatever the page size.
   */
  @Test
  void feedStaysExactThroughRewritesAndCompaction() {
    feedStaysExact(500, 20_000);
  }

  /** The same across the pages that the store's arrays grow by, many of them compacted away. */
  @Test
  void feedStaysExactAcrossPages() {
    feedStaysExact(3 * Paged.PAGE + 123, 60_000);
  }

  private static void feedStaysExact(int ids, int writes) {
    MemoryStore store = new MemoryStore("e");
    Random random = new Random(7);
    TreeMap<Long, RecordId> expected = new TreeMap<>();
    TreeMap<RecordId, Long> seqOf = new TreeMap<>();
    TreeSet<Long> local = new TreeSet<>();
    long stamp = 1;
    for (int round = 0; round < writes; round++) {
      RecordId id = RecordId.of("notes", "n" + random.nextInt(ids));
      SyncRecord r =
          SyncRecord.live(
              id, "s", Version.of(stamp++, 0, "r"), Payload.utf8("{\"v\":" + round + "}"));
      String source = random.nextInt(4) == 0 ? "peer" : null;
      long seq = store.apply(WriteSet.builder().write(r, source).build()).seq(0);
      Long old = seqOf.put(id, seq);
      if (old != null) {
        expected.remove(old);
        local.remove(old);
      }
      expected.put(seq, id);
      if (source == null) {
        local.add(seq);
      }
    }
    for (int pageSize : new int[] {1, 7, 100, 1000}) {
      List<Change> all = new ArrayList<>();
      long cursor = 0;
      while (true) {
        FeedPage page = store.readFeed("s", cursor, pageSize, Long.MAX_VALUE, null);
        all.addAll(page.changes());
        assertThat(page.nextCursor()).isGreaterThanOrEqualTo(cursor);
        cursor = page.nextCursor();
        if (!page.hasMore()) {
          break;
        }
      }
      assertThat(all).extracting(Change::seq).containsExactlyElementsOf(expected.keySet());
      assertThat(all).extracting(Change::id).containsExactlyElementsOf(expected.values());
    }
    // Excluding a source skips exactly its changes but still moves the cursor past them.
    FeedPage mine = store.readFeed("s", 0, 2 * ids, Long.MAX_VALUE, "peer");
    assertThat(mine.changes()).extracting(Change::seq).containsExactlyElementsOf(local);
    assertThat(mine.nextCursor()).isEqualTo(store.headSeq());
    assertThat(store.list("notes", null, 2 * ids, true))
        .extracting(r -> r.record().id())
        .containsExactlyElementsOf(seqOf.keySet());
  }

  /**
   * Keys come back exactly, whatever characters they hold (ASCII, other scripts, an emoji, a lone
   * surrogate, which UTF-8 could not carry), and so do payloads far larger than the arena's arrays.
   */
  @Test
  void everyKeyAndLargePayloadComesBackExactly() {
    MemoryStore store = new MemoryStore("e");
    String[] keys = {"plain", "ключ", "キー", "emoji-\uD83D\uDE00", "lone-\uD800-x", "\u00e9t\u00e9"};
    String big = "{\"blob\":\"" + "x".repeat(3 * RecordArena.CHUNK) + "\"}";
    WriteSet.Builder ws = WriteSet.builder();
    for (int i = 0; i < keys.length; i++) {
      String json = i == 2 ? big : "{\"i\":" + i + "}";
      ws.write(
          new SyncRecord(
              RecordId.of("notes", keys[i]),
              "s",
              Version.of(1000 + i, 0, "r"),
              false,
              Payload.utf8(json),
              i % 2 == 0 ? Payload.EMPTY : Payload.utf8("{\"m\":" + i + "}")),
          i == 1 ? "peer" : null);
    }
    store.apply(ws.build());
    for (int i = 0; i < keys.length; i++) {
      StoredRecord got = store.get(RecordId.of("notes", keys[i])).orElseThrow();
      assertThat(got.record().id().key()).isEqualTo(keys[i]);
      assertThat(got.record().payload().toUtf8()).isEqualTo(i == 2 ? big : "{\"i\":" + i + "}");
      assertThat(got.record().meta().isEmpty()).isEqualTo(i % 2 == 0);
      assertThat(got.source()).isEqualTo(i == 1 ? "peer" : null);
    }
    // The same characters in other orders or lengths are other records.
    assertThat(store.get(RecordId.of("notes", "lone-\uD800"))).isEmpty();
    assertThat(store.get(RecordId.of("notes", "Plain"))).isEmpty();
    assertThat(store.get(RecordId.of("other", "plain"))).isEmpty();
    assertThat(store.list("notes", null, 100, false))
        .extracting(r -> r.record().id().key())
        .containsExactlyElementsOf(new TreeSet<>(List.of(keys)));
  }

  /**
   * Rewriting the same records over and over leaves dead states in the arena; once they outweigh
   * the live ones they are reclaimed, so the store's memory follows its live data, not its history.
   */
  @Test
  void rewritesDoNotGrowTheArenaWithoutBound() {
    MemoryStore store = new MemoryStore("e");
    String body = "{\"text\":\"" + "y".repeat(900) + "\"}";
    long stamp = 1;
    for (int round = 0; round < 100; round++) {
      WriteSet.Builder ws = WriteSet.builder();
      for (int k = 0; k < 200; k++) {
        ws.write(
            SyncRecord.live(
                RecordId.of("notes", "n" + k),
                "s",
                Version.of(stamp++, 0, "r"),
                Payload.utf8(body)),
            null);
      }
      store.apply(ws.build());
    }
    // 20,000 states of about 1 KB were written; 200 are live.
    assertThat(store.arenaBytes()).isLessThan(12L * RecordArena.CHUNK);
    for (int k = 0; k < 200; k++) {
      SyncRecord r = store.get(RecordId.of("notes", "n" + k)).orElseThrow().record();
      assertThat(r.payload().toUtf8()).isEqualTo(body);
      assertThat(r.version().stamp()).isEqualTo(Version.of(99 * 200 + k + 1, 0, "r").stamp());
    }
    assertThat(store.readFeed("s", 0, 1000, Long.MAX_VALUE, null).changes()).hasSize(200);
  }

  /**
   * Listing sorts in the keys added since the last listing: pages by key stay exact through rounds
   * of new keys, rewrites and deletions, checked against a sorted map.
   */
  @Test
  void listingStaysInKeyOrderAsKeysArriveBetweenListings() {
    MemoryStore store = new MemoryStore("e");
    Random random = new Random(3);
    TreeMap<String, Boolean> deleted = new TreeMap<>();
    long stamp = 1;
    for (int round = 0; round < 30; round++) {
      WriteSet.Builder ws = WriteSet.builder();
      for (int i = 0; i < 40; i++) {
        String key = "k" + random.nextInt(2000);
        RecordId id = RecordId.of("notes", key);
        Version v = Version.of(stamp++, 0, "r");
        boolean delete = random.nextInt(5) == 0;
        ws.write(
            delete
                ? SyncRecord.tombstone(id, "s", v)
                : SyncRecord.live(id, "s", v, Payload.utf8("1")),
            null);
        deleted.put(key, delete);
      }
      store.apply(ws.build());
      int pageSize = 1 + random.nextInt(50);
      for (boolean withDeleted : new boolean[] {true, false}) {
        List<String> listed = new ArrayList<>();
        String after = null;
        while (true) {
          List<StoredRecord> page = store.list("notes", after, pageSize, withDeleted);
          if (page.isEmpty()) {
            break;
          }
          page.forEach(r -> listed.add(r.record().id().key()));
          after = page.get(page.size() - 1).record().id().key();
        }
        List<String> expected = new ArrayList<>();
        deleted.forEach(
            (k, d) -> {
              if (withDeleted || !d) {
                expected.add(k);
              }
            });
        assertThat(listed).containsExactlyElementsOf(expected);
      }
    }
  }
}
