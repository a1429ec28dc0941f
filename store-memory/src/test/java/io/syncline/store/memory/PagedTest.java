package io.syncline.store.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PagedTest {
  private static final int N = 5 * Paged.PAGE + 17;

  @Test
  void longsHoldWhatWasAddedAndSetAcrossPages() {
    Paged.Longs longs = new Paged.Longs();
    for (int i = 0; i < N; i++) {
      longs.add(i * 3L);
    }
    longs.set(Paged.PAGE, -1);
    assertThat(longs.size()).isEqualTo(N);
    for (int i = 0; i < N; i++) {
      assertThat(longs.get(i)).isEqualTo(i == Paged.PAGE ? -1 : i * 3L);
    }
  }

  @Test
  void searchAnswersAsArraysBinarySearch() {
    Random random = new Random(3);
    long[] sorted = new long[N];
    Paged.Longs longs = new Paged.Longs();
    long v = 0;
    for (int i = 0; i < N; i++) {
      v += 1 + random.nextInt(5);
      sorted[i] = v;
      longs.add(v);
    }
    for (long key = -1; key <= v + 1; key++) {
      assertThat(longs.search(key)).as("key %d", key).isEqualTo(Arrays.binarySearch(sorted, key));
    }
    assertThat(new Paged.Longs().search(5)).isEqualTo(-1);
  }

  @Test
  void truncateDropsTheTailAndAddingGoesOnFromThere() {
    Paged.Longs longs = new Paged.Longs();
    Paged.Ints ints = new Paged.Ints();
    for (int i = 0; i < N; i++) {
      longs.add(i);
      ints.add(-i);
    }
    longs.truncate(Paged.PAGE + 1);
    ints.truncate(3);
    for (int i = 0; i < 2 * Paged.PAGE; i++) {
      longs.add(1_000_000 + i);
      ints.add(1_000_000 + i);
    }
    assertThat(longs.size()).isEqualTo(3 * Paged.PAGE + 1);
    assertThat(ints.size()).isEqualTo(2 * Paged.PAGE + 3);
    for (int i = 0; i < longs.size(); i++) {
      assertThat(longs.get(i)).isEqualTo(i <= Paged.PAGE ? i : 1_000_000 + i - Paged.PAGE - 1);
    }
    for (int i = 0; i < ints.size(); i++) {
      assertThat(ints.get(i)).isEqualTo(i < 3 ? -i : 1_000_000 + i - 3);
    }
    ints.truncate(0);
    ints.add(7);
    assertThat(ints.get(0)).isEqualTo(7);
    assertThat(ints.size()).isEqualTo(1);
  }
}
