package io.syncline.transport.grpc;

import static io.syncline.transport.grpc.GrpcFixtures.ALICE_TOKEN;
import static io.syncline.transport.grpc.GrpcFixtures.engine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.syncline.engine.SyncEngine;
import io.syncline.spi.Change;
import io.syncline.spi.FeedPage;
import io.syncline.spi.HandshakeRequest;
import io.syncline.spi.LiveListener;
import io.syncline.spi.LiveRequest;
import io.syncline.spi.Outcome;
import io.syncline.spi.Payload;
import io.syncline.spi.PullRequest;
import io.syncline.spi.PullResponse;
import io.syncline.spi.PushRequest;
import io.syncline.spi.RecordId;
import io.syncline.spi.SyncConnection;
import io.syncline.spi.SyncException;
import io.syncline.spi.SyncRecord;
import io.syncline.spi.Version;
import io.syncline.store.memory.MemoryStore;
import io.syncline.testkit.FakeClock;
import io.syncline.transport.grpc.internal.Methods;
import io.syncline.transport.grpc.internal.StatusMapping;
import io.syncline.transport.grpc.proto.SyncGrpc;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Callers without a valid token, callers reaching for another user's records, oversized and
 * malformed messages, the wrong protocol version, too many calls: each gets a clear status, and
 * nothing is applied.
 */
class HostileRequestTest {
  private final FakeClock clock = new FakeClock();
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private MemoryStore serverStore;
  private SyncEngine server;

  @BeforeEach
  void setUp() {
    serverStore = new MemoryStore();
    server =
        engine("server", serverStore, clock, "alice").authorizer(GrpcFixtures.OWN_SCOPES).build();
  }

  @AfterEach
  void close() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  private GrpcSyncServer start(GrpcServerLimits limits) {
    GrpcSyncServer s = GrpcFixtures.start(server.handler(), limits, 0);
    closeables.add(s);
    return s;
  }

  private SyncConnection connect(GrpcSyncServer s, String token) throws IOException {
    GrpcSyncTransport.Builder b =
        GrpcSyncTransport.builder().target(s.target()).requestTimeout(Duration.ofSeconds(20));
    if (token != null) {
      b.bearerToken(token);
    }
    GrpcSyncTransport t = b.build();
    closeables.add(t);
    SyncConnection c = t.connect();
    closeables.add(c);
    return c;
  }

