package io.syncline.transport.http;

import static io.syncline.transport.http.HttpFixtures.ALICE_TOKEN;
import static io.syncline.transport.http.HttpFixtures.assertConverged;
import static io.syncline.transport.http.HttpFixtures.engine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.syncline.engine.Peer;
import io.syncline.engine.Resolvers;
import io.syncline.engine.SyncCollection;
import io.syncline.engine.SyncEngine;
import io.syncline.engine.SyncResult;
import io.syncline.spi.Cancellable;
import io.syncline.spi.Change;
import io.syncline.spi.FeedPage;
import io.syncline.spi.LiveListener;
import io.syncline.spi.LiveRequest;
import io.syncline.spi.SyncConnection;
import io.syncline.spi.SyncStore;
import io.syncline.store.memory.MemoryStore;
import io.syncline.testkit.FakeClock;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Engines syncing through a real HTTP server on 127.0.0.1. */
class HttpConvergenceTest {
  private static final String SCOPE = "alice";
  private final FakeClock clock = new FakeClock();
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  private HttpSyncServer server(SyncEngine engine) {
    HttpSyncServer s = HttpFixtures.start(engine.handler());
    closeables.add(s);
    return s;
  }

  private HttpSyncTransport transport(HttpSyncServer s) {
    HttpSyncTransport t = HttpFixtures.transport(s, ALICE_TOKEN);
    closeables.add(t);
    return t;
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2})
  void threeClientsConvergeWithAServerOverHttp(long seed) {
    Random rnd = new Random(seed);
    MemoryStore serverStore = new MemoryStore("server-epoch");
    SyncEngine server =
        engine("server", serverStore, clock, SCOPE)
            .resolver(Resolvers.fieldMerge())
            .authorizer(HttpFixtures.OWN_SCOPES)
            .build();
    HttpSyncServer http = server(server);
    List<SyncEngine> clients = new ArrayList<>();
    List<SyncStore> stores = new ArrayList<>(List.of(serverStore));
    for (int i = 0; i < 3; i++) {
      MemoryStore store = new MemoryStore("client-" + i);
      stores.add(store);
      clients.add(
          engine("client-" + i, store, clock, SCOPE)
              .resolver(Resolvers.fieldMerge())
              .batchLimits(25, 1 << 20)
              .peer(Peer.of("server", transport(http), SCOPE))
              .build());
    }
    for (int step = 0; step < 300; step++) {
      SyncEngine e = clients.get(rnd.nextInt(clients.size()));
      SyncCollection<JsonNode> notes = e.collection("notes");
      String key = "n" + rnd.nextInt(40) + (rnd.nextInt(10) == 0 ? " ünïcödé/ключ" : "");
      if (rnd.nextInt(10) < 8) {
        notes.putJson(
            key,
            "{\"f"
                + rnd.nextInt(3)
                + "\":"
                + rnd.nextInt(1000)
                + ",\"text\":\"ş\\u0131 \\\"q\\\"\"}");
      } else {
        notes.delete(key);
      }
      clock.advance(Duration.ofMillis(rnd.nextInt(5)));
      if (rnd.nextInt(40) == 0) {
        clients.get(rnd.nextInt(clients.size())).syncNow().blockingGet();
      }
    }
    server.collection("notes").putJson("from-server", "{\"by\":\"server\"}");
    for (int round = 0; round < 3; round++) {
      for (SyncEngine e : clients) {
        SyncResult r = e.syncNow().blockingGet();
        assertThat(r.isSuccess()).as("%s", r).isTrue();
      }
    }
    assertConverged(stores.toArray(new SyncStore[0]));
    assertThat(HttpFixtures.snapshot(serverStore)).hasSizeGreaterThan(20);
    for (SyncEngine e : clients) {
      assertThat(e.pendingRecords()).isEmpty();
    }
  }

  @Test
  void anEmptyPullIsAnsweredWith304WithoutABody() throws IOException {
    SyncEngine server = engine("server", new MemoryStore(), clock, SCOPE).build();
    HttpSyncServer http = server(server);
    AtomicInteger notModified = new AtomicInteger();
    AtomicInteger bodyBytes = new AtomicInteger();
    HttpClientAdapter jdk = HttpClientAdapter.jdk(Duration.ofSeconds(5));
    closeables.add(jdk);
    HttpClientAdapter counting =
        request -> {
          HttpClientAdapter.Response r = jdk.execute(request);
          if (request.uri().getPath().endsWith("/v1/pull")) {
            if (r.status() == 304) {
              notModified.incrementAndGet();
            }
            bodyBytes.addAndGet(r.body().length);
          }
          return r;
        };
    HttpSyncTransport t =
        HttpSyncTransport.builder()
            .baseUri(http.uri())
            .bearerToken(ALICE_TOKEN)
            .httpClient(counting)
            .build();
    SyncEngine client =
        engine("phone", new MemoryStore(), clock, SCOPE).peer(Peer.of("server", t, SCOPE)).build();
    server.collection("notes").putJson("a", "{}");
    assertThat(client.syncNow().blockingGet().pulled()).isEqualTo(1);
    int before = bodyBytes.get();
    // Nothing new: the second and third syncs revalidate the empty page and get 304s.
    assertThat(client.syncNow().blockingGet().pulled()).isZero();
    assertThat(client.syncNow().blockingGet().pulled()).isZero();
    assertThat(notModified.get()).isEqualTo(1);
    // The first empty page carried a body; the 304 none.
    int afterFirstEmpty = bodyBytes.get();
    assertThat(client.syncNow().blockingGet().pulled()).isZero();
    assertThat(notModified.get()).isEqualTo(2);
    assertThat(bodyBytes.get()).isEqualTo(afterFirstEmpty);
    assertThat(afterFirstEmpty).isGreaterThan(before);
    // Something new: the ETag no longer matches and the change arrives.
    server.collection("notes").putJson("b", "{}");
    assertThat(client.syncNow().blockingGet().pulled()).isEqualTo(1);
    assertThat(client.collection("notes").get("b")).isPresent();
  }

  @Test
  void liveLongPollDeliversNewChangesAsTheyCommit() throws IOException {
    SyncEngine server = engine("server", new MemoryStore(), clock, SCOPE).build();
    HttpSyncServer http = server(server);
    HttpSyncTransport t =
        HttpSyncTransport.builder()
            .baseUri(http.uri())
            .bearerToken(ALICE_TOKEN)
            .longPollWait(Duration.ofSeconds(2))
            .build();
    closeables.add(t);
    server.collection("notes").putJson("before", "{}");
    List<Change> received = new CopyOnWriteArrayList<>();
    List<Throwable> errors = new CopyOnWriteArrayList<>();
    SyncConnection conn = t.connect();
    Cancellable live =
        conn.live(
            new LiveRequest("phone", SCOPE, 0),
            new LiveListener() {
              @Override
              public void onPage(FeedPage page) {
                received.addAll(page.changes());
              }

              @Override
              public void onError(Throwable error) {
                errors.add(error);
              }
            });
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> received.stream().map(c -> c.id().key()).toList(), l -> l.contains("before"));
    server.collection("notes").putJson("during", "{\"x\":1}");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> received.stream().map(c -> c.id().key()).toList(), l -> l.contains("during"));
    live.cancel();
    conn.close();
    assertThat(received).extracting(c -> c.id().key()).containsExactly("before", "during");
    assertThat(errors).isEmpty();
  }

  @Test
  void liveOfAScopeTheCallerMayNotReadEndsWithAnError() throws IOException {
    SyncEngine server =
        engine("server", new MemoryStore(), clock, SCOPE)
            .authorizer(HttpFixtures.OWN_SCOPES)
            .build();
    HttpSyncServer http = server(server);
    HttpSyncTransport t = transport(http);
    List<Throwable> errors = new CopyOnWriteArrayList<>();
    t.connect()
        .live(
            new LiveRequest("phone", "bob", 0),
            new LiveListener() {
              @Override
              public void onPage(FeedPage page) {
                throw new AssertionError("no page expected");
              }

              @Override
              public void onError(Throwable error) {
                errors.add(error);
              }
            });
    await().atMost(Duration.ofSeconds(20)).until(() -> !errors.isEmpty());
    assertThat(errors.get(0)).hasMessageContaining("PERMISSION_DENIED");
  }
}
