package io.syncline.engine.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.syncline.spi.Payload;
import java.io.IOException;

/** JSON helpers on payloads. */
public final class Json {
  private Json() {}

  /** The payload as a JSON object, or null if it is not one. */
  public static ObjectNode readObject(ObjectMapper mapper, Payload payload) {
    if (payload.isEmpty()) {
      return null;
    }
    try {
      JsonNode node = mapper.readTree(payload.newInputStream());
      return node instanceof ObjectNode ? (ObjectNode) node : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** {@code node} encoded as a payload. */
  public static Payload write(ObjectMapper mapper, JsonNode node) {
    try {
      return Payload.wrap(mapper.writeValueAsBytes(node));
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode JSON", e);
    }
  }
}
