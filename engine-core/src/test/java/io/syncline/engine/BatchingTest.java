package io.syncline.engine;

import static io.syncline.engine.Fixtures.client;
import static io.syncline.engine.Fixtures.engine;
import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.spi.CallContext;
import io.syncline.spi.Cancellable;
import io.syncline.spi.HandshakeRequest;
import io.syncline.spi.HandshakeResponse;
import io.syncline.spi.LiveListener;
import io.syncline.spi.LiveRequest;
import io.syncline.spi.Outcome;
import io.syncline.spi.PullRequest;
import io.syncline.spi.PullResponse;
import io.syncline.spi.PushRequest;
import io.syncline.spi.SyncHandler;
import io.syncline.store.memory.MemoryStore;
import io.syncline.testkit.FakeClock;
import io.syncline.testkit.LoopbackTransport;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BatchingTest {
  private final FakeClock clock = new FakeClock();

  /** A proxy in front of a server that refuses pushes above a count its handshake does not tell. */
  private static SyncHandler limitedProxy(SyncHandler server, int hiddenLimit) {
    return new SyncHandler() {
      @Override
      public HandshakeResponse handshake(CallContext c, HandshakeRequest r) {
        return server.handshake(c, r);
      }

      @Override
      public Outcome push(CallContext c, PushRequest r) {
        if (r.changes().size() > hiddenLimit) {
          return new Outcome.TooLarge(0, "413 request entity too large");
        }
        return server.push(c, r);
      }

      @Override
      public PullResponse pull(CallContext c, PullRequest r) {
        return server.pull(c, r);
      }

      @Override
      public Cancellable live(CallContext c, LiveRequest r, LiveListener l) {
        return server.live(c, r, l);
      }
    };
  }

  @Test
  void batchSizeAdaptsToAPeerThatRefusesLargeBatches() {
    MemoryStore serverStore = new MemoryStore();
    SyncEngine server = Fixtures.server(serverStore, clock);
    LoopbackTransport t = new LoopbackTransport(limitedProxy(server.handler(), 400));
    SyncEngine client =
        client("phone", new MemoryStore(), clock, t).batchLimits(1000, 64L << 20).build();
    for (int i = 0; i < 5000; i++) {
      client.collection("notes").putJson("n" + i, "{\"i\":" + i + "}");
    }
    SyncResult r = client.syncNow().blockingGet();
    assertThat(r.isSuccess()).isTrue();
    assertThat(r.pushed()).isEqualTo(5000);
    assertThat(serverStore.headSeq()).isEqualTo(5000);
    assertThat(client.pendingRecords()).isEmpty();
    // Few probes were refused, and the engine kept batches large.
    long refused = t.deliveredPushes().stream().filter(p -> p.changes().size() > 400).count();
    assertThat(refused).isBetween(1L, 12L);
    assertThat(t.deliveredPushes().size() - refused).isLessThanOrEqualTo(5000 / 200 + 2);

    // The learned limit is remembered: the next sync sends no oversized batch at all.
    for (int i = 0; i < 2000; i++) {
      client.collection("notes").putJson("m" + i, "{}");
    }
    int before = t.deliveredPushes().size();
    client.syncNow().blockingGet();
    assertThat(t.deliveredPushes().subList(before, t.deliveredPushes().size()))
        .allMatch(p -> p.changes().size() <= 400)
        .hasSizeLessThanOrEqualTo(2000 / 200 + 1);
  }

  @Test
  void batchesRespectTheLimitsThePeerAnnounces() {
    MemoryStore serverStore = new MemoryStore();
    SyncEngine server =
        engine("server", serverStore, clock)
            .inboundLimits(new InboundLimits(50, 1 << 20, 1 << 16, Duration.ofDays(1)))
            .build();
    LoopbackTransport t = new LoopbackTransport(server.handler());
    SyncEngine client = client("phone", new MemoryStore(), clock, t).build();
    for (int i = 0; i < 120; i++) {
      client.collection("notes").putJson("n" + i, "{}");
    }
    client.syncNow().blockingGet();
    assertThat(t.deliveredPushes()).extracting(p -> p.changes().size()).containsExactly(50, 50, 20);
  }

  @Test
  void batchesAreBoundedByBytes() {
    MemoryStore serverStore = new MemoryStore();
    SyncEngine server = Fixtures.server(serverStore, clock);
    LoopbackTransport t = new LoopbackTransport(server.handler());
    SyncEngine client =
        client("phone", new MemoryStore(), clock, t).batchLimits(1000, 10_000).build();
    String doc = "{\"t\":\"" + "x".repeat(1000) + "\"}";
    for (int i = 0; i < 50; i++) {
      client.collection("notes").putJson("n" + i, doc);
    }
    client.syncNow().blockingGet();
    assertThat(t.deliveredPushes()).allMatch(p -> p.approximateBytes() <= 10_000);
    assertThat(serverStore.headSeq()).isEqualTo(50);
  }

  @Test
  void aSingleRecordTooLargeForThePeerIsQuarantinedAndDoesNotBlockTheRest() {
    MemoryStore serverStore = new MemoryStore();
    SyncEngine server =
        engine("server", serverStore, clock)
            .inboundLimits(new InboundLimits(100, 2_000, 1 << 16, Duration.ofDays(1)))
            .build();
    SyncEngine client = client("phone", new MemoryStore(), clock, server).build();
    client.collection("notes").putJson("small-1", "{}");
    client.collection("notes").putJson("huge", "{\"t\":\"" + "x".repeat(5_000) + "\"}");
    client.collection("notes").putJson("small-2", "{}");
    SyncResult r = client.syncNow().blockingGet();
    assertThat(r.isSuccess()).isTrue();
    assertThat(r.pushed()).isEqualTo(2);
    assertThat(client.quarantine()).extracting(q -> q.code()).containsExactly("TOO_LARGE");
    assertThat(serverStore.headSeq()).isEqualTo(2);
  }
}
