package io.syncline.testkit;

import io.syncline.spi.ApplyResult;
import io.syncline.spi.Checkpoint;
import io.syncline.spi.FeedPage;
import io.syncline.spi.QuarantinedChange;
import io.syncline.spi.RecordId;
import io.syncline.spi.StoredRecord;
import io.syncline.spi.SyncStore;
import io.syncline.spi.WriteSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link SyncStore} that forwards every call to another; subclasses override what they change,
 * for example to inject a failure or plant a bug in a test.
 *
 * <pre>{@code
 * SyncStore failing = new ForwardingStore(new MemoryStore()) {
 *   @Override public ApplyResult apply(WriteSet ws) {
 *     throw new SyncException(SyncException.Code.STORE_FAILURE, "disk full");
 *   }
 * };
 * }</pre>
 *
 * <p>As thread-safe as the store it forwards to and the overrides.
 */
public class ForwardingStore implements SyncStore {
  /** The store calls go to. */
  protected final SyncStore delegate;

  /** Forwards to {@code delegate}. */
  public ForwardingStore(SyncStore delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate == null");
  }

  @Override
  public String epoch() {
    return delegate.epoch();
  }

  @Override
  public long headSeq() {
    return delegate.headSeq();
  }

  @Override
  public Optional<StoredRecord> get(RecordId id) {
    return delegate.get(id);
  }

  @Override
  public List<StoredRecord> list(
      String collection, String afterKey, int limit, boolean includeDeleted) {
    return delegate.list(collection, afterKey, limit, includeDeleted);
  }

  @Override
  public FeedPage readFeed(
      String scope, long afterSeq, int maxChanges, long maxBytes, String excludeSource) {
    return delegate.readFeed(scope, afterSeq, maxChanges, maxBytes, excludeSource);
  }

  @Override
  public ApplyResult apply(WriteSet writes) {
    return delegate.apply(writes);
  }

  @Override
  public Optional<Checkpoint> checkpoint(String peerId, String scope) {
    return delegate.checkpoint(peerId, scope);
  }

  @Override
  public List<QuarantinedChange> quarantine() {
    return delegate.quarantine();
  }

  @Override
  public Optional<String> property(String name) {
    return delegate.property(name);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
