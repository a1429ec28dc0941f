package io.syncline.transport.http;

import static io.syncline.transport.http.HttpFixtures.ALICE_TOKEN;
import static io.syncline.transport.http.HttpFixtures.engine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.reactivex.rxjava3.schedulers.TestScheduler;
import io.syncline.engine.InboundLimits;
import io.syncline.engine.Peer;
import io.syncline.engine.PeerResult;
import io.syncline.engine.RetryPolicy;
import io.syncline.engine.SyncEngine;
import io.syncline.engine.SyncPolicy;
import io.syncline.engine.SyncResult;
import io.syncline.engine.SyncStatus;
import io.syncline.engine.internal.RxSyncScheduler;
import io.syncline.spi.HandshakeRequest;
import io.syncline.spi.Outcome;
import io.syncline.spi.PushRequest;
import io.syncline.spi.SyncConnection;
import io.syncline.spi.SyncException;
import io.syncline.store.memory.MemoryStore;
import io.syncline.testkit.FakeClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Retry-After, bursts of 503s and connections cut mid-response, over real HTTP. */
class FaultsTest {
  private static final String SCOPE = "alice";
  private final FakeClock clock = new FakeClock();
  private final TestScheduler virtual = new TestScheduler();
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  private <T extends AutoCloseable> T closing(T c) {
    closeables.add(c);
    return c;
  }

  private HttpSyncTransport transportTo(java.net.URI uri) {
    return closing(
        HttpSyncTransport.builder()
            .baseUri(uri)
            .bearerToken(ALICE_TOKEN)
            .requestTimeout(Duration.ofSeconds(20))
            .clock(Clock.fixed(Instant.ofEpochMilli(clock.millis()), ZoneOffset.UTC))
            .build());
  }

  /** Moves the engine's clock and the virtual scheduler together. */
  private void advance(Duration d) {
    clock.advance(d);
    virtual.advanceTimeBy(d.toMillis(), TimeUnit.MILLISECONDS);
  }

  private JdkServerMount mount(SyncEngine server) throws Exception {
    return closing(
        new JdkServerMount(
            HttpSyncEndpoint.builder()
                .handler(server.handler())
                .authenticator(HttpFixtures.AUTH)
                .build()));
  }

