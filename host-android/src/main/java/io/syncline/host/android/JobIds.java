package io.syncline.host.android;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Assigns platform job ids to job keys (work names), stably: a key hashes (FNV-1a over its UTF-8
 * bytes) to a slot of the id range, the same slot in every process and after every reboot. When the
 * slot is taken by another key, or by a job that is not ours, the next slot is tried (linear
 * probing, wrapping around the range). A key that already has a pending job keeps that job's id,
 * whatever its hash says, so that an id once given survives later collisions and cancellations.
 *
 * <p>Thread-compatible: the scheduler calls it under its lock.
 */
final class JobIds {
  private final int first;
  private final long size;
  private final Map<String, Integer> byKey = new HashMap<>();
  private final Map<Integer, String> byId = new HashMap<>();

  JobIds(int first, int last) {
    if (first < 0 || last < first) {
      throw new IllegalArgumentException("job id range [" + first + ", " + last + "] is empty");
    }
    this.first = first;
    this.size = (long) last - first + 1;
  }

  /** Records that the platform holds a job of ours for {@code key} under {@code id}. */
  void remember(String key, int id) {
    byKey.put(key, id);
    byId.put(id, key);
  }

  /** The id of {@code key} if it has one already, else -1. */
  int known(String key) {
    Integer id = byKey.get(key);
    return id == null ? -1 : id;
  }

  /**
   * The id of {@code key}: the one it has, or the first free slot of its probe sequence. {@code
   * pendingKey} tells, for an id, the key of the pending job there: null when no job is pending,
   * {@code ""} when a job that is not ours is.
   *
   * @throws IllegalStateException when every id of the range is taken
   */
  int idFor(String key, Function<Integer, String> pendingKey) {
    int id = known(key);
    if (id >= 0) {
      return id;
    }
    long start = Integer.toUnsignedLong(hash(key)) % size;
    for (long i = 0; i < size; i++) {
      int candidate = (int) (first + (start + i) % size);
      if (byId.containsKey(candidate)) {
        continue; // another key of ours holds it (pending or not: ids are kept per process)
      }
      String there = pendingKey.apply(candidate);
      if (there == null) {
        remember(key, candidate);
        return candidate;
      }
      if (!there.isEmpty()) {
        remember(there, candidate); // ours, learned late
        if (there.equals(key)) {
          return candidate;
        }
      }
    }
    throw new IllegalStateException(
        "no free job id in ["
            + first
            + ", "
            + (first + size - 1)
            + "] for "
            + key
            + "; widen jobIdRange");
  }

  /** FNV-1a, 32 bits, over the UTF-8 bytes: stable across processes, devices and releases. */
  static int hash(String key) {
    int h = 0x811c9dc5;
    for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x01000193;
    }
    return h;
  }
}
