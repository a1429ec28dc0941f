package io.syncline.engine;

import static io.syncline.engine.Fixtures.SCOPE;
import static io.syncline.engine.Fixtures.client;
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
  private final MemoryStore serverStore = new MemoryStore();
  private final SyncEngine server = Fixtures.server(serverStore, clock);

  @Test
  void aChangeOnOneClientReachesAnotherFollowingLiveWithoutASyncCall() {
    SyncEngine a = client("a", new MemoryStore(), clock, server).build();
    SyncEngine b = client("b", new MemoryStore(), clock, server).build();
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
    SyncEngine a = client("a", new MemoryStore(), clock, server).build();
    SyncEngine b =
        client("b", new MemoryStore(), clock, toServer)
            .ioScheduler(io)
            .retryPolicy(RetryPolicy.builder().initialDelay(Duration.ofSeconds(1)).build())
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

  @Test
  void aLivePageIsAppliedAsItArrivesWithoutPullingItAgain() {
    MemoryStore bStore = new MemoryStore();
    LoopbackTransport bToServer = new LoopbackTransport(server.handler());
    SyncEngine a = client("a", new MemoryStore(), clock, server).build();
    SyncEngine b = client("b", bStore, clock, bToServer).build();
    b.syncNow().blockingGet(); // first contact: b learns the server's feed
    int pullsBefore = bToServer.deliveredPulls().size();
    b.startLive();

    for (int i = 0; i < 5; i++) {
      a.collection("notes").putJson("n" + i, "{\"i\":" + i + "}");
      a.syncNow().blockingGet();
    }

    for (int i = 0; i < 5; i++) {
      assertThat(b.collection("notes").get("n" + i)).isPresent();
    }
    // Every change came on the live stream only, and the cursor moved with it.
    assertThat(bToServer.deliveredPulls()).hasSize(pullsBefore);
    assertThat(bStore.checkpoint("server", SCOPE).orElseThrow().pullCursor())
        .isEqualTo(serverHead());
    b.close();
  }

  @Test
  void aPageThatDoesNotStartAtTheStoredCursorIsPulledInstead() {
    MemoryStore bStore = new MemoryStore();
    LoopbackTransport bToServer = new LoopbackTransport(server.handler());
    SyncEngine a = client("a", new MemoryStore(), clock, server).build();
    SyncEngine b = client("b", bStore, clock, bToServer).build();
    // b never synced: its stream starts from 0 but its checkpoint holds no epoch of the server
    // yet, so the first page cannot be applied as it stands and b pulls (and learns the epoch).
    b.startLive();
    a.collection("notes").putJson("first", "{}");
    a.syncNow().blockingGet();

    assertThat(b.collection("notes").get("first")).isPresent();
    assertThat(bToServer.deliveredPulls()).isNotEmpty();
    b.close();
  }

  private long serverHead() {
    return serverStore.headSeq();
  }
}
