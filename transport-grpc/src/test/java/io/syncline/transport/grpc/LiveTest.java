package io.syncline.transport.grpc;

import static io.syncline.transport.grpc.GrpcFixtures.ALICE_TOKEN;
import static io.syncline.transport.grpc.GrpcFixtures.engine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.syncline.engine.Peer;
import io.syncline.engine.SyncEngine;
import io.syncline.spi.Cancellable;
import io.syncline.spi.Change;
import io.syncline.spi.FeedPage;
import io.syncline.spi.LiveListener;
import io.syncline.spi.LiveRequest;
import io.syncline.spi.PullResponse;
import io.syncline.spi.RecordId;
import io.syncline.spi.SyncConnection;
import io.syncline.spi.SyncException;
import io.syncline.store.memory.MemoryStore;
import io.syncline.testkit.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Live streams over real gRPC on 127.0.0.1: delivery, propagation, flow control, endings. */
class LiveTest {
  private static final String SCOPE = "alice";
  private final FakeClock clock = new FakeClock();
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  private <T extends AutoCloseable> T closing(T c) {
    closeables.add(c);
    return c;
  }

  /** Collects pages and errors. */
  static class Collector implements LiveListener {
    final List<Change> changes = new CopyOnWriteArrayList<>();
    final List<Throwable> errors = new CopyOnWriteArrayList<>();

    @Override
    public void onPage(FeedPage page) {
      changes.addAll(page.changes());
    }

    @Override
    public void onError(Throwable error) {
      errors.add(error);
    }

    List<String> keys() {
      return changes.stream().map(c -> c.id().key()).toList();
    }
  }

  @Test
  void aLiveStreamCatchesUpThenDeliversNewChangesAsTheyCommit() throws Exception {
    SyncEngine server = engine("server", new MemoryStore(), clock, SCOPE).build();
    GrpcSyncServer grpc = closing(GrpcFixtures.start(server.handler()));
    GrpcSyncTransport t = closing(GrpcFixtures.transport(grpc.target(), ALICE_TOKEN));
    server.collection("notes").putJson("before", "{}");
    Collector received = new Collector();
    SyncConnection conn = closing(t.connect());
    Cancellable live = conn.live(new LiveRequest("phone", SCOPE, 0), received);
    await().atMost(Duration.ofSeconds(20)).until(received::keys, l -> l.contains("before"));
    server.collection("notes").putJson("during", "{\"x\":1}");
    server.collection("notes").delete("before");
    await().atMost(Duration.ofSeconds(20)).until(() -> received.changes.size() == 3);
    live.cancel();
    assertThat(received.keys()).containsExactly("before", "during", "before");
    assertThat(received.changes.get(2).record().deleted()).isTrue();
    assertThat(received.errors).isEmpty();
    // after cancel, nothing more arrives (a pull on the same connection sees the next write)
    server.collection("notes").putJson("after", "{}");
    PullResponse r = conn.pull(new io.syncline.spi.PullRequest("phone", SCOPE, 0, 100, 1 << 20));
    assertThat(r.page().changes()).extracting(c -> c.id().key()).contains("after");
    assertThat(received.keys()).doesNotContain("after");
  }

  @Test
  void aChangeOnClientAReachesClientBThroughTheServer() throws Exception {
    MemoryStore serverStore = new MemoryStore();
    SyncEngine server = engine("server", serverStore, clock, SCOPE).build();
    GrpcSyncServer grpc = closing(GrpcFixtures.start(server.handler()));
    MemoryStore storeB = new MemoryStore();
    GrpcSyncTransport ta = closing(GrpcFixtures.transport(grpc.target(), ALICE_TOKEN));
    GrpcSyncTransport tb = closing(GrpcFixtures.transport(grpc.target(), ALICE_TOKEN));
    SyncEngine a =
        engine("client-a", new MemoryStore(), clock, SCOPE)
            .peer(Peer.of("server", ta, SCOPE))
            .build();
    SyncEngine b =
        engine("client-b", storeB, clock, SCOPE).peer(Peer.of("server", tb, SCOPE)).build();
    // B's harness follows the scope live at the transport level and syncs when a page arrives;
    // GrpcLiveEngineTest has the engine follow the stream itself (SyncEngine.startLive).
    Semaphore pages = new Semaphore(0);
    Collector seen =
        new Collector() {
          @Override
          public void onPage(FeedPage page) {
            super.onPage(page);
            pages.release();
          }
        };
    SyncConnection bLive = closing(tb.connect());
    bLive.live(new LiveRequest("client-b", SCOPE, serverStore.headSeq()), seen);

    for (int i = 0; i < 5; i++) {
      a.collection("notes").putJson("from-a-" + i, "{\"i\":" + i + "}");
      assertThat(a.syncNow().blockingGet().isSuccess()).isTrue();
      assertThat(pages.tryAcquire(20, TimeUnit.SECONDS)).as("live page %d", i).isTrue();
      assertThat(b.syncNow().blockingGet().pulled()).isEqualTo(1);
      assertThat(storeB.get(RecordId.of("notes", "from-a-" + i))).isPresent();
    }
    assertThat(seen.errors).isEmpty();
    GrpcFixtures.assertConverged(serverStore, storeB);
  }

