package io.syncline.spi;

/**
 * The state of one record at one version: its identity, the scope it lives in, its JSON payload and
 * whether it is deleted (a tombstone).
 *
 * <p>{@code meta} is engine metadata that stores and transports keep and carry unchanged, next to
 * the payload (for example the per-field versions a field-level merge needs); it is empty for most
 * records. A tombstone has an empty payload.
 *
 * @param id the record's collection and key
 * @param scope the partition the record lives in: the unit of replication and access
 * @param version the version that wrote this state
 * @param deleted whether this state is a tombstone
 * @param payload the JSON document; empty for a tombstone
 * @param meta engine metadata carried with the record; usually empty
 */
public record SyncRecord(
    RecordId id, String scope, Version version, boolean deleted, Payload payload, Payload meta) {

  private static final Checks.LastValid LAST_SCOPE = new Checks.LastValid();

  /** The longest scope name, in characters. */
  public static final int MAX_SCOPE_LENGTH = 128;

  /** Validates every part; a tombstone must have an empty payload. */
  public SyncRecord {
    Checks.notNull(id, "id");
    checkScope(scope);
    Checks.notNull(version, "version");
    Checks.notNull(payload, "payload");
    Checks.notNull(meta, "meta");
    if (deleted && !payload.isEmpty()) {
      throw new IllegalArgumentException("a tombstone has an empty payload: " + id);
    }
  }

  /** Validates a scope name: 1 to 128 characters of letters, digits and {@code _-.:@}. */
  public static String checkScope(String scope) {
    return Checks.identifier(scope, "scope", MAX_SCOPE_LENGTH, LAST_SCOPE);
  }

  /** A live record with no metadata. */
  public static SyncRecord live(RecordId id, String scope, Version version, Payload payload) {
    return new SyncRecord(id, scope, version, false, payload, Payload.EMPTY);
  }

  /** A tombstone: the record was deleted at {@code version}. */
  public static SyncRecord tombstone(RecordId id, String scope, Version version) {
    return new SyncRecord(id, scope, version, true, Payload.EMPTY, Payload.EMPTY);
  }

  /** This record with other metadata. */
  public SyncRecord withMeta(Payload newMeta) {
    return new SyncRecord(id, scope, version, deleted, payload, newMeta);
  }

  /** Whether this record holds the same scope, deletion, payload and metadata as {@code o}. */
  public boolean sameContentAs(SyncRecord o) {
    return scope.equals(o.scope)
        && deleted == o.deleted
        && payload.equals(o.payload)
        && meta.equals(o.meta);
  }

  /** An estimate of the bytes this record takes on the wire; used to bound batches. */
  public long approximateSize() {
    return 48L
        + id.collection().length()
        + id.key().length() * 2L
        + scope.length()
        + version.replicaId().length()
        + payload.size()
        + meta.size();
  }

  @Override
  public String toString() {
    return id + (deleted ? " (deleted)" : "") + " v" + version + " in " + scope;
  }
}
