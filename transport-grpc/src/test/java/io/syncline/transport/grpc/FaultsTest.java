package io.syncline.transport.grpc;

import static io.syncline.transport.grpc.GrpcFixtures.ALICE_TOKEN;
import static io.syncline.transport.grpc.GrpcFixtures.engine;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Context;
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
import io.syncline.spi.Outcome;
import io.syncline.spi.PullResponse;
import io.syncline.store.memory.MemoryStore;
import io.syncline.testkit.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Servers stopped and restarted, connections reset mid-stream, over real gRPC on 127.0.0.1. */
class FaultsTest {
  private static final String SCOPE = "alice";
  private final FakeClock clock = new FakeClock();
  private final TestScheduler virtual = new TestScheduler();
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

  private void advance(Duration d) {
    clock.advance(d);
    virtual.advanceTimeBy(d.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Test
  void serverStoppedMidPushBacksOffThenResumesWithNothingLostOrAppliedTwice() throws Exception {
    MemoryStore serverStore = new MemoryStore();
    SyncEngine server = engine("server", serverStore, clock, SCOPE).build();
    AtomicReference<GrpcSyncServer> running = new AtomicReference<>();
    CountDownLatch stopped = new CountDownLatch(1);
    AtomicReference<Thread> stopping = new AtomicReference<>();
    ForwardingHandler handler =
        new ForwardingHandler(server.handler()) {
          @Override
          void afterPush(int n, Outcome outcome) {
            if (n != 4) {
              return;
            }
            // Batch 4 is applied; the server goes down before it can acknowledge it.
            CountDownLatch cancelled = new CountDownLatch(1);
            Context.current().addListener(c -> cancelled.countDown(), Runnable::run);
            Thread stopper = new Thread(() -> running.get().close());
            stopping.set(stopper);
            stopper.start();
            try {
              assertThat(cancelled.await(10, TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            stopped.countDown();
          }
        };
    running.set(GrpcFixtures.start(handler));
    int port = running.get().port();
    GrpcSyncTransport transport =
        closing(GrpcFixtures.transport(running.get().target(), ALICE_TOKEN));
    MemoryStore clientStore = new MemoryStore();
    SyncEngine client =
        engine("phone", clientStore, clock, SCOPE)
            .batchLimits(10, 1 << 20)
            .peer(Peer.of("server", transport, SCOPE))
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
    client.enableBackgroundSync();
    virtual.triggerActions();
    for (int i = 0; i < 100; i++) {
      client.collection("notes").putJson("n" + i, "{\"i\":" + i + "}");
    }
    advance(Duration.ofSeconds(2)); // the debounced run: batches 1-3 acknowledged, 4 cut
    assertThat(stopped.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(serverStore.headSeq()).isEqualTo(40);
    SyncStatus s = client.currentStatus();
    assertThat(s.state()).isEqualTo(SyncStatus.State.BACKING_OFF);
    assertThat(client.pendingRecords()).hasSize(70);
    // The call is cancelled before close() has let go of the port: wait for close() to return.
    stopping.get().join(TimeUnit.SECONDS.toMillis(30));
    assertThat(stopping.get().isAlive()).isFalse();

    GrpcSyncServer restarted = closing(GrpcFixtures.start(handler, GrpcServerLimits.DEFAULT, port));
    long wait = s.nextAttemptAtMillis() - clock.millis();
    assertThat(wait).isPositive();
    advance(Duration.ofMillis(wait + 1));
    assertThat(client.currentStatus().state()).isEqualTo(SyncStatus.State.IDLE);
    // Batch 4 went twice and was applied once: one seq per record.
    assertThat(serverStore.headSeq()).isEqualTo(100);
    assertThat(client.pendingRecords()).isEmpty();
    GrpcFixtures.assertConverged(serverStore, clientStore);
    assertThat(restarted.port()).isEqualTo(port);
  }

  @Test
  void connectionResetMidPullResumesFromTheLastAppliedPage() throws Exception {
    MemoryStore serverStore = new MemoryStore();
    SyncEngine server = engine("server", serverStore, clock, SCOPE).build();
    for (int i = 0; i < 200; i++) {
      server
          .collection("notes")
          .putJson("n" + i, "{\"i\":" + i + ",\"pad\":\"" + "x".repeat(200) + "\"}");
    }
    AtomicReference<CuttingProxy> proxy = new AtomicReference<>();
    ForwardingHandler handler =
        new ForwardingHandler(server.handler()) {
          @Override
          void afterPull(int n, PullResponse response) {
            if (n == 2) {
              proxy.get().cutAll(); // mid-stream: page 1 is on its way, page 2 never leaves
            }
          }
        };
    GrpcSyncServer grpc = closing(GrpcFixtures.start(handler));
    proxy.set(closing(new CuttingProxy(grpc.port())));
    MemoryStore clientStore = new MemoryStore();
    SyncEngine client =
        engine("phone", clientStore, clock, SCOPE)
            .inboundLimits(new InboundLimits(50, 8L << 20, 1 << 20, Duration.ofDays(1)))
            .peer(
                Peer.of(
                    "server",
                    closing(GrpcFixtures.transport(proxy.get().target(), ALICE_TOKEN)),
                    SCOPE))
            .build();

    SyncResult first = client.syncNow().blockingGet();
    assertThat(proxy.get().cuts()).isEqualTo(1);
    assertThat(first.peer("server").kind()).isEqualTo(PeerResult.Kind.RETRY);
    assertThat(first.pulled()).isLessThan(200);
    // What arrived before the reset was applied, each record once, and the cursor kept.
    assertThat(clientStore.headSeq()).isEqualTo(first.pulled());

    SyncResult second = client.syncNow().blockingGet();
    assertThat(second.isSuccess()).as("%s", second).isTrue();
    assertThat(first.pulled() + second.pulled()).isEqualTo(200);
    assertThat(clientStore.headSeq()).isEqualTo(200);
    GrpcFixtures.assertConverged(serverStore, clientStore);
  }

  @Test
  void aServerThatDoesNotAnswerInTimeIsARetryAndItsLateWorkIsIdempotent() throws Exception {
    MemoryStore serverStore = new MemoryStore();
    SyncEngine server = engine("server", serverStore, clock, SCOPE).build();
    CountDownLatch release = new CountDownLatch(1);
    ForwardingHandler slow =
        new ForwardingHandler(server.handler()) {
          @Override
          public io.syncline.spi.HandshakeResponse handshake(
              io.syncline.spi.CallContext context, io.syncline.spi.HandshakeRequest request) {
            await(release);
            return super.handshake(context, request);
          }

          @Override
          void afterPush(int n, Outcome outcome) {
            await(release);
          }
        };
    GrpcSyncServer grpc = closing(GrpcFixtures.start(slow));
    GrpcSyncTransport t =
        closing(
            GrpcSyncTransport.builder()
                .target(grpc.target())
                .bearerToken(ALICE_TOKEN)
                .requestTimeout(Duration.ofMillis(300))
                .build());
    try (io.syncline.spi.SyncConnection c = t.connect()) {
      io.syncline.spi.SyncException e =
          org.assertj.core.api.Assertions.catchThrowableOfType(
              io.syncline.spi.SyncException.class,
              () -> c.handshake(new io.syncline.spi.HandshakeRequest(1, "phone", "e")));
      assertThat(e.code()).isEqualTo(io.syncline.spi.SyncException.Code.TIMEOUT);
      assertThat(e).hasMessageContaining("DEADLINE_EXCEEDED");
      io.syncline.spi.PushRequest push =
          new io.syncline.spi.PushRequest(
              "phone",
              SCOPE,
              "b1",
              List.of(
                  new io.syncline.spi.Change(
                      io.syncline.spi.SyncRecord.live(
                          io.syncline.spi.RecordId.of("notes", "a"),
                          SCOPE,
                          io.syncline.spi.Version.of(1_000, 0, "phone"),
                          io.syncline.spi.Payload.utf8("{}")),
                      1)));
      Outcome o = c.push(push);
      assertThat(o).isInstanceOf(Outcome.Retry.class);
      assertThat(((Outcome.Retry) o).reason()).contains("no acknowledgement");
      release.countDown();
      // applied once, late; sent again, it changes nothing and is acknowledged
      assertThat(c.push(push)).isEqualTo(Outcome.SUCCESS);
      assertThat(serverStore.headSeq()).isEqualTo(1);
    } finally {
      release.countDown();
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
