package io.syncline.spi;

/**
 * The version of a record: a hybrid-logical-clock stamp and the id of the replica that wrote it.
 *
 * <p>The stamp packs wall-clock milliseconds in its upper 48 bits and a logical counter in its
 * lower 16 bits, so stamps compare like (millis, counter) pairs. Versions are totally ordered by
 * stamp, then replica id; every replica therefore picks the same winner between two versions
 * without coordination. Replica ids compare by UTF-16 code units, independent of locale.
 */
public record Version(long stamp, String replicaId) implements Comparable<Version> {
  private static final Checks.LastValid LAST_REPLICA = new Checks.LastValid();

  /** Bits of the stamp that hold the logical counter. */
  public static final int LOGICAL_BITS = 16;

  /** The largest logical counter a stamp can hold. */
  public static final int MAX_LOGICAL = (1 << LOGICAL_BITS) - 1;

  /** Validates: the stamp is not negative; the replica id is an identifier of up to 64 chars. */
  public Version {
    Checks.nonNegative(stamp, "stamp");
    Checks.identifier(replicaId, "replicaId", 64, LAST_REPLICA);
  }

  /** Builds a version from its wall-clock part, its logical counter and its replica. */
  public static Version of(long physicalMillis, int logical, String replicaId) {
    if (physicalMillis < 0 || physicalMillis >= (1L << (63 - LOGICAL_BITS))) {
      throw new IllegalArgumentException("physicalMillis out of range: " + physicalMillis);
    }
    if (logical < 0 || logical > MAX_LOGICAL) {
      throw new IllegalArgumentException("logical out of range: " + logical);
    }
    return new Version((physicalMillis << LOGICAL_BITS) | logical, replicaId);
  }

  /** The wall-clock part of the stamp, in milliseconds since the epoch. */
  public long physicalMillis() {
    return stamp >>> LOGICAL_BITS;
  }

  /** The logical counter of the stamp. */
  public int logical() {
    return (int) (stamp & MAX_LOGICAL);
  }

  /** Whether this version is strictly newer than {@code other} in the total order. */
  public boolean isNewerThan(Version other) {
    return compareTo(other) > 0;
  }

  @Override
  public int compareTo(Version o) {
    int c = Long.compare(stamp, o.stamp);
    return c != 0 ? c : replicaId.compareTo(o.replicaId);
  }

  @Override
  public String toString() {
    return physicalMillis() + "." + logical() + "@" + replicaId;
  }
}