  @Test
  void aSlowLiveReceiverHoldsTheServerBackAndStillGetsEverything() throws Exception {
    MemoryStore serverStore = new MemoryStore();
    SyncEngine server = engine("server", serverStore, clock, SCOPE).build();
    AtomicLong readBytes = new AtomicLong();
    ForwardingHandler counting =
        new ForwardingHandler(server.handler()) {
          @Override
          void afterPull(int n, PullResponse response) {
            readBytes.addAndGet(response.page().approximateBytes());
          }
        };
    GrpcSyncServer grpc = closing(GrpcFixtures.start(counting));
    GrpcSyncTransport t = closing(GrpcFixtures.transport(grpc.target(), ALICE_TOKEN));
    CountDownLatch release = new CountDownLatch(1);
    Collector received =
        new Collector() {
          @Override
          public void onPage(FeedPage page) {
            super.onPage(page);
            try {
              release.await(30, TimeUnit.SECONDS); // the first page blocks the receiver
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        };
    closing(t.connect()).live(new LiveRequest("phone", SCOPE, 0), received);
    String pad = "x".repeat(100_000);
    server.collection("notes").putJson("first", "{}");
    await().atMost(Duration.ofSeconds(20)).until(() -> received.changes.size() == 1);
    long readWhenBlocked = readBytes.get();
    int total = 300; // 30 MB committed while the receiver is stuck
    for (int i = 0; i < total; i++) {
      server.collection("notes").putJson("big-" + i, "{\"pad\":\"" + pad + "\"}");
    }
    // The receiver stays stuck; meanwhile the server reads ahead only until the stream's window
    // is full (about 1 MB, plus the page in hand), then waits for the receiver.
    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(20))
        .until(() -> received.changes.size() == 1);
    long readWhileStuck = readBytes.get() - readWhenBlocked;
    assertThat(readWhileStuck).as("bytes read from the feed while stuck").isLessThan(12L << 20);
    release.countDown();
    await().atMost(Duration.ofSeconds(30)).until(() -> received.changes.size() == total + 1);
    assertThat(readBytes.get() - readWhenBlocked).isGreaterThanOrEqualTo(30_000_000L);
    assertThat(received.errors).isEmpty();
    assertThat(received.keys()).doesNotHaveDuplicates();
  }

  @Test
  void aLiveStreamEndsWithARetryableErrorWhenTheServerStops() throws Exception {
    SyncEngine server = engine("server", new MemoryStore(), clock, SCOPE).build();
    GrpcSyncServer grpc = GrpcFixtures.start(server.handler());
    GrpcSyncTransport t = closing(GrpcFixtures.transport(grpc.target(), ALICE_TOKEN));
    Collector received = new Collector();
    closing(t.connect()).live(new LiveRequest("phone", SCOPE, 0), received);
    server.collection("notes").putJson("a", "{}");
    await().atMost(Duration.ofSeconds(20)).until(() -> received.changes.size() == 1);
    grpc.close();
    await().atMost(Duration.ofSeconds(20)).until(() -> !received.errors.isEmpty());
    SyncException e = (SyncException) received.errors.get(0);
    assertThat(e.retryable()).as("%s", e).isTrue();
  }
}