  private ManagedChannel rawChannel(GrpcSyncServer s) {
    ManagedChannel ch = NettyChannelBuilder.forTarget(s.target()).usePlaintext().build();
    closeables.add(() -> ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
    return ch;
  }

  private static Metadata headers(String protocol, String authorization) {
    Metadata m = new Metadata();
    if (protocol != null) {
      m.put(StatusMapping.PROTOCOL, protocol);
    }
    if (authorization != null) {
      m.put(StatusMapping.AUTHORIZATION, authorization);
    }
    return m;
  }

  private static PushRequest push(String scope, String key, String json) {
    SyncRecord r =
        SyncRecord.live(
            RecordId.of("notes", key), scope, Version.of(1_000, 0, "phone"), Payload.utf8(json));
    return new PushRequest("phone", scope, "b-" + key, List.of(new Change(r, 1)));
  }

  private long before() {
    return serverStore.headSeq();
  }

  @Test
  void noTokenOrAnUnknownTokenIsUnauthenticatedAndNothingIsApplied() throws Exception {
    GrpcSyncServer s = start(GrpcServerLimits.DEFAULT);
    long head = before();
    for (String token : new String[] {null, "forged-token"}) {
      SyncConnection c = connect(s, token);
      SyncException e =
          catchThrowableOfType(
              SyncException.class, () -> c.handshake(new HandshakeRequest(1, "phone", "e")));
      assertThat(e.code()).isEqualTo(SyncException.Code.UNAUTHENTICATED);
      Outcome o = c.push(push("alice", "sneaky", "{}"));
      assertThat(o).isInstanceOf(Outcome.Failed.class);
      assertThat(((Outcome.Failed) o).code()).isEqualTo(SyncException.Code.UNAUTHENTICATED);
      assertThat(((Outcome.Failed) o).reason()).contains("UNAUTHENTICATED");
    }
    // a malformed authorization header, on the wire
    StatusRuntimeException raw =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                SyncGrpc.newBlockingStub(rawChannel(s))
                    .withInterceptors(
                        MetadataUtils.newAttachHeadersInterceptor(headers("1", "Basic YWxpY2U6")))
                    .handshake(
                        io.syncline.transport.grpc.proto.HandshakeRequest.newBuilder()
                            .setProtocolVersion(1)
                            .setReplicaId("phone")
                            .build()));
    assertThat(raw.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(raw.getStatus().getDescription()).contains("Bearer");
    assertThat(serverStore.headSeq()).isEqualTo(head);
  }

  @Test
  void aUserCanNeitherPushNorPullNorFollowAnotherUsersRecords() throws Exception {
    GrpcSyncServer s = start(GrpcServerLimits.DEFAULT);
    SyncConnection bob = connect(s, GrpcFixtures.BOB_TOKEN);
    assertThat(bob.push(push("bob", "bobs-own", "{\"mine\":1}"))).isEqualTo(Outcome.SUCCESS);
    long head = before();

    SyncConnection alice = connect(s, ALICE_TOKEN);
    // push into bob's scope: refused change by change, nothing applied
    Outcome o = alice.push(push("bob", "planted", "{}"));
    assertThat(o).isInstanceOf(Outcome.Rejected.class);
    Outcome.Rejection r = ((Outcome.Rejected) o).rejections().get(0);
    assertThat(r.code()).isEqualTo("PERMISSION_DENIED");
    assertThat(r.id()).isEqualTo(RecordId.of("notes", "planted"));
    // and one allowed change next to a forbidden one: neither is applied
    PushRequest mixed =
        new PushRequest(
            "phone",
            "bob",
            "mixed",
            List.of(
                new Change(
                    SyncRecord.live(
                        RecordId.of("notes", "x"),
                        "bob",
                        Version.of(1_000, 1, "phone"),
                        Payload.utf8("{}")),
                    2)));
    assertThat(alice.push(mixed)).isInstanceOf(Outcome.Rejected.class);
    assertThat(serverStore.headSeq()).isEqualTo(head);

    // pull bob's scope: PERMISSION_DENIED, no page
    PullResponse pulled = alice.pull(new PullRequest("phone", "bob", 0, 100, 1 << 20));
    assertThat(pulled.page()).isNull();
    assertThat(pulled.outcome())
        .isEqualTo(
            new Outcome.Failed(
                SyncException.Code.PERMISSION_DENIED,
                ((Outcome.Failed) pulled.outcome()).reason()));
    assertThat(((Outcome.Failed) pulled.outcome()).reason()).contains("may not read scope bob");

    // follow bob's scope live: the stream ends with PERMISSION_DENIED, no page
    List<Throwable> errors = new CopyOnWriteArrayList<>();
    List<FeedPage> pages = new CopyOnWriteArrayList<>();
    alice.live(
        new LiveRequest("phone", "bob", 0),
        new LiveListener() {
          @Override
          public void onPage(FeedPage page) {
            pages.add(page);
          }

          @Override
          public void onError(Throwable error) {
            errors.add(error);
          }
        });
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> !errors.isEmpty());
    assertThat(((SyncException) errors.get(0)).code())
        .isEqualTo(SyncException.Code.PERMISSION_DENIED);
    assertThat(pages).isEmpty();
  }

  @Test
  void anOversizedMessageOrBatchIsRefusedAsTooLargeAndNothingIsApplied() throws Exception {
    GrpcSyncServer s =
        start(GrpcServerLimits.DEFAULT.withMaxMessageBytes(64 << 10).withMaxBatchChanges(5));
    SyncConnection c = connect(s, ALICE_TOKEN);
    long head = before();
    Outcome big = c.push(push("alice", "big", "{\"pad\":\"" + "x".repeat(100_000) + "\"}"));
    assertThat(big).isInstanceOf(Outcome.TooLarge.class);
    assertThat(((Outcome.TooLarge) big).reason()).contains("RESOURCE_EXHAUSTED");
    List<Change> six = new ArrayList<>();
    for (int i = 1; i <= 6; i++) {
      six.add(
          new Change(
              SyncRecord.live(
                  RecordId.of("notes", "k" + i),
                  "alice",
                  Version.of(1_000, i, "phone"),
                  Payload.utf8("{}")),
              i));
    }
    Outcome many = c.push(new PushRequest("phone", "alice", "six", six));
    assertThat(many).isInstanceOf(Outcome.TooLarge.class);
    assertThat(((Outcome.TooLarge) many).maxChanges()).isEqualTo(5);
    assertThat(serverStore.headSeq()).isEqualTo(head);
    // the connection still works for a batch within the limits
    assertThat(c.push(new PushRequest("phone", "alice", "five", six.subList(0, 5))))
        .isEqualTo(Outcome.SUCCESS);
    assertThat(serverStore.headSeq()).isEqualTo(head + 5);
  }

