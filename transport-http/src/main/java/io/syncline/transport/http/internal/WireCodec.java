package io.syncline.transport.http.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.SerializedString;
import io.syncline.spi.Change;
import io.syncline.spi.FeedPage;
import io.syncline.spi.HandshakeRequest;
import io.syncline.spi.HandshakeResponse;
import io.syncline.spi.Outcome;
import io.syncline.spi.Payload;
import io.syncline.spi.PushRequest;
import io.syncline.spi.RecordId;
import io.syncline.spi.SyncRecord;
import io.syncline.spi.Version;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Encodes and decodes the JSON bodies of the HTTP protocol (docs/http-protocol.md) with Jackson's
 * streaming API. Payloads are embedded as JSON values byte for byte (their exact span of the input
 * is kept), or as base64 when they are not embeddable JSON.
 *
 * <p>Decoding is strict: the root must be one object, every known field has one type, numbers must
 * fit their range, duplicate fields and trailing content are refused, and the factory's {@link
 * StreamReadConstraints} bound nesting depth, number length and document size. Unknown fields are
 * skipped (forward compatibility). Every refusal is a {@link WireException} naming the field.
 *
 * <p>Thread-safe.
 */
public final class WireCodec {
  /** The largest integer a JavaScript client can hold exactly: 2^53 - 1. */
  public static final long MAX_SAFE_INTEGER = (1L << 53) - 1;

  private static final JsonFactory WRITER = new JsonFactory();
  private static final SerializedString PAYLOAD = new SerializedString("payload");
  private static final SerializedString META = new SerializedString("meta");

  private final JsonFactory factory;

  /**
   * A codec whose decoder refuses documents nested deeper than {@code maxNestingDepth}, numbers
   * longer than {@code maxNumberLength} characters, and documents over {@code maxDocumentBytes}.
   */
  public WireCodec(int maxNestingDepth, int maxNumberLength, long maxDocumentBytes) {
    this.factory =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxNestingDepth(maxNestingDepth)
                    .maxNumberLength(maxNumberLength)
                    .maxStringLength((int) Math.min(Integer.MAX_VALUE, maxDocumentBytes))
                    .maxDocumentLength(maxDocumentBytes)
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
  }

  // ---- encoding ----

