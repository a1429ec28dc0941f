package io.syncline.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.reactivex.rxjava3.core.Observable;
import io.syncline.engine.internal.Replica;
import io.syncline.spi.Payload;
import io.syncline.spi.RecordId;
import io.syncline.spi.StoredRecord;
import io.syncline.spi.SyncException;
import io.syncline.spi.Version;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The records of one collection in one scope, as objects of type {@code T} mapped to JSON by
 * Jackson. Obtain one from {@link SyncEngine#collection(String, Class)}.
 *
 * <pre>{@code
 * SyncCollection<Contact> contacts = engine.collection("contacts", Contact.class);
 * contacts.put("ada", new Contact("Ada Lovelace", "+44 20 7946 0000"));
 * Optional<Contact> ada = contacts.get("ada");
 * }</pre>
 *
 * <p>Thread-safe. Reads and writes block on the store; call them off a UI thread when the store is
 * on disk.
 *
 * @param <T> the type records map to
 */
public final class SyncCollection<T> {

  /**
   * A record of the collection.
   *
   * @param key the record's key
   * @param value the record, mapped to {@code T}
   * @param version its current version
   * @param <T> the type records map to
   */
  public record Item<T>(String key, T value, Version version) {}

  private final SyncEngine engine;
  private final String name;
  private final String scope;
  private final Class<T> type;
  private final ObjectMapper mapper;

  SyncCollection(SyncEngine engine, String name, String scope, Class<T> type, ObjectMapper mapper) {
    this.engine = engine;
    this.name = name;
    this.scope = scope;
    this.type = type;
    this.mapper = mapper;
  }

  /** The collection's name. */
  public String name() {
    return name;
  }

  /** The scope this handle writes to. */
  public String scope() {
    return scope;
  }

  /**
   * Stores {@code value} under {@code key} with a new version; it is pushed at the next sync.
   *
   * @throws IllegalArgumentException if the key is invalid or the value cannot be mapped to JSON
   * @throws SyncException if the record is too large or the store fails
   */
  public WriteReceipt put(String key, T value) {
    Objects.requireNonNull(value, "value == null");
    byte[] json;
    try {
      json = mapper.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new IllegalArgumentException("value cannot be mapped to JSON: " + e.getMessage(), e);
    }
    return engine.write(RecordId.of(name, key), scope, false, Payload.wrap(json));
  }

  /**
   * Stores several values in one store transaction: one commit (and, on disk, one sync) for all of
   * them, which is much faster than one {@link #put} each. Every value is checked first; one that
   * cannot be mapped or is too large refuses the whole call and nothing is written.
   *
   * @return a receipt per value, in key order
   */
  public List<WriteReceipt> putAll(Map<String, ? extends T> values) {
    Objects.requireNonNull(values, "values == null");
    List<Replica.LocalWrite> writes = new ArrayList<>(values.size());
    for (Map.Entry<String, ? extends T> e : new TreeMap<>(values).entrySet()) {
      Objects.requireNonNull(e.getValue(), "value for " + e.getKey() + " == null");
      byte[] json;
      try {
        json = mapper.writeValueAsBytes(e.getValue());
      } catch (IOException ex) {
        throw new IllegalArgumentException(
            "value for " + e.getKey() + " cannot be mapped to JSON: " + ex.getMessage(), ex);
      }
      writes.add(
          new Replica.LocalWrite(RecordId.of(name, e.getKey()), scope, false, Payload.wrap(json)));
    }
    return engine.writeAll(writes);
  }

  /**
   * Stores a JSON document given as text under {@code key}.
   *
   * @throws SyncException with {@link SyncException.Code#INVALID_ARGUMENT} if it is not well-formed
   *     JSON
   */
  public WriteReceipt putJson(String key, String json) {
    Objects.requireNonNull(json, "json == null");
    return engine.write(RecordId.of(name, key), scope, false, Payload.utf8(json));
  }

  /** Deletes the record under {@code key}; the delete is synced as a tombstone. */
  public WriteReceipt delete(String key) {
    return engine.write(RecordId.of(name, key), scope, true, Payload.EMPTY);
  }

  /** The record under {@code key}, or empty if there is none or it was deleted. */
  public Optional<T> get(String key) {
    return engine
        .store()
        .get(RecordId.of(name, key))
        .filter(r -> !r.record().deleted())
        .map(r -> decode(r.record().payload()));
  }

  /** Up to {@code limit} records in key order after {@code afterKey} (null: from the first). */
  public List<Item<T>> list(String afterKey, int limit) {
    List<Item<T>> out = new ArrayList<>();
    for (StoredRecord r : engine.store().list(name, afterKey, limit, false)) {
      out.add(
          new Item<>(r.record().id().key(), decode(r.record().payload()), r.record().version()));
    }
    return out;
  }

  /** Every record of the collection, in key order. */
  public List<Item<T>> all() {
    return query(value -> true);
  }

  /**
   * The records for which {@code filter} holds, in key order. Scans the collection page by page;
   * for large collections, keep an index of your own.
   */
  public List<Item<T>> query(Predicate<? super T> filter) {
    Objects.requireNonNull(filter, "filter == null");
    List<Item<T>> out = new ArrayList<>();
    String after = null;
    while (true) {
      List<Item<T>> page = list(after, 500);
      for (Item<T> item : page) {
        if (filter.test(item.value())) {
          out.add(item);
        }
      }
      if (page.size() < 500) {
        return out;
      }
      after = page.get(page.size() - 1).key();
    }
  }

  /** Where the record under {@code key} stands in syncing. */
  public RecordState stateOf(String key) {
    return engine.stateOf(RecordId.of(name, key));
  }

  /**
   * Changes of this collection's records as they are stored, local and remote.
   *
   * <p><b>Scheduler:</b> emits on the thread that stored the change. <b>Backpressure:</b> none (an
   * {@code Observable}); use {@code toFlowable} with a strategy for slow consumers. <b>Errors:</b>
   * never; completes when the engine closes.
   */
  public Observable<RecordEvent> changes() {
    return engine.changes().filter(e -> e.id().collection().equals(name));
  }

  private T decode(Payload payload) {
    try {
      if (type == JsonNode.class) {
        return type.cast(mapper.readTree(payload.newInputStream()));
      }
      return mapper.readValue(payload.newInputStream(), type);
    } catch (IOException e) {
      throw new SyncException(
          SyncException.Code.INVALID_ARGUMENT,
          "record of " + name + " cannot be read as " + type.getSimpleName() + ": " + e,
          e);
    }
  }

  @Override
  public String toString() {
    return "SyncCollection{" + name + " in " + scope + " as " + type.getSimpleName() + "}";
  }
}
