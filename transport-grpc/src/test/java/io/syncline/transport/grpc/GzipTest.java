package io.syncline.transport.grpc;

import static io.syncline.transport.grpc.GrpcFixtures.ALICE_TOKEN;
import static io.syncline.transport.grpc.GrpcFixtures.engine;
import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.engine.Peer;
import io.syncline.engine.SyncEngine;
import io.syncline.engine.SyncResult;
import io.syncline.store.memory.MemoryStore;
import io.syncline.testkit.FakeClock;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * With gzip on, pushes and pages cross the wire compressed: the same sync through a byte-counting
 * proxy takes far fewer bytes each way, and the replicas converge all the same.
 */
class GzipTest {
  private static final String SCOPE = "alice";
  private static final int RECORDS = 2000;

  /** Bytes {client to server, server to client} of one push from A and one pull to B. */
  private long[] syncThroughProxy(boolean gzip) throws Exception {
    FakeClock clock = new FakeClock();
    MemoryStore serverStore = new MemoryStore("server-epoch");
    SyncEngine server = engine("server", serverStore, clock, SCOPE).build();
    GrpcSyncServer grpc =
        GrpcSyncServer.builder()
            .port(0)
            .handler(server.handler())
            .authenticator(GrpcFixtures.AUTH)
            .gzip(gzip)
            .build()
            .start();
    try (CuttingProxy proxy = new CuttingProxy(grpc.port());
        GrpcSyncTransport transport =
            GrpcSyncTransport.builder()
                .target(proxy.target())
                .bearerToken(ALICE_TOKEN)
                .requestTimeout(Duration.ofSeconds(20))
                .gzip(gzip)
                .build()) {
      MemoryStore a = new MemoryStore("a");
      MemoryStore b = new MemoryStore("b");
      SyncEngine phone =
          engine("phone", a, clock, SCOPE).peer(Peer.of("server", transport, SCOPE)).build();
      SyncEngine laptop =
          engine("laptop", b, clock, SCOPE).peer(Peer.of("server", transport, SCOPE)).build();
      for (int i = 0; i < RECORDS; i++) {
        phone
            .collection("contacts")
            .putJson(
                String.format(Locale.ROOT, "c%05d", i),
                String.format(
                    Locale.ROOT,
                    "{\"name\":\"Contact %d\",\"email\":\"contact%d@example.com\","
                        + "\"phone\":\"+1 555 %07d\",\"notes\":\"met at the conference\"}",
                    i,
                    i,
                    i));
      }
      SyncResult pushed = phone.syncNow().blockingGet();
      SyncResult pulled = laptop.syncNow().blockingGet();
      assertThat(pushed.pushed()).isEqualTo(RECORDS);
      assertThat(pulled.pulled()).isEqualTo(RECORDS);
      GrpcFixtures.assertConverged(a, b);
      phone.close();
      laptop.close();
      return new long[] {proxy.bytesToServer(), proxy.bytesToClient()};
    } finally {
      grpc.close();
      server.close();
    }
  }

  @Test
  void gzipShrinksPushesAndPagesAndChangesNothingElse() throws Exception {
    long[] plain = syncThroughProxy(false);
    long[] gzip = syncThroughProxy(true);
    // Both directions carry the records once: the push up, the pages down.
    assertThat(plain[0]).isGreaterThan(RECORDS * 100L);
    assertThat(plain[1]).isGreaterThan(RECORDS * 100L);
    assertThat(gzip[0]).isLessThan(plain[0] / 2);
    assertThat(gzip[1]).isLessThan(plain[1] / 2);
  }
}
