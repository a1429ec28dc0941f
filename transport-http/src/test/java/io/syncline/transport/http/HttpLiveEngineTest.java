package io.syncline.transport.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.reactivex.rxjava3.schedulers.Schedulers;
import io.syncline.engine.Peer;
import io.syncline.engine.SyncEngine;
import io.syncline.spi.Clock;
import io.syncline.store.memory.MemoryStore;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The engine following a server live over HTTP long-polls. */
class HttpLiveEngineTest {
  @Test
  void aChangeOnClientAReachesClientBFollowingLive() throws Exception {
    SyncEngine server =
        HttpFixtures.engine("server", new MemoryStore(), Clock.SYSTEM, "alice")
            .authorizer(HttpFixtures.OWN_SCOPES)
            .build();
    try (HttpSyncServer http = HttpFixtures.start(server.handler())) {
      SyncEngine a =
          HttpFixtures.engine("a", new MemoryStore(), Clock.SYSTEM, "alice")
              .peer(
                  Peer.of(
                      "server", HttpFixtures.transport(http, HttpFixtures.ALICE_TOKEN), "alice"))
              .build();
      // b pulls on a thread of its own, as an app would.
      SyncEngine b =
          HttpFixtures.engine("b", new MemoryStore(), Clock.SYSTEM, "alice")
              .ioScheduler(Schedulers.single())
              .peer(
                  Peer.of(
                      "server", HttpFixtures.transport(http, HttpFixtures.ALICE_TOKEN), "alice"))
              .build();
      b.startLive();
      a.collection("notes").putJson("hello", "{\"from\":\"a\"}");
      assertThat(a.syncNow().blockingGet().pushed()).isEqualTo(1);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> b.collection("notes").get("hello").isPresent());
      b.close();
      a.close();
    }
  }
}