  private interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  private static byte[] encode(Body body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = WRITER.createGenerator(out)) {
      body.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  public static byte[] encodeHandshakeRequest(HandshakeRequest r) {
    return encode(
        g -> {
          g.writeStartObject();
          g.writeNumberField("protocolVersion", r.protocolVersion());
          g.writeStringField("replicaId", r.replicaId());
          g.writeStringField("epoch", r.epoch());
          g.writeEndObject();
        });
  }

  public static byte[] encodeHandshakeResponse(HandshakeResponse r) {
    return encode(
        g -> {
          g.writeStartObject();
          g.writeNumberField("protocolVersion", r.protocolVersion());
          g.writeStringField("replicaId", r.replicaId());
          g.writeStringField("epoch", r.epoch());
          g.writeNumberField("headSeq", r.headSeq());
          g.writeNumberField("maxBatchChanges", r.maxBatchChanges());
          g.writeNumberField("maxBatchBytes", r.maxBatchBytes());
          g.writeEndObject();
        });
  }

  public static byte[] encodePushRequest(PushRequest r) {
    return encode(
        g -> {
          g.writeStartObject();
          g.writeStringField("senderId", r.senderId());
          g.writeStringField("scope", r.scope());
          g.writeStringField("batchId", r.batchId());
          g.writeArrayFieldStart("changes");
          for (Change c : r.changes()) {
            writeChange(g, c);
          }
          g.writeEndArray();
          g.writeEndObject();
        });
  }

  public static byte[] encodePushSuccess() {
    return encode(
        g -> {
          g.writeStartObject();
          g.writeStringField("outcome", "success");
          g.writeEndObject();
        });
  }

  public static byte[] encodePage(FeedPage page) {
    return encode(
        g -> {
          g.writeStartObject();
          g.writeArrayFieldStart("changes");
          for (Change c : page.changes()) {
            writeChange(g, c);
          }
          g.writeEndArray();
          g.writeNumberField("nextCursor", page.nextCursor());
          g.writeBooleanField("hasMore", page.hasMore());
          g.writeEndObject();
        });
  }

  /**
   * An error body. {@code maxChanges} is written when positive, {@code retryAfterSeconds} when not
   * negative.
   */
  public static byte[] encodeError(
      String code,
      String message,
      List<Outcome.Rejection> rejections,
      int maxChanges,
      long retryAfterSeconds) {
    return encode(
        g -> {
          g.writeStartObject();
          g.writeObjectFieldStart("error");
          g.writeStringField("code", code);
          g.writeStringField("message", message);
          if (!rejections.isEmpty()) {
            g.writeArrayFieldStart("rejections");
            for (Outcome.Rejection r : rejections) {
              g.writeStartObject();
              g.writeStringField("collection", r.id().collection());
              g.writeStringField("key", r.id().key());
              writeVersion(g, r.version());
              g.writeStringField("code", r.code());
              g.writeStringField("reason", r.reason());
              g.writeEndObject();
            }
            g.writeEndArray();
          }
          if (maxChanges > 0) {
            g.writeNumberField("maxChanges", maxChanges);
          }
          if (retryAfterSeconds >= 0) {
            g.writeNumberField("retryAfterSeconds", retryAfterSeconds);
          }
          g.writeEndObject();
          g.writeEndObject();
        });
  }

  private static void writeChange(JsonGenerator g, Change c) throws IOException {
    SyncRecord r = c.record();
    g.writeStartObject();
    g.writeNumberField("seq", c.seq());
    g.writeStringField("collection", r.id().collection());
    g.writeStringField("key", r.id().key());
    writeVersion(g, r.version());
    if (r.deleted()) {
      g.writeBooleanField("deleted", true);
    } else {
      writePayload(g, PAYLOAD, "payloadBase64", r.payload());
    }
    if (!r.meta().isEmpty()) {
      writePayload(g, META, "metaBase64", r.meta());
    }
    g.writeEndObject();
  }

  private static void writeVersion(JsonGenerator g, Version v) throws IOException {
    g.writeObjectFieldStart("version");
    // A string: stamps exceed 2^53, which JavaScript numbers cannot hold exactly.
    g.writeStringField("stamp", Long.toString(v.stamp()));
    g.writeStringField("replicaId", v.replicaId());
    g.writeEndObject();
  }

  private static void writePayload(
      JsonGenerator g, SerializedString rawName, String base64Name, Payload p) throws IOException {
    if (RawJson.embeddable(p)) {
      g.writeFieldName(rawName);
      g.writeRawValue(new RawJson(p.toByteArray()));
    } else {
      g.writeStringField(base64Name, Base64.getEncoder().encodeToString(p.toByteArray()));
    }
  }

  // ---- decoding ----

  private interface Reading<T> {
    T read(Reader r) throws IOException, WireException;
  }

  private <T> T decode(byte[] body, String what, Reading<T> reading) throws WireException {
    if (body.length == 0) {
      throw WireException.badJson("empty body: expected " + what + " as a JSON object");
    }
    try (JsonParser p = factory.createParser(body)) {
      Reader r = new Reader(p, body);
      p.nextToken();
      T value = reading.read(r);
      if (p.nextToken() != null) {
        throw WireException.badJson("unexpected content after the JSON object");
      }
      return value;
    } catch (StreamConstraintsException e) {
      throw WireException.badJson("body exceeds a JSON limit: " + e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      String where =
          e.getLocation() == null
              ? ""
              : " at line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr();
      throw WireException.badJson("malformed JSON" + where + ": " + e.getOriginalMessage());
    } catch (IOException e) {
      throw WireException.badJson("unreadable JSON: " + e.getMessage());
    } catch (IllegalArgumentException | NullPointerException e) {
      throw WireException.badRequest(e.getMessage());
    }
  }

  public HandshakeRequest decodeHandshakeRequest(byte[] body) throws WireException {
    return decode(
        body,
        "a handshake",
        r -> {
          r.startObject("");
          Integer version = null;
          String replicaId = null;
          String epoch = null;
          String name;
          while ((name = r.nextField()) != null) {
            switch (name) {
              case "protocolVersion" -> version = r.intValue(name, 1, Integer.MAX_VALUE);
              case "replicaId" -> replicaId = r.string(name);
              case "epoch" -> epoch = r.string(name);
              default -> r.skip();
            }
          }
          return new HandshakeRequest(
              require(version, "protocolVersion"),
              require(replicaId, "replicaId"),
              require(epoch, "epoch"));
        });
  }

  public HandshakeResponse decodeHandshakeResponse(byte[] body) throws WireException {
    return decode(
        body,
        "a handshake response",
        r -> {
          r.startObject("");
          Integer version = null;
          String replicaId = null;
          String epoch = null;
          Long head = null;
          Integer maxChanges = null;
          Long maxBytes = null;
          String name;
          while ((name = r.nextField()) != null) {
            switch (name) {
              case "protocolVersion" -> version = r.intValue(name, 1, Integer.MAX_VALUE);
              case "replicaId" -> replicaId = r.string(name);
              case "epoch" -> epoch = r.string(name);
              case "headSeq" -> head = r.longValue(name, 0, Long.MAX_VALUE);
              case "maxBatchChanges" -> maxChanges = r.intValue(name, 1, Integer.MAX_VALUE);
              case "maxBatchBytes" -> maxBytes = r.longValue(name, 1, Long.MAX_VALUE);
              default -> r.skip();
            }
          }
          return new HandshakeResponse(
              require(version, "protocolVersion"),
              require(replicaId, "replicaId"),
              require(epoch, "epoch"),
              require(head, "headSeq"),
              require(maxChanges, "maxBatchChanges"),
              require(maxBytes, "maxBatchBytes"));
        });
  }

  public PushRequest decodePushRequest(byte[] body) throws WireException {
    return decode(
        body,
        "a push",
        r -> {
          r.startObject("");
          String senderId = null;
          String scope = null;
          String batchId = null;
          List<RawChange> raw = null;
          String name;
          while ((name = r.nextField()) != null) {
            switch (name) {
              case "senderId" -> senderId = r.string(name);
              case "scope" -> scope = r.string(name);
              case "batchId" -> batchId = r.string(name);
              case "changes" -> raw = readChanges(r, false);
              default -> r.skip();
            }
          }
          String s = SyncRecord.checkScope(require(scope, "scope"));
          return new PushRequest(
              require(senderId, "senderId"),
              s,
              require(batchId, "batchId"),
              toChanges(require(raw, "changes"), s));
        });
  }

  /** Decodes a page of {@code scope}'s feed (the answer to a pull or a live poll). */
  public FeedPage decodePage(byte[] body, String scope) throws WireException {
    return decode(
        body,
        "a page",
        r -> {
          r.startObject("");
          List<RawChange> raw = null;
          Long next = null;
          Boolean more = null;
          String name;
          while ((name = r.nextField()) != null) {
            switch (name) {
              case "changes" -> raw = readChanges(r, true);
              case "nextCursor" -> next = r.longValue(name, 0, Long.MAX_VALUE);
              case "hasMore" -> more = r.bool(name);
              default -> r.skip();
            }
          }
          return new FeedPage(
              toChanges(require(raw, "changes"), scope),
              require(next, "nextCursor"),
              require(more, "hasMore"));
        });
  }

  /** The decoded {@code error} object of an error body. */
  public record ErrorBody(
      String code, String message, List<Outcome.Rejection> rejections, int maxChanges) {}

  /** Decodes an error body, or returns null if {@code body} is not one (a proxy's HTML page). */
  public ErrorBody decodeError(byte[] body) {
    try {
      return decode(
          body,
          "an error",
          r -> {
            r.startObject("");
            ErrorBody out = null;
            String name;
            while ((name = r.nextField()) != null) {
              if (name.equals("error")) {
                out = readError(r);
              } else {
                r.skip();
              }
            }
            return out;
          });
    } catch (WireException e) {
      return null;
    }
  }

  private static ErrorBody readError(Reader r) throws IOException, WireException {
    r.startObject("error");
    String code = "";
    String message = "";
    List<Outcome.Rejection> rejections = new ArrayList<>();
    int maxChanges = 0;
    String name;
    while ((name = r.nextField()) != null) {
      switch (name) {
        case "code" -> code = r.string("error.code");
        case "message" -> message = r.string("error.message");
        case "maxChanges" -> maxChanges = r.intValue("error.maxChanges", 0, Integer.MAX_VALUE);
        case "rejections" -> {
          r.startArray("error.rejections");
          while (r.next() != JsonToken.END_ARRAY) {
            rejections.add(readRejection(r));
          }
        }
        default -> r.skip();
      }
    }
    return new ErrorBody(code, message, rejections, maxChanges);
  }

  private static Outcome.Rejection readRejection(Reader r) throws IOException, WireException {
    r.startObject("error.rejections[]");
    String collection = null;
    String key = null;
    Version version = null;
    String code = null;
    String reason = "";
    String name;
    while ((name = r.nextField()) != null) {
      switch (name) {
        case "collection" -> collection = r.string(name);
        case "key" -> key = r.string(name);
        case "version" -> version = readVersion(r, "version");
        case "code" -> code = r.string(name);
        case "reason" -> reason = r.string(name);
        default -> r.skip();
      }
    }
    return new Outcome.Rejection(
        new RecordId(require(collection, "collection"), require(key, "key")),
        require(version, "version"),
        require(code, "code"),
        reason);
  }

  /** A change as read, before its scope is known. */
  private record RawChange(
      long seq,
      String collection,
      String key,
      Version version,
      boolean deleted,
      byte[] payload,
      byte[] meta,
      String path) {}

  private static List<RawChange> readChanges(Reader r, boolean seqRequired)
      throws IOException, WireException {
    r.startArray("changes");
    List<RawChange> out = new ArrayList<>();
    while (r.next() != JsonToken.END_ARRAY) {
      String path = "changes[" + out.size() + "]";
      r.startObject(path);
      Long seq = null;
      String collection = null;
      String key = null;
      Version version = null;
      boolean deleted = false;
      byte[] payload = null;
      byte[] meta = null;
      String name;
      while ((name = r.nextField()) != null) {
        String field = path + "." + name;
        switch (name) {
          case "seq" -> seq = r.longValue(field, 1, MAX_SAFE_INTEGER);
          case "collection" -> collection = r.string(field);
          case "key" -> key = r.string(field);
          case "version" -> version = readVersion(r, field);
          case "deleted" -> deleted = r.bool(field);
          case "payload" -> payload = once(payload, r.rawValue(), field);
          case "payloadBase64" -> payload = once(payload, r.base64(field), field);
          case "meta" -> meta = once(meta, r.rawValue(), field);
          case "metaBase64" -> meta = once(meta, r.base64(field), field);
          default -> r.skip();
        }
      }
      if (seq == null && seqRequired) {
        throw WireException.badRequest(path + ": missing field \"seq\"");
      }
      if (deleted && payload != null) {
        throw WireException.badRequest(path + ": a deleted record (tombstone) has no payload");
      }
      if (!deleted && payload == null) {
        throw WireException.badRequest(path + ": missing field \"payload\"");
      }
      out.add(
          new RawChange(
              seq == null ? out.size() + 1 : seq,
              require(collection, path + ".collection"),
              require(key, path + ".key"),
              require(version, path + ".version"),
              deleted,
              payload,
              meta,
              path));
    }
    return out;
  }

  private static byte[] once(byte[] previous, byte[] value, String field) throws WireException {
    if (previous != null) {
      throw WireException.badRequest(field + ": the value is given twice (raw and base64)");
    }
    return value;
  }

  private static List<Change> toChanges(List<RawChange> raw, String scope) throws WireException {
    List<Change> out = new ArrayList<>(raw.size());
    for (RawChange c : raw) {
      try {
        SyncRecord record =
            new SyncRecord(
                new RecordId(c.collection, c.key),
                scope,
                c.version,
                c.deleted,
                c.payload == null ? Payload.EMPTY : Payload.wrap(c.payload),
                c.meta == null ? Payload.EMPTY : Payload.wrap(c.meta));
        out.add(new Change(record, c.seq));
      } catch (IllegalArgumentException | NullPointerException e) {
        throw WireException.badRequest(c.path + ": " + e.getMessage());
      }
    }
    return out;
  }

  private static Version readVersion(Reader r, String path) throws IOException, WireException {
    r.startObject(path);
    Long stamp = null;
    String replicaId = null;
    String name;
    while ((name = r.nextField()) != null) {
      switch (name) {
        case "stamp" -> stamp = parseStamp(r.string(path + ".stamp"), path + ".stamp");
        case "replicaId" -> replicaId = r.string(path + ".replicaId");
        default -> r.skip();
      }
    }
    try {
      return new Version(require(stamp, path + ".stamp"), require(replicaId, path + ".replicaId"));
    } catch (IllegalArgumentException e) {
      throw WireException.badRequest(path + ": " + e.getMessage());
    }
  }

  private static long parseStamp(String s, String path) throws WireException {
    boolean digits = !s.isEmpty() && s.length() <= 19;
    for (int i = 0; digits && i < s.length(); i++) {
      char c = s.charAt(i);
      digits = c >= '0' && c <= '9';
    }
    if (digits) {
      try {
        return Long.parseLong(s);
      } catch (NumberFormatException e) {
        // falls through: 19 digits past Long.MAX_VALUE
      }
    }
    throw WireException.badRequest(
        path + " must be a string of decimal digits from 0 to " + Long.MAX_VALUE);
  }

  private static <T> T require(T value, String field) throws WireException {
    if (value == null) {
      throw WireException.badRequest("missing field \"" + field + "\"");
    }
    return value;
  }

  /** Typed reads with errors that name the field. The parser sits on the current value. */
  private static final class Reader {
    private final JsonParser p;
    private final byte[] body;

    Reader(JsonParser p, byte[] body) {
      this.p = p;
      this.body = body;
    }

    JsonToken next() throws IOException {
      return p.nextToken();
    }

    void startObject(String path) throws WireException {
      if (p.currentToken() != JsonToken.START_OBJECT) {
        throw WireException.badRequest(
            (path.isEmpty() ? "the body" : path) + " must be a JSON object");
      }
    }

    void startArray(String path) throws WireException {
      if (p.currentToken() != JsonToken.START_ARRAY) {
        throw WireException.badRequest(path + " must be an array");
      }
    }

    /** The next field's name with the parser on its value, or null at the object's end. */
    String nextField() throws IOException {
      if (p.nextToken() != JsonToken.FIELD_NAME) {
        return null;
      }
      String name = p.currentName();
      p.nextToken();
      return name;
    }

    void skip() throws IOException {
      p.skipChildren();
    }

    String string(String path) throws IOException, WireException {
      if (p.currentToken() != JsonToken.VALUE_STRING) {
        throw WireException.badRequest(path + " must be a string");
      }
      return p.getText();
    }

    boolean bool(String path) throws WireException {
      JsonToken t = p.currentToken();
      if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
        throw WireException.badRequest(path + " must be true or false");
      }
      return t == JsonToken.VALUE_TRUE;
    }

    long longValue(String path, long min, long max) throws IOException, WireException {
      if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
        throw WireException.badRequest(path + " must be an integer");
      }
      JsonParser.NumberType type = p.getNumberType();
      if (type != JsonParser.NumberType.INT && type != JsonParser.NumberType.LONG) {
        throw WireException.badRequest(path + " is out of range [" + min + ", " + max + "]");
      }
      long v = p.getLongValue();
      if (v < min || v > max) {
        throw WireException.badRequest(path + " is out of range [" + min + ", " + max + "]: " + v);
      }
      return v;
    }

    int intValue(String path, int min, int max) throws IOException, WireException {
      return (int) longValue(path, min, max);
    }

    /** The exact bytes of the current value, which the parse has checked to be well-formed. */
    byte[] rawValue() throws IOException {
      long start = p.currentTokenLocation().getByteOffset();
      if (p.currentToken().isStructStart()) {
        p.skipChildren();
      } else {
        p.finishToken();
      }
      long end = p.currentLocation().getByteOffset();
      byte[] out = new byte[(int) (end - start)];
      System.arraycopy(body, (int) start, out, 0, out.length);
      return out;
    }

    byte[] base64(String path) throws IOException, WireException {
      String s = string(path);
      try {
        return Base64.getDecoder().decode(s);
      } catch (IllegalArgumentException e) {
        throw WireException.badRequest(path + " is not valid base64");
      }
    }
  }
}
