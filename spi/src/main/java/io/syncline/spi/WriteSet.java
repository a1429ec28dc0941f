package io.syncline.spi;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything one store transaction applies: record writes, checkpoint updates, quarantine changes
 * and engine properties. A store applies a write set atomically: all of it, or none of it (see
 * {@link SyncStore#apply}).
 *
 * <p>Immutable; build one with {@link #builder()}.
 *
 * <pre>{@code
 * WriteSet ws = WriteSet.builder()
 *     .write(remoteRecord, "server")
 *     .checkpoint(cp.withPullCursor(page.nextCursor()))
 *     .build();
 * store.apply(ws);
 * }</pre>
 */
public final class WriteSet {

  /**
   * One record write.
   *
   * @param record the state to store if it is newer than the stored one
   * @param source the peer the state came from, or null for a local write
   */
  public record Write(SyncRecord record, String source) {
    private static final Checks.LastValid LAST_SOURCE = new Checks.LastValid();

    /** Validates: record non-null; source null or an identifier. */
    public Write {
      Checks.notNull(record, "record");
      if (source != null) {
        Checks.identifier(source, "source", 64, LAST_SOURCE);
      }
    }
  }

  private final List<Write> writes;
  private final List<Checkpoint> checkpoints;
  private final List<Checkpoint> checkpointResets;
  private final List<QuarantinedChange> quarantineAdds;
  private final List<Long> quarantineRemovals;
  private final Map<String, String> properties;

  private WriteSet(Builder b) {
    this.writes = Checks.immutableList(b.writes, "writes");
    this.checkpoints = Checks.immutableList(b.checkpoints, "checkpoints");
    this.checkpointResets = Checks.immutableList(b.checkpointResets, "checkpointResets");
    this.quarantineAdds = Checks.immutableList(b.quarantineAdds, "quarantineAdds");
    this.quarantineRemovals = Checks.immutableList(b.quarantineRemovals, "quarantineRemovals");
    this.properties = Collections.unmodifiableMap(new TreeMap<>(b.properties));
  }

  /** A new, empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** The record writes, in the order they are applied. */
  public List<Write> writes() {
    return writes;
  }

  /** Checkpoints to store; each must not move a cursor backwards under the same epoch. */
  public List<Checkpoint> checkpoints() {
    return checkpoints;
  }

  /** Checkpoints to store unconditionally (a resync after a peer's store changed). */
  public List<Checkpoint> checkpointResets() {
    return checkpointResets;
  }

  /** Rejected changes to quarantine; their ids are 0 and the store assigns new ones. */
  public List<QuarantinedChange> quarantineAdds() {
    return quarantineAdds;
  }

  /** Ids of quarantine entries to remove; removing an id that does not exist is a no-op. */
  public List<Long> quarantineRemovals() {
    return quarantineRemovals;
  }

  /** Engine properties to set, by name (for example a change source's scan token). */
  public Map<String, String> properties() {
    return properties;
  }

  /** Whether this write set changes nothing. */
  public boolean isEmpty() {
    return writes.isEmpty()
        && checkpoints.isEmpty()
        && checkpointResets.isEmpty()
        && quarantineAdds.isEmpty()
        && quarantineRemovals.isEmpty()
        && properties.isEmpty();
  }

  @Override
  public String toString() {
    return "WriteSet{writes="
        + writes.size()
        + ", checkpoints="
        + checkpoints
        + ", resets="
        + checkpointResets
        + ", quarantineAdds="
        + quarantineAdds.size()
        + ", quarantineRemovals="
        + quarantineRemovals
        + ", properties="
        + properties.keySet()
        + "}";
  }

  /** Builds a {@link WriteSet}. Not thread-safe. */
  public static final class Builder {
    private final List<Write> writes = new ArrayList<>();
    private final List<Checkpoint> checkpoints = new ArrayList<>();
    private final List<Checkpoint> checkpointResets = new ArrayList<>();
    private final List<QuarantinedChange> quarantineAdds = new ArrayList<>();
    private final List<Long> quarantineRemovals = new ArrayList<>();
    private final Map<String, String> properties = new TreeMap<>();

    private Builder() {}

    /** Adds a write of {@code record}; {@code source} is the peer it came from, null if local. */
    public Builder write(SyncRecord record, String source) {
      writes.add(new Write(record, source));
      return this;
    }

    /** Adds a checkpoint to store; it must not move a cursor backwards under the same epoch. */
    public Builder checkpoint(Checkpoint checkpoint) {
      checkpoints.add(Checks.notNull(checkpoint, "checkpoint"));
      return this;
    }

    /** Adds a checkpoint to store unconditionally, replacing the stored one. */
    public Builder resetCheckpoint(Checkpoint checkpoint) {
      checkpointResets.add(Checks.notNull(checkpoint, "checkpoint"));
      return this;
    }

    /** Adds a rejected change to the quarantine. */
    public Builder quarantine(QuarantinedChange change) {
      Checks.notNull(change, "change");
      if (change.id() != 0) {
        throw new IllegalArgumentException("a new quarantine entry has id 0, the store assigns it");
      }
      quarantineAdds.add(change);
      return this;
    }

    /** Removes a quarantine entry. */
    public Builder unquarantine(long id) {
      if (id <= 0) {
        throw new IllegalArgumentException("id <= 0: " + id);
      }
      quarantineRemovals.add(id);
      return this;
    }

    /**
     * Sets an engine property; names are identifiers of up to 256 characters, values at most 4096
     * characters.
     */
    public Builder property(String name, String value) {
      Checks.identifier(name, "name", 256);
      Checks.notNull(value, "value");
      if (value.length() > 4096) {
        throw new IllegalArgumentException("value longer than 4096 characters");
      }
      properties.put(name, value);
      return this;
    }

    /** The write set. */
    public WriteSet build() {
      return new WriteSet(this);
    }
  }
}
