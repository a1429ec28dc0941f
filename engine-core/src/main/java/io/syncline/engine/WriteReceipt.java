package io.syncline.engine;

import io.reactivex.rxjava3.core.Completable;
import io.syncline.spi.RecordId;
import io.syncline.spi.Version;
import java.util.Objects;

/**
 * The receipt of a local write: the version it got, and a way to learn when a peer has it.
 *
 * <p>Immutable and thread-safe.
 */
public final class WriteReceipt {
  private final RecordId id;
  private final Version version;
  private final Completable acknowledged;

  WriteReceipt(RecordId id, Version version, Completable acknowledged) {
    this.id = Objects.requireNonNull(id, "id == null");
    this.version = Objects.requireNonNull(version, "version == null");
    this.acknowledged = Objects.requireNonNull(acknowledged, "acknowledged == null");
  }

  /** The record written. */
  public RecordId id() {
    return id;
  }

  /** The version the write got. */
  public Version version() {
    return version;
  }

  /**
   * Completes when a peer holds this write or a newer state of the record: a peer acknowledged a
   * push of it, or sent a newer state.
   *
   * <p><b>Scheduler:</b> completes on the thread that records the acknowledgement (the engine's
   * sync thread), or on the subscribing thread if it already happened. <b>Errors:</b> {@link
   * io.syncline.spi.SyncException} if a peer rejected the write (it is then in the quarantine), or
   * with {@link io.syncline.spi.SyncException.Code#CLOSED} if the engine closes first. Nothing is
   * kept in memory for a receipt nobody subscribes to.
   */
  public Completable acknowledged() {
    return acknowledged;
  }

  @Override
  public String toString() {
    return "WriteReceipt{" + id + " v" + version + "}";
  }
}
