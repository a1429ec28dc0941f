package io.syncline.spi;

/**
 * A local change that a peer rejected, set aside so that the rest of the outbox keeps flowing. The
 * host can list it, fix the record and replay it, or discard it.
 *
 * @param id the store's id for this entry (positive), or 0 before the store assigned one
 * @param peerId the peer that rejected the change
 * @param record the record state that was rejected
 * @param code a short machine-readable reason from the peer (for example {@code PERMISSION_DENIED})
 * @param reason the peer's explanation, for a person
 * @param atMillis when the rejection was recorded, by the engine's clock
 */
public record QuarantinedChange(
    long id, String peerId, SyncRecord record, String code, String reason, long atMillis) {

  /** Validates every part. */
  public QuarantinedChange {
    Checks.nonNegative(id, "id");
    Checks.identifier(peerId, "peerId", 64);
    Checks.notNull(record, "record");
    Checks.notNull(code, "code");
    Checks.notNull(reason, "reason");
  }

  /** This entry with the id the store assigned. */
  public QuarantinedChange withId(long newId) {
    return new QuarantinedChange(newId, peerId, record, code, reason, atMillis);
  }
}