  @Test
  void retryAfterInSecondsAndAsAnHttpDateBecomesTheRetryDelay() throws Exception {
    SyncEngine server = engine("server", new MemoryStore(), clock, SCOPE).build();
    JdkServerMount mount = mount(server);
    HttpSyncTransport t = transportTo(mount.uri());
    String date =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(
            Instant.ofEpochMilli(clock.millis()).plusSeconds(90).atZone(ZoneOffset.UTC));
    mount.script("/v1/push", 503, Map.of("Retry-After", "120"));
    mount.script("/v1/push", 429, Map.of("Retry-After", date));
    mount.script("/v1/push", 502, Map.of());
    mount.script("/v1/handshake", 503, Map.of("Retry-After", "7"));
    PushRequest push = new PushRequest("phone", SCOPE, "b1", List.of());
    try (SyncConnection c = t.connect()) {
      assertThat(c.push(push)).isEqualTo(new Outcome.Retry(Duration.ofSeconds(120), "HTTP 503"));
      assertThat(c.push(push)).isEqualTo(new Outcome.Retry(Duration.ofSeconds(90), "HTTP 429"));
      assertThat(c.push(push)).isEqualTo(new Outcome.Retry(null, "HTTP 502"));
      SyncException e =
          catchThrowableOfType(
              SyncException.class, () -> c.handshake(new HandshakeRequest(1, "phone", "e")));
      assertThat(e.code()).isEqualTo(SyncException.Code.UNAVAILABLE);
      assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(7));
      // And the mounted endpoint answers normally once the script is spent.
      assertThat(c.push(push)).isEqualTo(Outcome.SUCCESS);
    }
  }

  private SyncEngine backgroundClient(HttpSyncTransport t) {
    return engine("phone", new MemoryStore(), clock, SCOPE)
        .peer(Peer.of("server", t, SCOPE))
        .scheduler(new RxSyncScheduler(virtual, clock))
        .syncPolicy(
            SyncPolicy.builder()
                .interval(Duration.ofHours(6))
                .localChangeDebounce(Duration.ofSeconds(2))
                .build())
        .retryPolicy(
            RetryPolicy.builder()
                .initialDelay(Duration.ofSeconds(10))
                .maxDelay(Duration.ofMinutes(10))
                .build())
        .build();
  }

  @Test
  void theEngineWaitsAsLongAsRetryAfterSaysInEitherForm() throws Exception {
    MemoryStore serverStore = new MemoryStore();
    SyncEngine server = engine("server", serverStore, clock, SCOPE).build();
    JdkServerMount mount = mount(server);
    SyncEngine client = backgroundClient(transportTo(mount.uri()));
    client.enableBackgroundSync();
    virtual.triggerActions();
    // The transport's clock stands still at the start, so this date lies 300 s ahead of it.
    String date =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(
            Instant.ofEpochMilli(clock.millis()).plusSeconds(300).atZone(ZoneOffset.UTC));
    mount.script("/v1/push", 503, Map.of("Retry-After", "120"));
    mount.script("/v1/push", 503, Map.of("Retry-After", date));
    client.collection("notes").putJson("a", "{}");

    advance(Duration.ofSeconds(2)); // the debounced run: 503, Retry-After: 120
    waitOutRetryAfter(client, Duration.ofSeconds(120), serverStore);
    // the retry: 503 with an HTTP date 300 s after the transport's clock
    waitOutRetryAfter(client, Duration.ofSeconds(300), serverStore);
    assertThat(client.currentStatus().state()).isEqualTo(SyncStatus.State.IDLE);
    assertThat(serverStore.headSeq()).isEqualTo(1);
  }

  /**
   * Checks that the engine waits at least {@code retryAfter} (plus its jitter of at most a tenth of
   * it, capped at the initial delay) and tries again right after.
   */
  private void waitOutRetryAfter(SyncEngine client, Duration retryAfter, MemoryStore serverStore) {
    SyncStatus s = client.currentStatus();
    assertThat(s.state()).isEqualTo(SyncStatus.State.BACKING_OFF);
    long wait = s.nextAttemptAtMillis() - clock.millis();
    long r = retryAfter.toMillis();
    assertThat(wait).isBetween(r, r + Math.min(10_000, r / 10));
    advance(retryAfter.minusSeconds(1));
    assertThat(serverStore.headSeq()).isZero();
    assertThat(client.currentStatus().nextAttemptAtMillis()).isEqualTo(s.nextAttemptAtMillis());
    advance(Duration.ofMillis(wait - retryAfter.minusSeconds(1).toMillis() + 1));
  }

  @Test
  void aBurstOf503sBacksOffExponentiallyThenDeliversOnce() throws Exception {
    MemoryStore serverStore = new MemoryStore();
    SyncEngine server = engine("server", serverStore, clock, SCOPE).build();
    CountingHandler handler = new CountingHandler(server.handler());
    HttpSyncServer http = closing(HttpFixtures.start(handler));
    SyncEngine client = backgroundClient(transportTo(http.uri()));
    client.enableBackgroundSync();
    virtual.triggerActions();
    // No Retry-After: the server's store is failing, so the client backs off on its own.
    handler.failNextPushes(
        5, new SyncException(SyncException.Code.STORE_FAILURE, "disk full, try later"));
    client.collection("notes").putJson("a", "{}");
    advance(Duration.ofSeconds(2));
    for (int attempt = 1; attempt <= 5; attempt++) {
      assertThat(handler.pushes()).isEqualTo(attempt);
      SyncStatus s = client.currentStatus();
      assertThat(s.state()).isEqualTo(SyncStatus.State.BACKING_OFF);
      assertThat(s.detail()).contains("503");
      long wait = s.nextAttemptAtMillis() - clock.millis();
      // Full jitter within a window that doubles: 10 s, 20 s, 40 s, ...
      assertThat(wait).isBetween(0L, 10_000L << (attempt - 1));
      if (wait > 1) {
        advance(Duration.ofMillis(wait - 1));
        assertThat(handler.pushes()).as("no attempt before the backoff ends").isEqualTo(attempt);
      }
      advance(Duration.ofMillis(Math.min(wait, 1) + 1));
    }
    assertThat(handler.pushes()).isEqualTo(6);
    assertThat(client.currentStatus().state()).isEqualTo(SyncStatus.State.IDLE);
    assertThat(serverStore.headSeq()).isEqualTo(1);
    assertThat(client.pendingRecords()).isEmpty();
  }

  @Test
  void aPushWhoseResponseIsCutResumesWithoutApplyingTwice() throws Exception {
    MemoryStore serverStore = new MemoryStore();
    SyncEngine server = engine("server", serverStore, clock, SCOPE).build();
    HttpSyncServer http = closing(HttpFixtures.start(server.handler()));
    ChaosProxy proxy = closing(new ChaosProxy(http.port()));
    MemoryStore clientStore = new MemoryStore();
    SyncEngine client =
        engine("phone", clientStore, clock, SCOPE)
            .peer(Peer.of("server", transportTo(proxy.uri()), SCOPE))
            .build();
    for (int i = 0; i < 30; i++) {
      client.collection("notes").putJson("n" + i, "{\"i\":" + i + "}");
    }
    proxy.cutResponse("POST /v1/push", 0, 40); // mid status line and headers

    SyncResult first = client.syncNow().blockingGet();
    assertThat(proxy.cuts()).isEqualTo(1);
    assertThat(first.peer("server").kind()).isEqualTo(PeerResult.Kind.RETRY);
    // The server applied the batch; the client never heard so.
    assertThat(serverStore.headSeq()).isEqualTo(30);
    assertThat(client.pendingRecords()).hasSize(30);

    SyncResult second = client.syncNow().blockingGet();
    assertThat(second.isSuccess()).isTrue();
    assertThat(second.pushed()).isEqualTo(30);
    // Sent twice, applied once: no new seq, same records.
    assertThat(serverStore.headSeq()).isEqualTo(30);
    assertThat(client.pendingRecords()).isEmpty();
    HttpFixtures.assertConverged(serverStore, clientStore);
  }

  @Test
  void aPullWhoseResponseIsCutResumesFromTheLastAppliedPage() throws Exception {
    MemoryStore serverStore = new MemoryStore();
    SyncEngine server = engine("server", serverStore, clock, SCOPE).build();
    for (int i = 0; i < 200; i++) {
      server
          .collection("notes")
          .putJson("n" + i, "{\"i\":" + i + ",\"pad\":\"" + "x".repeat(200) + "\"}");
    }
    HttpSyncServer http = closing(HttpFixtures.start(server.handler()));
    ChaosProxy proxy = closing(new ChaosProxy(http.port()));
    MemoryStore clientStore = new MemoryStore();
    SyncEngine client =
        engine("phone", clientStore, clock, SCOPE)
            .inboundLimits(new InboundLimits(50, 8L << 20, 1 << 20, Duration.ofDays(1)))
            .peer(Peer.of("server", transportTo(proxy.uri()), SCOPE))
            .build();
    // The second page's response is cut after its headers and part of its (gzip) body.
    proxy.cutResponse("GET /v1/pull", 1, 600);

    SyncResult first = client.syncNow().blockingGet();
    assertThat(proxy.cuts()).isEqualTo(1);
    assertThat(first.peer("server").kind()).isEqualTo(PeerResult.Kind.RETRY);
    assertThat(first.pulled()).isEqualTo(50);
    assertThat(clientStore.headSeq()).isEqualTo(50);

    SyncResult second = client.syncNow().blockingGet();
    assertThat(second.isSuccess()).isTrue();
    assertThat(second.pulled()).isEqualTo(150);
    // Every record applied exactly once: one seq each.
    assertThat(clientStore.headSeq()).isEqualTo(200);
    HttpFixtures.assertConverged(serverStore, clientStore);
  }
}