  @Test
  void malformedBytesAndInvalidChangesAreInvalidArgumentAndNothingIsApplied() throws Exception {
    GrpcSyncServer s = start(GrpcServerLimits.DEFAULT);
    ManagedChannel ch = rawChannel(s);
    long head = before();
    MethodDescriptor<byte[], byte[]> rawPush =
        SyncGrpc.getPushMethod().toBuilder(Methods.BYTES, Methods.BYTES).build();
    Iterator<byte[]> acks =
        ClientCalls.blockingServerStreamingCall(
            ch,
            rawPush,
            CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS),
            new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01, 0x02});
    StatusRuntimeException malformed =
        catchThrowableOfType(StatusRuntimeException.class, acks::hasNext);
    // without the token header the gate answers first; the malformed body is never parsed
    assertThat(malformed.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);

    Iterator<byte[]> acks2 =
        ClientCalls.blockingServerStreamingCall(
            io.grpc.ClientInterceptors.intercept(
                ch,
                MetadataUtils.newAttachHeadersInterceptor(headers("1", "Bearer " + ALICE_TOKEN))),
            rawPush,
            CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS),
            new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01, 0x02});
    StatusRuntimeException garbage =
        catchThrowableOfType(StatusRuntimeException.class, acks2::hasNext);
    assertThat(garbage.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(garbage.getStatus().getDescription()).contains("malformed");

    // well-formed protobuf, invalid content: a collection name with a space, a zero seq
    SyncConnection c = connect(s, ALICE_TOKEN);
    io.syncline.transport.grpc.proto.PushBatch bad =
        io.syncline.transport.grpc.proto.PushBatch.newBuilder()
            .setSenderId("phone")
            .setScope("alice")
            .setBatchId("bad")
            .addChanges(
                io.syncline.transport.grpc.proto.Change.newBuilder()
                    .setSeq(1)
                    .setRecord(
                        io.syncline.transport.grpc.proto.Record.newBuilder()
                            .setCollection("no tes")
                            .setKey("k")
                            .setScope("alice")
                            .setVersion(
                                io.syncline.transport.grpc.proto.Version.newBuilder()
                                    .setStamp(1)
                                    .setReplicaId("phone"))))
            .build();
    Iterator<io.syncline.transport.grpc.proto.PushAck> acks3 =
        ClientCalls.blockingServerStreamingCall(
            io.grpc.ClientInterceptors.intercept(
                ch,
                MetadataUtils.newAttachHeadersInterceptor(headers("1", "Bearer " + ALICE_TOKEN))),
            SyncGrpc.getPushMethod(),
            CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS),
            bad);
    StatusRuntimeException invalid =
        catchThrowableOfType(StatusRuntimeException.class, acks3::hasNext);
    assertThat(invalid.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(invalid.getStatus().getDescription()).contains("collection");
    assertThat(c).isNotNull();
    assertThat(serverStore.headSeq()).isEqualTo(head);
  }

  @Test
  void aWrongProtocolVersionIsFailedPrecondition() throws Exception {
    GrpcSyncServer s = start(GrpcServerLimits.DEFAULT);
    // in the handshake body
    SyncConnection c = connect(s, ALICE_TOKEN);
    SyncException e =
        catchThrowableOfType(
            SyncException.class, () -> c.handshake(new HandshakeRequest(2, "phone", "e")));
    assertThat(e.code()).isEqualTo(SyncException.Code.PROTOCOL);
    assertThat(e).hasMessageContaining("FAILED_PRECONDITION");
    // in the metadata of any call
    long head = before();
    for (String version : new String[] {"2", null}) {
      StatusRuntimeException raw =
          catchThrowableOfType(
              StatusRuntimeException.class,
              () ->
                  SyncGrpc.newBlockingStub(rawChannel(s))
                      .withInterceptors(
                          MetadataUtils.newAttachHeadersInterceptor(
                              headers(version, "Bearer " + ALICE_TOKEN)))
                      .pull(
                          io.syncline.transport.grpc.proto.PullRequest.newBuilder()
                              .setRequesterId("phone")
                              .setScope("alice")
                              .build())
                      .hasNext());
      assertThat(raw.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
      assertThat(raw.getStatus().getDescription()).contains("speaks version 1");
    }
    assertThat(serverStore.headSeq()).isEqualTo(head);
  }

  @Test
  void aPeerOverItsRateIsToldToRetryAfterADelay() throws Exception {
    GrpcSyncServer s = start(GrpcServerLimits.DEFAULT.withRate(0.001, 3, Duration.ofSeconds(7)));
    SyncConnection c = connect(s, ALICE_TOKEN);
    // the push call and its first batch take two tokens, the handshake one
    c.handshake(new HandshakeRequest(1, "phone", "e"));
    assertThat(c.push(push("alice", "a", "{}"))).isEqualTo(Outcome.SUCCESS);
    long head = before();
    Outcome o = c.push(push("alice", "b", "{}"));
    assertThat(o).isInstanceOf(Outcome.Retry.class);
    assertThat(((Outcome.Retry) o).retryAfter()).isEqualTo(Duration.ofSeconds(7));
    SyncException e =
        catchThrowableOfType(
            SyncException.class, () -> c.handshake(new HandshakeRequest(1, "phone", "e")));
    assertThat(e.code()).isEqualTo(SyncException.Code.RESOURCE_EXHAUSTED);
    assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(7));
    assertThat(serverStore.headSeq()).isEqualTo(head);
    // another peer has its own budget
    assertThat(connect(s, GrpcFixtures.BOB_TOKEN).push(push("bob", "c", "{}")))
        .isEqualTo(Outcome.SUCCESS);
  }
}
