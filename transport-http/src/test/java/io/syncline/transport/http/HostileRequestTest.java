package io.syncline.transport.http;

import static io.syncline.transport.http.HttpFixtures.ALICE_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncline.engine.SyncEngine;
import io.syncline.spi.RecordId;
import io.syncline.store.memory.MemoryStore;
import io.syncline.testkit.FakeClock;
import io.syncline.transport.http.internal.Gzip;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Requests a hostile or broken client sends. Each gets a clear 4xx with a JSON error code, and
 * nothing of it is applied: the server's store is the same before and after.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileRequestTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long LIMIT = 64 * 1024;

  private final FakeClock clock = new FakeClock();
  private final MemoryStore store = new MemoryStore("server-epoch");
  private SyncEngine server;
  private HttpSyncServer http;
  private RawHttp raw;

  @BeforeAll
  void start() {
    server =
        HttpFixtures.engine("server", store, clock, "alice")
            .authorizer(HttpFixtures.OWN_SCOPES)
            .build();
    server.collection("notes", JsonNode.class, "bob").putJson("bobs-secret", "{\"pin\":1234}");
    server.collection("notes").putJson("alices-note", "{\"t\":1}");
    http =
        HttpFixtures.start(
            server.handler(),
            HttpServerLimits.DEFAULT.withMaxRequestBytes(LIMIT).withMaxDecodedBytes(2 * LIMIT));
    raw = new RawHttp(http.uri());
  }

  @AfterAll
  void stop() {
    http.close();
  }

  private String stamp() {
    return Long.toString(clock.millis() << 16);
  }

  /** A valid push of alice's, with one change whose JSON fields are {@code change}. */
  private String push(String scope, String change) {
    return "{\"senderId\":\"evil\",\"scope\":\""
        + scope
        + "\",\"batchId\":\"b1\",\"changes\":["
        + change
        + "]}";
  }

  private String change(String key, String payload) {
    return "{\"seq\":1,\"collection\":\"notes\",\"key\":\""
        + key
        + "\",\"version\":{\"stamp\":\""
        + stamp()
        + "\",\"replicaId\":\"evil\"},\"payload\":"
        + payload
        + "}";
  }

  private static Map<String, String> headers(String... kv) {
    Map<String, String> h = new TreeMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      h.put(kv[i], kv[i + 1]);
    }
    return h;
  }

  private static Map<String, String> alice(String... more) {
    Map<String, String> h =
        headers(
            "Authorization",
            "Bearer " + ALICE_TOKEN,
            "Syncline-Protocol",
            "1",
            "Content-Type",
            "application/json");
    h.putAll(headers(more));
    return h;
  }

  private RawHttp.Reply post(String path, Map<String, String> headers, String body) {
    return raw.send("POST", path, headers, body.getBytes(StandardCharsets.UTF_8));
  }

  private RawHttp.Reply get(String pathAndQuery, Map<String, String> headers) {
    return raw.send("GET", pathAndQuery, headers, null);
  }

  private interface Attack {
    RawHttp.Reply send(HostileRequestTest t);
  }

  private static Arguments attack(String name, int status, String code, Attack a) {
    return Arguments.of(name, status, code, a);
  }

  Stream<Arguments> attacks() {
    String deep = "[".repeat(5000) + "]".repeat(5000);
    String hugeNumber = "9".repeat(5000);
    return Stream.of(
        attack(
            "malformed JSON",
            400,
            "INVALID_JSON",
            t -> t.post("v1/push", alice(), "{\"senderId\":\"evil\",\"scope\":")),
        attack("empty body", 400, "INVALID_JSON", t -> t.post("v1/push", alice(), "")),
        attack(
            "deep nesting in a payload",
            400,
            "INVALID_JSON",
            t -> t.post("v1/push", alice(), t.push("alice", t.change("k", deep)))),
        attack(
            "a number of 5000 digits",
            400,
            "INVALID_JSON",
            t ->
                t.post(
                    "v1/push",
                    alice(),
                    t.push(
                        "alice",
                        t.change("k", "1").replace("\"seq\":1", "\"seq\":" + hugeNumber)))),
        attack(
            "a seq past 2^64",
            400,
            "INVALID_ARGUMENT",
            t ->
                t.post(
                    "v1/push",
                    alice(),
                    t.push(
                        "alice",
                        t.change("k", "1").replace("\"seq\":1", "\"seq\":99999999999999999999")))),
        attack(
            "changes is a string",
            400,
            "INVALID_ARGUMENT",
            t ->
                t.post(
                    "v1/push",
                    alice(),
                    "{\"senderId\":\"evil\",\"scope\":\"alice\",\"batchId\":\"b\",\"changes\":\"all\"}")),
        attack(
            "a version stamp as a number",
            400,
            "INVALID_ARGUMENT",
            t ->
                t.post(
                    "v1/push",
                    alice(),
                    t.push(
                        "alice", t.change("k", "1").replace("\"" + t.stamp() + "\"", t.stamp())))),
        attack(
            "a negative version stamp",
            400,
            "INVALID_ARGUMENT",
            t ->
                t.post(
                    "v1/push",
                    alice(),
                    t.push("alice", t.change("k", "1").replace(t.stamp(), "-5")))),
        attack(
            "an oversize body",
            413,
            "TOO_LARGE",
            t ->
                t.raw.socket(
                    "POST /v1/push HTTP/1.1\r\nHost: x\r\nSyncline-Protocol: 1\r\nAuthorization:"
                        + " Bearer "
                        + ALICE_TOKEN
                        + "\r\nContent-Type: application/json\r\nContent-Length: "
                        + (LIMIT * 4)
                        + "\r\n\r\n")),
        attack(
            "a gzip bomb",
            413,
            "TOO_LARGE",
            t ->
                t.raw.send(
                    "POST",
                    "v1/push",
                    alice("Content-Encoding", "gzip"),
                    Gzip.compress(
                        t.push("alice", t.change("k", "\"" + " ".repeat((int) LIMIT * 8) + "\""))
                            .getBytes(StandardCharsets.UTF_8)))),
        attack(
            "a body that is not gzip",
            400,
            "INVALID_ARGUMENT",
            t -> t.post("v1/push", alice("Content-Encoding", "gzip"), t.push("alice", ""))),
        attack(
            "no credentials",
            401,
            "UNAUTHENTICATED",
            t ->
                t.post(
                    "v1/push",
                    headers("Syncline-Protocol", "1", "Content-Type", "application/json"),
                    t.push("alice", t.change("k", "1")))),
        attack(
            "an unknown token",
            401,
            "UNAUTHENTICATED",
            t ->
                t.post(
                    "v1/push",
                    alice("Authorization", "Bearer guessed"),
                    t.push("alice", t.change("k", "1")))),
        attack(
            "basic instead of bearer auth",
            401,
            "UNAUTHENTICATED",
            t ->
                t.post(
                    "v1/push",
                    alice("Authorization", "Basic YWxpY2U6cHc="),
                    t.push("alice", t.change("k", "1")))),
        attack(
            "writing another user's records",
            422,
            "REJECTED",
            t -> t.post("v1/push", alice(), t.push("bob", t.change("bobs-secret", "{\"pin\":0}")))),
        attack(
            "reading another user's records",
            403,
            "PERMISSION_DENIED",
            t -> t.get("v1/pull?scope=bob&requesterId=evil&afterSeq=0", alice())),
        attack(
            "an unknown protocol version header",
            426,
            "PROTOCOL",
            t ->
                t.post(
                    "v1/push",
                    alice("Syncline-Protocol", "2"),
                    t.push("alice", t.change("k", "1")))),
        attack(
            "no protocol version header",
            426,
            "PROTOCOL",
            t ->
                t.post(
                    "v1/push",
                    headers(
                        "Authorization",
                        "Bearer " + ALICE_TOKEN,
                        "Content-Type",
                        "application/json"),
                    t.push("alice", t.change("k", "1")))),
        attack(
            "a handshake for protocol version 2",
            426,
            "PROTOCOL",
            t ->
                t.post(
                    "v1/handshake",
                    alice(),
                    "{\"protocolVersion\":2,\"replicaId\":\"evil\",\"epoch\":\"e\"}")),
        attack(
            "a path of protocol version 2",
            426,
            "PROTOCOL",
            t -> t.post("v2/push", alice(), t.push("alice", t.change("k", "1")))),
        attack(
            "a cursor from the future",
            400,
            "INVALID_ARGUMENT",
            t -> t.get("v1/pull?scope=alice&requesterId=evil&afterSeq=1000000", alice())),
        attack(
            "a cursor past 2^53",
            400,
            "INVALID_ARGUMENT",
            t -> t.get("v1/pull?scope=alice&requesterId=evil&afterSeq=99999999999999999", alice())),
        attack(
            "a negative page size",
            400,
            "INVALID_ARGUMENT",
            t -> t.get("v1/pull?scope=alice&requesterId=evil&afterSeq=0&maxChanges=-5", alice())),
        attack(
            "a negative cursor",
            400,
            "INVALID_ARGUMENT",
            t -> t.get("v1/pull?scope=alice&requesterId=evil&afterSeq=-1", alice())),
        attack(
            "a parameter given twice",
            400,
            "INVALID_ARGUMENT",
            t -> t.get("v1/pull?scope=alice&scope=bob&requesterId=evil&afterSeq=0", alice())),
        attack(
            "a text/plain body",
            415,
            "UNSUPPORTED_MEDIA_TYPE",
            t ->
                t.post(
                    "v1/push",
                    alice("Content-Type", "text/plain"),
                    t.push("alice", t.change("k", "1")))),
        attack(
            "a duplicate field",
            400,
            "INVALID_JSON",
            t ->
                t.post(
                    "v1/push",
                    alice(),
                    t.push("alice", t.change("k", "1"))
                        .replace(
                            "{\"senderId\":\"evil\",",
                            "{\"senderId\":\"evil\",\"senderId\":\"x\","))),
        attack(
            "trailing content after the JSON",
            400,
            "INVALID_JSON",
            t -> t.post("v1/push", alice(), t.push("alice", t.change("k", "1")) + "{}")),
        attack(
            "a tombstone with a payload",
            400,
            "INVALID_ARGUMENT",
            t ->
                t.post(
                    "v1/push",
                    alice(),
                    t.push(
                        "alice",
                        t.change("k", "1")
                            .replace("\"payload\"", "\"deleted\":true,\"payload\"")))),
        attack(
            "a key with a control character",
            400,
            "INVALID_ARGUMENT",
            t -> t.post("v1/push", alice(), t.push("alice", t.change("a\\u0000b", "1")))),
        attack(
            "a version from the far future",
            422,
            "REJECTED",
            t ->
                t.post(
                    "v1/push",
                    alice(),
                    t.push(
                        "alice",
                        t.change("k", "1")
                            .replace(
                                t.stamp(),
                                Long.toString((t.clock.millis() + 10L * 86_400_000) << 16))))),
        attack(
            "a payload that is not JSON",
            422,
            "REJECTED",
            t ->
                t.post(
                    "v1/push",
                    alice(),
                    t.push(
                        "alice",
                        t.change("k", "1")
                            .replace("\"payload\":1", "\"payloadBase64\":\"bm90IGpzb24=\"")))),
        attack(
            "one record twice in a batch",
            422,
            "REJECTED",
            t ->
                t.post(
                    "v1/push",
                    alice(),
                    t.push("alice", t.change("k", "1") + "," + t.change("k", "2")))),
        attack(
            "the server's own replica id",
            400,
            "INVALID_ARGUMENT",
            t ->
                t.post(
                    "v1/push",
                    alice(),
                    t.push("alice", t.change("k", "1"))
                        .replace("\"senderId\":\"evil\"", "\"senderId\":\"server\""))),
        attack(
            "a GET of the push resource",
            405,
            "METHOD_NOT_ALLOWED",
            t -> t.get("v1/push", alice())),
        attack("an unknown resource", 404, "NOT_FOUND", t -> t.get("v1/records", alice())),
        attack(
            "a request line that is not HTTP",
            400,
            "INVALID_ARGUMENT",
            t -> t.raw.socket("\u0001\u0002 GARBAGE\r\n\r\n")));
  }

  @ParameterizedTest(name = "{0} -> {1} {2}")
  @MethodSource("attacks")
  void hostileRequestGetsAClear4xxAndNothingIsApplied(
      String name, int status, String code, Attack attack) throws Exception {
    long head = store.headSeq();
    Map<RecordId, String> before = HttpFixtures.snapshot(store);

    RawHttp.Reply reply = attack.send(this);

    assertThat(reply.status()).as("%s: %s", name, reply.body()).isEqualTo(status);
    assertThat(reply.headers().get("content-type")).startsWith("application/json");
    JsonNode error = JSON.readTree(reply.body()).get("error");
    assertThat(error.get("code").asText()).isEqualTo(code);
    assertThat(error.get("message").asText()).isNotBlank();
    if (code.equals("REJECTED")) {
      assertThat(error.get("rejections")).isNotEmpty();
      assertThat(error.get("rejections").get(0).get("reason").asText()).isNotBlank();
    }
    assertThat(store.headSeq()).isEqualTo(head);
    assertThat(HttpFixtures.snapshot(store)).isEqualTo(before);
  }

  @Test
  void theWellFormedPushTheAttacksAreMadeFromIsAccepted() throws Exception {
    long head = store.headSeq();
    RawHttp.Reply reply = post("v1/push", alice(), push("alice", change("control", "{\"ok\":1}")));
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    assertThat(JSON.readTree(reply.body()).get("outcome").asText()).isEqualTo("success");
    assertThat(store.headSeq()).isEqualTo(head + 1);
    assertThat(store.get(RecordId.of("notes", "control")).orElseThrow().record().payload().toUtf8())
        .isEqualTo("{\"ok\":1}");
  }

  @Test
  void anUnauthenticatedCallerIsToldHowToAuthenticate() {
    RawHttp.Reply reply =
        get("v1/pull?scope=alice&requesterId=x&afterSeq=0", headers("Syncline-Protocol", "1"));
    assertThat(reply.status()).isEqualTo(401);
    assertThat(reply.headers().get("www-authenticate")).startsWith("Bearer");
  }
}
