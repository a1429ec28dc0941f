package io.syncline.store.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.spi.Change;
import io.syncline.spi.FeedPage;
import io.syncline.spi.Payload;
import io.syncline.spi.RecordId;
import io.syncline.spi.SyncRecord;
import io.syncline.spi.SyncStore;
import io.syncline.spi.Version;
import io.syncline.spi.WriteSet;
import io.syncline.testkit.StoreContractTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
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
    MemoryStore store = new MemoryStore("e");
    Random random = new Random(7);
    TreeMap<Long, RecordId> expected = new TreeMap<>();
    TreeMap<RecordId, Long> seqOf = new TreeMap<>();
    long stamp = 1;
    for (int round = 0; round < 20_000; round++) {
      RecordId id = RecordId.of("notes", "n" + random.nextInt(500));
      SyncRecord r =
          SyncRecord.live(
              id, "s", Version.of(stamp++, 0, "r"), Payload.utf8("{\"v\":" + round + "}"));
      String source = random.nextInt(4) == 0 ? "peer" : null;
      long seq = store.apply(WriteSet.builder().write(r, source).build()).seq(0);
      Long old = seqOf.put(id, seq);
      if (old != null) {
        expected.remove(old);
      }
      expected.put(seq, id);
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
    // Excluding a source skips its changes but still moves the cursor past them.
    FeedPage mine = store.readFeed("s", 0, 10_000, Long.MAX_VALUE, "peer");
    assertThat(mine.changes())
        .allSatisfy(c -> assertThat(store.get(c.id()).orElseThrow().source()).isNull());
    assertThat(mine.nextCursor()).isEqualTo(store.headSeq());
    assertThat(store.list("notes", null, 10_000, true)).hasSize(500);
  }
}
