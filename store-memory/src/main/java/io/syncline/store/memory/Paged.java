package io.syncline.store.memory;

import java.util.Arrays;

/**
 * Growable arrays of primitives kept in pages of {@value #PAGE} elements: growing adds a page and
 * never copies or clears again what is held, and no array grows large enough for the garbage
 * collector to treat it apart. A doubling array of a million entries is allocated and cleared again
 * at every doubling, and copied; under G1 each such array of more than half a heap region is a
 * humongous object, cleared in one go by the thread that grows it. The first page starts small and
 * doubles up to a full page, so a small store stays small.
 *
 * <p>Not thread-safe: the store calls it under its lock.
 */
final class Paged {
  static final int SHIFT = 12;

  /** Elements in a full page. */
  static final int PAGE = 1 << SHIFT;

  private static final int MASK = PAGE - 1;
  private static final int FIRST = 16;

  private Paged() {}

  /** The number of pages that hold {@code n} elements. */
  private static int pagesFor(int n) {
    return (n + MASK) >>> SHIFT;
  }

  /** A growable array of longs. */
  static final class Longs {
    private long[][] pages = {new long[FIRST]};
    private int size;

    int size() {
      return size;
    }

    long get(int i) {
      return pages[i >>> SHIFT][i & MASK];
    }

    void set(int i, long v) {
      pages[i >>> SHIFT][i & MASK] = v;
    }

    void add(long v) {
      int p = size >>> SHIFT;
      if (p == 0) {
        if (size == pages[0].length) {
          pages[0] = Arrays.copyOf(pages[0], size * 2);
        }
      } else {
        if (p == pages.length) {
          pages = Arrays.copyOf(pages, p * 2);
        }
        if (pages[p] == null) {
          pages[p] = new long[PAGE];
        }
      }
      pages[p][size & MASK] = v;
      size++;
    }

    /**
     * Where {@code key} is in {@code [0, size)}, which must be sorted ascending: as {@link
     * Arrays#binarySearch(long[], long)} answers, its index, or {@code -(insertion point) - 1}.
     */
    int search(long key) {
      int lo = 0;
      int hi = size - 1;
      while (lo <= hi) {
        int mid = (lo + hi) >>> 1;
        long v = get(mid);
        if (v < key) {
          lo = mid + 1;
        } else if (v > key) {
          hi = mid - 1;
        } else {
          return mid;
        }
      }
      return -(lo + 1);
    }

    /** Keeps the first {@code n} elements and lets the pages past them go. */
    void truncate(int n) {
      size = n;
      Arrays.fill(pages, Math.max(1, pagesFor(n)), pages.length, null);
    }
  }

  /** A growable array of ints. */
  static final class Ints {
    private int[][] pages = {new int[FIRST]};
    private int size;

    int size() {
      return size;
    }

    int get(int i) {
      return pages[i >>> SHIFT][i & MASK];
    }

    void set(int i, int v) {
      pages[i >>> SHIFT][i & MASK] = v;
    }

    void add(int v) {
      int p = size >>> SHIFT;
      if (p == 0) {
        if (size == pages[0].length) {
          pages[0] = Arrays.copyOf(pages[0], size * 2);
        }
      } else {
        if (p == pages.length) {
          pages = Arrays.copyOf(pages, p * 2);
        }
        if (pages[p] == null) {
          pages[p] = new int[PAGE];
        }
      }
      pages[p][size & MASK] = v;
      size++;
    }

    /** Keeps the first {@code n} elements and lets the pages past them go. */
    void truncate(int n) {
      size = n;
      Arrays.fill(pages, Math.max(1, pagesFor(n)), pages.length, null);
    }
  }
}
