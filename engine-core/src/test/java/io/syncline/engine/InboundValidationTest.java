package io.syncline.engine;

import static io.syncline.engine.Fixtures.SCOPE;
import static io.syncline.engine.Fixtures.engine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.spi.CallContext;
import io.syncline.spi.Change;
import io.syncline.spi.FeedPage;
import io.syncline.spi.HandshakeRequest;
import io.syncline.spi.HandshakeResponse;
import io.syncline.spi.Outcome;
import io.syncline.spi.Payload;
import io.syncline.spi.Protocol;
import io.syncline.spi.PullRequest;
import io.syncline.spi.PullResponse;
import io.syncline.spi.PushRequest;
import io.syncline.spi.RecordId;
import io.syncline.spi.SyncConnection;
import io.syncline.spi.SyncException;
import io.syncline.spi.SyncHandler;
import io.syncline.spi.SyncRecord;
import io.syncline.spi.Version;
import io.syncline.store.memory.MemoryStore;
import io.syncline.testkit.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InboundValidationTest {
  private final FakeClock clock = new FakeClock();
  private final MemoryStore store = new MemoryStore("server-epoch");
  private final SyncEngine server =
      engine("server", store, clock)
          .inboundLimits(new InboundLimits(10, 10_000, 1_000, Duration.ofMinutes(5)))
          .build();
  private final SyncHandler handler = server.handler();

  private Change change(String key, String json, long seq) {
    return new Change(
        SyncRecord.live(
            RecordId.of("notes", key),
            SCOPE,
            Version.of(clock.millis(), 0, "phone"),
            Payload.utf8(json)),
        seq);
  }

  private Outcome push(List<Change> changes) {
    return handler.push(CallContext.IN_PROCESS, new PushRequest("phone", SCOPE, "b1", changes));
  }

  private void assertNothingApplied() {
    assertThat(store.headSeq()).isZero();
  }

  @Test
  void batchOverTheCountLimitIsRefusedWhole() {
    List<Change> changes = new ArrayList<>();
    for (int i = 1; i <= 11; i++) {
      changes.add(change("k" + i, "{}", i));
    }
    Outcome o = push(changes);
    assertThat(o).isInstanceOf(Outcome.TooLarge.class);
    assertThat(((Outcome.TooLarge) o).maxChanges()).isEqualTo(10);
    assertThat(((Outcome.TooLarge) o).reason()).contains("11 changes");
    assertNothingApplied();
  }

  @Test
  void aRecordTwiceInOneBatchIsRejectedAndNothingApplied() {
    List<Change> changes = new ArrayList<>();
    changes.add(change("a", "{}", 1));
    changes.add(change("b", "{}", 2));
    changes.add(change("a", "{\"again\":true}", 3));
    changes.add(change("c", "{}", 4));
    changes.add(change("b", "[]", 5));
    Outcome o = push(changes);
    assertThat(o).isInstanceOf(Outcome.Rejected.class);
    // Each repeat is named; the first state of each record is not.
    assertThat(((Outcome.Rejected) o).rejections())
        .extracting(r -> r.id().key() + " " + r.code() + " " + r.reason())
        .containsExactly(
            "a INVALID_ARGUMENT record appears twice in one batch",
            "b INVALID_ARGUMENT record appears twice in one batch");
    assertNothingApplied();
    // Distinct records alone go through.
    assertThat(push(List.of(change("a", "{}", 1), change("b", "{}", 2))))
        .isEqualTo(Outcome.SUCCESS);
  }

  @Test
  void batchOverTheByteLimitIsRefusedWhole() {
    List<Change> changes = new ArrayList<>();
    String big = "{\"t\":\"" + "x".repeat(960) + "\"}";
    for (int i = 1; i <= 10; i++) {
      changes.add(change("k" + i, big, i));
    }
    assertThat(push(changes)).isInstanceOf(Outcome.TooLarge.class);
    assertNothingApplied();
  }

  @Test
  void malformedChangesAreNamedAndNothingIsApplied() {
    List<Change> changes =
        List.of(
            change("good", "{}", 1),
            change("broken", "{\"a\":", 2),
            change("trailing", "{} {}", 3),
            change("huge", "{\"t\":\"" + "x".repeat(2_000) + "\"}", 4),
            new Change(
                SyncRecord.live(
                    RecordId.of("notes", "other-scope"),
                    "elsewhere",
                    Version.of(clock.millis(), 0, "phone"),
                    Payload.utf8("{}")),
                5),
            new Change(
                SyncRecord.live(
                    RecordId.of("notes", "future"),
                    SCOPE,
                    Version.of(clock.millis() + Duration.ofDays(30).toMillis(), 0, "phone"),
                    Payload.utf8("{}")),
                6),
            change("good", "{\"dup\":1}", 7));
    Outcome o = push(changes);
    assertThat(o).isInstanceOf(Outcome.Rejected.class);
    List<Outcome.Rejection> r = ((Outcome.Rejected) o).rejections();
    assertThat(r)
        .extracting(x -> x.id().key() + ":" + x.code())
        .containsExactly(
            "broken:INVALID_JSON",
            "trailing:INVALID_JSON",
            "huge:TOO_LARGE",
            "other-scope:INVALID_ARGUMENT",
            "future:CLOCK_SKEW",
            "good:INVALID_ARGUMENT");
    assertNothingApplied();
  }

  @Test
  void wrongProtocolVersionIsRefusedClearly() {
    assertThatThrownBy(
            () -> handler.handshake(CallContext.IN_PROCESS, new HandshakeRequest(99, "phone", "e")))
        .isInstanceOf(SyncException.class)
        .hasMessageContaining("protocol version 99")
        .extracting(e -> ((SyncException) e).code())
        .isEqualTo(SyncException.Code.PROTOCOL);
  }

  @Test
  void cursorFromTheFutureIsRefused() {
    assertThatThrownBy(
            () ->
                handler.pull(
                    CallContext.IN_PROCESS, new PullRequest("phone", SCOPE, 1_000, 10, 10_000)))
        .isInstanceOf(SyncException.class)
        .hasMessageContaining("past this feed's head");
  }

  @Test
  void peerUsingOurOwnIdIsRefused() {
    assertThatThrownBy(
            () ->
                handler.handshake(
                    CallContext.IN_PROCESS, new HandshakeRequest(Protocol.VERSION, "server", "e")))
        .hasMessageContaining("own id");
  }

  /** A peer that answers pulls with a page it made up. */
  private SyncEngine clientOf(FeedPage page) {
    SyncConnection conn =
        new SyncConnection() {
          @Override
          public HandshakeResponse handshake(HandshakeRequest request) {
            return new HandshakeResponse(Protocol.VERSION, "evil", "evil-epoch", 100, 10, 10_000);
          }

          @Override
          public Outcome push(PushRequest request) {
            return Outcome.SUCCESS;
          }

          @Override
          public PullResponse pull(PullRequest request) {
            return PullResponse.of(page);
          }

          @Override
          public void close() {}
        };
    return engine("phone", new MemoryStore(), clock)
        .peer(Peer.of("evil", () -> conn, SCOPE))
        .build();
  }

  @Test
  void invalidPageFromAPeerIsRefusedAndNothingIsApplied() {
    FeedPage bad =
        new FeedPage(List.of(change("a", "{}", 1), change("b", "not json", 2)), 2, false);
    SyncEngine client = clientOf(bad);
    SyncResult r = client.syncNow().blockingGet();
    assertThat(r.peer("evil").kind()).isEqualTo(PeerResult.Kind.FAILED);
    assertThat(r.peer("evil").message()).contains("invalid page").contains("INVALID_JSON");
    assertThat(client.store().headSeq()).isZero();
    assertThat(client.store().checkpoint("evil", SCOPE).orElseThrow().pullCursor()).isZero();
  }

  @Test
  void pageWithMoreChangesThanAskedForIsRefused() {
    List<Change> many = new ArrayList<>();
    for (int i = 1; i <= 1001; i++) {
      many.add(change("k" + i, "{}", i));
    }
    SyncEngine client = clientOf(new FeedPage(many, 1001, false));
    assertThat(client.syncNow().blockingGet().peer("evil").message()).contains("more than");
    assertThat(client.store().headSeq()).isZero();
  }

  @Test
  void localWriteOfBadJsonIsRefusedAndChangesNothing() {
    SyncEngine client = engine("phone", new MemoryStore(), clock).build();
    assertThatThrownBy(() -> client.collection("notes").putJson("a", "{oops"))
        .isInstanceOf(SyncException.class)
        .hasMessageContaining("well-formed JSON");
    assertThatThrownBy(() -> client.collection("notes").putJson("", "{}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("key");
    assertThat(client.store().headSeq()).isZero();
  }
}
