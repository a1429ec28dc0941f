package io.syncline.transport.http.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.syncline.spi.Change;
import io.syncline.spi.FeedPage;
import io.syncline.spi.Outcome;
import io.syncline.spi.Payload;
import io.syncline.spi.PushRequest;
import io.syncline.spi.RecordId;
import io.syncline.spi.SyncRecord;
import io.syncline.spi.Version;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WireCodecTest {
  private final WireCodec codec = new WireCodec(64, 100, 1 << 20);
  private final Version v = new Version(123_456_789_012_345_678L, "phone");

  private Change change(String key, Payload payload) {
    return new Change(
        new SyncRecord(RecordId.of("notes", key), "s", v, false, payload, Payload.EMPTY), 7);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"a\": 1,  \"b\" : [true, null, 1.50e3]}",
        "[]",
        "\"şı ü \\u0000 \\\"q\\\"\"",
        "12345678901234567890123",
        "-0.0",
        "null",
        "{\"nested\":{\"deep\":[[[{}]]]},\n\"tab\":\"\\t\"}",
        " {\"leading space\":1}",
        "{\"trailing newline\":1}\n",
        "not json at all",
        "{\"truncated\":"
      })
  void payloadsTravelByteForByte(String text) throws Exception {
    Payload p = Payload.utf8(text);
    Payload meta = Payload.utf8("{\"f\":{\"stamp\":\"1\"}}");
    SyncRecord r = new SyncRecord(RecordId.of("notes", "k/ü"), "s", v, false, p, meta);
    PushRequest push = new PushRequest("phone", "s", "b", List.of(new Change(r, 3)));
    PushRequest back = codec.decodePushRequest(WireCodec.encodePushRequest(push));
    assertThat(back).isEqualTo(push);
    assertThat(back.changes().get(0).record().payload().toByteArray())
        .isEqualTo(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void embeddableJsonIsEmbeddedAndTheRestIsBase64() {
    String json =
        new String(
            WireCodec.encodePage(
                new FeedPage(List.of(change("a", Payload.utf8("{\"x\":1}"))), 7, false)),
            StandardCharsets.UTF_8);
    assertThat(json).contains("\"payload\":{\"x\":1}").contains("\"stamp\":\"123456789012345678\"");
    byte[] invalidUtf8 = {'"', (byte) 0xC3, '"'};
    String base64 =
        new String(
            WireCodec.encodePage(
                new FeedPage(List.of(change("a", Payload.copyOf(invalidUtf8))), 7, false)),
            StandardCharsets.UTF_8);
    assertThat(base64).contains("\"payloadBase64\":\"IsMi\"");
  }

  @Test
  void tombstonesAndPagesRoundTrip() throws Exception {
    SyncRecord dead = SyncRecord.tombstone(RecordId.of("notes", "gone"), "s", v);
    List<Change> changes = new ArrayList<>();
    changes.add(change("a", Payload.utf8("{}")));
    changes.add(new Change(dead, 9));
    FeedPage page = new FeedPage(changes, 12, true);
    assertThat(codec.decodePage(WireCodec.encodePage(page), "s")).isEqualTo(page);
  }

  @Test
  void rejectionsRoundTripThroughTheErrorBody() {
    Outcome.Rejection r =
        new Outcome.Rejection(RecordId.of("notes", "a"), v, "PERMISSION_DENIED", "not yours");
    WireCodec.ErrorBody e =
        codec.decodeError(WireCodec.encodeError("REJECTED", "refused", List.of(r), 0, -1));
    assertThat(e.code()).isEqualTo("REJECTED");
    assertThat(e.rejections()).containsExactly(r);
    assertThat(codec.decodeError("<html>bad gateway</html>".getBytes(StandardCharsets.UTF_8)))
        .isNull();
  }

  @Test
  void errorsNameTheOffendingField() {
    WireException e =
        catchThrowableOfType(
            WireException.class,
            () ->
                codec.decodePushRequest(
                    ("{\"senderId\":\"p\",\"scope\":\"s\",\"batchId\":\"b\",\"changes\":[{\"collection\":"
                            + "\"notes\",\"key\":\"k\",\"version\":{\"stamp\":\"1\",\"replicaId\":\"p\"},"
                            + "\"payload\":1,\"deleted\":\"no\"}]}")
                        .getBytes(StandardCharsets.UTF_8)));
    assertThat(e.status()).isEqualTo(400);
    assertThat(e.getMessage()).contains("changes[0].deleted");
  }
}
