package io.syncline.engine.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.syncline.spi.ConflictResolver;
import io.syncline.spi.Payload;
import io.syncline.spi.SyncRecord;
import io.syncline.spi.Version;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Field-level merge of JSON objects: every top-level field carries the version of the write that
 * last changed it (kept in the record's metadata), and a merge takes each field from the side that
 * changed it last. Two replicas that edit different fields of one record therefore both keep their
 * edits. Deletions, and payloads that are not JSON objects, fall back to last-writer-wins.
 *
 * <p>The merge is deterministic and symmetric: merged objects list fields in name order, whichever
 * side is local. Thread-safe.
 */
public final class FieldMerge implements ConflictResolver {
  private final ObjectMapper mapper;

  public FieldMerge(ObjectMapper mapper) {
    this.mapper = Objects.requireNonNull(mapper, "mapper == null");
  }

  @Override
  public Resolution resolve(SyncRecord local, SyncRecord remote) {
    ObjectNode l = local.deleted() ? null : Json.readObject(mapper, local.payload());
    ObjectNode r = remote.deleted() ? null : Json.readObject(mapper, remote.payload());
    if (l == null || r == null) {
      return LastWriterWins.INSTANCE.resolve(local, remote);
    }
    Map<String, Version> lc = clocks(local, l);
    Map<String, Version> rc = clocks(remote, r);
    TreeSet<String> fields = new TreeSet<>(lc.keySet());
    fields.addAll(rc.keySet());
    ObjectNode merged = mapper.createObjectNode();
    TreeMap<String, Version> mc = new TreeMap<>();
    for (String f : fields) {
      Version a = lc.get(f);
      Version b = rc.get(f);
      boolean takeLocal = b == null || (a != null && a.compareTo(b) >= 0);
      ObjectNode side = takeLocal ? l : r;
      mc.put(f, takeLocal ? a : b);
      if (side.has(f)) {
        merged.set(f, side.get(f));
      }
    }
    if (merged.equals(r) && mc.equals(rc)) {
      return new KeepRemote();
    }
    if (merged.equals(l) && mc.equals(lc)) {
      return new KeepLocal();
    }
    return new Merged(false, Json.write(mapper, merged), encode(mc));
  }

  @Override
  public Payload metaForLocalWrite(SyncRecord previous, SyncRecord next) {
    if (next.deleted()) {
      return Payload.EMPTY;
    }
    ObjectNode n = Json.readObject(mapper, next.payload());
    if (n == null) {
      return Payload.EMPTY;
    }
    ObjectNode p =
        previous == null || previous.deleted() ? null : Json.readObject(mapper, previous.payload());
    TreeMap<String, Version> out = new TreeMap<>();
    if (p == null) {
      for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
        out.put(it.next(), next.version());
      }
      return encode(out);
    }
    Map<String, Version> pc = clocks(previous, p);
    TreeSet<String> fields = new TreeSet<>(pc.keySet());
    n.fieldNames().forEachRemaining(fields::add);
    for (String f : fields) {
      boolean unchanged = Objects.equals(n.get(f), p.get(f));
      out.put(f, unchanged && pc.containsKey(f) ? pc.get(f) : next.version());
    }
    return encode(out);
  }

  /**
   * The field clocks of a record: those in its metadata, and the record's own version for every
   * present field the metadata does not name.
   */
  private Map<String, Version> clocks(SyncRecord record, ObjectNode payload) {
    TreeMap<String, Version> out = new TreeMap<>(decode(record.meta()));
    for (Iterator<String> it = payload.fieldNames(); it.hasNext(); ) {
      out.putIfAbsent(it.next(), record.version());
    }
    return out;
  }

  private Payload encode(Map<String, Version> clocks) {
    ObjectNode root = mapper.createObjectNode();
    for (Map.Entry<String, Version> e : clocks.entrySet()) {
      ArrayNode a = root.putArray(e.getKey());
      a.add(e.getValue().stamp());
      a.add(e.getValue().replicaId());
    }
    return Json.write(mapper, root);
  }

  private Map<String, Version> decode(Payload meta) {
    TreeMap<String, Version> out = new TreeMap<>();
    ObjectNode root = Json.readObject(mapper, meta);
    if (root == null) {
      return out;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode v = e.getValue();
      if (v.isArray() && v.size() == 2 && v.get(0).canConvertToLong() && v.get(1).isTextual()) {
        try {
          out.put(e.getKey(), new Version(v.get(0).asLong(), v.get(1).asText()));
        } catch (IllegalArgumentException ignored) {
          // A malformed clock counts as absent; the record's version stands in for it.
        }
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return "FieldMerge";
  }
}
