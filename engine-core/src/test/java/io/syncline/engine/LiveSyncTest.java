package io.syncline.engine;

import static io.syncline.engine.Fixtures.SCOPE;
import static io.syncline.engine.Fixtures.engine;
import static org.assertj.core.api.Assertions.assertThat;

import io.reactivex.rxjava3.schedulers.TestScheduler;
import io.syncline.store.memory.MemoryStore;
import io.syncline.testkit.FakeClock;
import io.syncline.testkit.LoopbackTransport;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LiveSyncTest {
  private final FakeClock clock = new FakeClock();
  private final SyncEngine server = Fixtures.server(new MemoryStore(), clock);

  @Test
  void aChangeOnOneClientReachesAnotherFollowingLiveWithoutASyncCall() {
    SyncEngine a =
        engine("a", new MemoryStore(), clock)
            .peer(Peer.of("server", new LoopbackTransport(server.handler()), SCOPE))
            .build();
    SyncEngine b =
        engine("b", new MemoryStore(), clock)
            .peer(Peer.of("server", new LoopbackTransport(server.handler()), SCOPE))
            .build();
    b.startLive();
    a.collection("notes").putJson("hello", "{\"from\":\"a\"}");
    a.syncNow().blockingGet();
    assertThat(b.collection("notes").get("hello")).isPresent();

    // A change b makes itself is not streamed back to it; b's own pull finds nothing.
    b.collection("notes").putJson("mine", "{}");
    b.syncNow().blockingGet();
    assertThat(server.collection("notes").get("mine")).isPresent();

    b.stopLive();
    a.collection("notes").putJson("later", "{}");
    a.syncNow().blockingGet();
    assertThat(b.collection("notes").get("later")).isEmpty();
    b.syncNow().blockingGet();
    assertThat(b.collection("notes").get("later")).isPresent();
  }

  @Test
  void aStreamThatCannotOpenIsRetriedWithBackoff() {
    TestScheduler io = new TestScheduler();
    LoopbackTransport toServer = new LoopbackTransport(server.handler());
    toServer.setOffline(true);
    SyncEngine a =
        engine("a", new MemoryStore(), clock)
            .peer(Peer.of("server", new LoopbackTransport(server.handler()), SCOPE))
            .build();
    SyncEngine b =
        engine("b", new MemoryStore(), clock)
            .ioScheduler(io)
            .retryPolicy(RetryPolicy.builder().initialDelay(Duration.ofSeconds(1)).build())
            .peer(Peer.of("server", toServer, SCOPE))
            .build();
    b.startLive();
    toServer.setOffline(false);
    io.advanceTimeBy(2, TimeUnit.SECONDS); // the reopen after the first backoff (at most 1 s)
    a.collection("notes").putJson("x", "{}");
    a.syncNow().blockingGet();
    io.triggerActions(); // b's pull runs on its I/O scheduler
    assertThat(b.collection("notes").get("x")).isPresent();
    b.close();
  }
}
