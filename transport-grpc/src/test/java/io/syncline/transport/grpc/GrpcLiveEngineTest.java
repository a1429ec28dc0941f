package io.syncline.transport.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.reactivex.rxjava3.schedulers.Schedulers;
import io.syncline.engine.Peer;
import io.syncline.engine.SyncEngine;
import io.syncline.spi.Clock;
import io.syncline.store.memory.MemoryStore;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The engine following a server live over a gRPC live stream. */
class GrpcLiveEngineTest {
  @Test
  void aChangeOnClientAReachesClientBFollowingLiveWithoutASyncCall() throws Exception {
    SyncEngine server =
        GrpcFixtures.engine("server", new MemoryStore(), Clock.SYSTEM, "alice")
            .authorizer(GrpcFixtures.OWN_SCOPES)
            .build();
    try (GrpcSyncServer grpc = GrpcFixtures.start(server.handler());
        GrpcSyncTransport ta = GrpcFixtures.transport(grpc.target(), GrpcFixtures.ALICE_TOKEN);
        GrpcSyncTransport tb = GrpcFixtures.transport(grpc.target(), GrpcFixtures.ALICE_TOKEN)) {
      SyncEngine a =
          GrpcFixtures.engine("a", new MemoryStore(), Clock.SYSTEM, "alice")
              .peer(Peer.of("server", ta, "alice"))
              .build();
      // b pulls on a thread of its own, as an app would.
      SyncEngine b =
          GrpcFixtures.engine("b", new MemoryStore(), Clock.SYSTEM, "alice")
              .ioScheduler(Schedulers.single())
              .peer(Peer.of("server", tb, "alice"))
              .build();
      b.startLive();
      for (int i = 0; i < 3; i++) {
        String key = "hello-" + i;
        a.collection("notes").putJson(key, "{\"from\":\"a\",\"i\":" + i + "}");
        assertThat(a.syncNow().blockingGet().pushed()).isEqualTo(1);
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> b.collection("notes").get(key).isPresent());
      }
      b.close();
      a.close();
    }
  }
}
