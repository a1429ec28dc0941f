package io.syncline.transport.grpc;

import static io.syncline.transport.grpc.GrpcFixtures.ALICE_TOKEN;
import static io.syncline.transport.grpc.GrpcFixtures.assertConverged;
import static io.syncline.transport.grpc.GrpcFixtures.engine;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.syncline.engine.Peer;
import io.syncline.engine.Resolvers;
import io.syncline.engine.SyncCollection;
import io.syncline.engine.SyncEngine;
import io.syncline.engine.SyncResult;
import io.syncline.spi.SyncStore;
import io.syncline.spi.SyncTransport;
import io.syncline.store.memory.MemoryStore;
import io.syncline.testkit.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Engines syncing through real gRPC servers on 127.0.0.1, and through in-process gRPC. */
class GrpcConvergenceTest {
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

  /** A transport to a server for {@code engine}: Netty on 127.0.0.1, or in-process. */
  private SyncTransport serve(SyncEngine engine, boolean inProcess) throws Exception {
    if (!inProcess) {
      GrpcSyncServer server = closing(GrpcFixtures.start(engine.handler()));
      return closing(GrpcFixtures.transport(server.target(), ALICE_TOKEN));
    }
    String name = "sync-" + System.identityHashCode(engine);
    ExecutorService workers = Executors.newFixedThreadPool(4);
    closeables.add(workers::shutdownNow);
    GrpcSyncService service =
        GrpcSyncService.builder()
            .handler(engine.handler())
            .authenticator(GrpcFixtures.AUTH)
            .executor(workers)
            .build();
    Server server =
        InProcessServerBuilder.forName(name)
            .executor(workers)
            .addService(service.serviceDefinition())
            .build()
            .start();
    closeables.add(() -> server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
    ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
    closeables.add(() -> channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
    return GrpcSyncTransport.builder().channel(channel).bearerToken(ALICE_TOKEN).build();
  }

  @ParameterizedTest(name = "in-process: {0}")
  @ValueSource(booleans = {false, true})
  void twoClientsAndAServerConverge(boolean inProcess) throws Exception {
    Random rnd = new Random(7);
    MemoryStore serverStore = new MemoryStore("server-epoch");
    SyncEngine server =
        engine("server", serverStore, clock, SCOPE)
            .resolver(Resolvers.fieldMerge())
            .authorizer(GrpcFixtures.OWN_SCOPES)
            .build();
    SyncTransport transport = serve(server, inProcess);
    List<SyncEngine> clients = new ArrayList<>();
    List<SyncStore> stores = new ArrayList<>(List.of(serverStore));
    for (int i = 0; i < 2; i++) {
      MemoryStore store = new MemoryStore("client-" + i);
      stores.add(store);
      clients.add(
          engine("client-" + i, store, clock, SCOPE)
              .resolver(Resolvers.fieldMerge())
              .batchLimits(25, 1 << 20)
              .peer(Peer.of("server", transport, SCOPE))
              .build());
    }
    for (int step = 0; step < 300; step++) {
      SyncEngine e = clients.get(rnd.nextInt(clients.size()));
      SyncCollection<JsonNode> notes = e.collection("notes");
      String key = "n" + rnd.nextInt(40) + (rnd.nextInt(10) == 0 ? " ünïcödé/ключ" : "");
      if (rnd.nextInt(10) < 8) {
        notes.putJson(key, "{\"f" + rnd.nextInt(3) + "\":" + rnd.nextInt(1000) + "}");
      } else {
        notes.delete(key);
      }
      clock.advance(Duration.ofMillis(rnd.nextInt(5)));
      if (rnd.nextInt(40) == 0) {
        assertThat(clients.get(rnd.nextInt(clients.size())).syncNow().blockingGet().isSuccess())
            .isTrue();
      }
    }
    server.collection("notes").putJson("from-server", "{\"by\":\"server\"}");
    for (int round = 0; round < 2; round++) {
      for (SyncEngine e : clients) {
        SyncResult r = e.syncNow().blockingGet();
        assertThat(r.isSuccess()).as("%s", r).isTrue();
      }
    }
    assertConverged(stores.toArray(new SyncStore[0]));
    assertThat(GrpcFixtures.snapshot(serverStore)).hasSizeGreaterThan(20);
    for (SyncEngine e : clients) {
      assertThat(e.pendingRecords()).isEmpty();
    }
  }

  @Test
  void threePeersInAChainConverge() throws Exception {
    // a syncs with b; b syncs with c: b is a client and a server at once.
    MemoryStore storeA = new MemoryStore("a");
    MemoryStore storeB = new MemoryStore("b");
    MemoryStore storeC = new MemoryStore("c");
    SyncEngine c = engine("c", storeC, clock, SCOPE).build();
    GrpcSyncServer serverC = closing(GrpcFixtures.start(c.handler()));
    SyncEngine b =
        engine("b", storeB, clock, SCOPE)
            .peer(
                Peer.of("c", closing(GrpcFixtures.transport(serverC.target(), ALICE_TOKEN)), SCOPE))
            .build();
    GrpcSyncServer serverB = closing(GrpcFixtures.start(b.handler()));
    SyncEngine a =
        engine("a", storeA, clock, SCOPE)
            .peer(
                Peer.of("b", closing(GrpcFixtures.transport(serverB.target(), ALICE_TOKEN)), SCOPE))
            .build();

    for (int i = 0; i < 120; i++) {
      SyncEngine writer = i % 3 == 0 ? a : i % 3 == 1 ? b : c;
      writer.collection("notes").putJson("k" + (i % 50), "{\"i\":" + i + "}");
      clock.advance(Duration.ofMillis(1));
    }
    a.collection("notes").delete("k1");
    c.collection("contacts").putJson("bob", "{\"name\":\"Bob\"}");

    // Changes travel a -> b -> c and c -> b -> a: two rounds along the chain.
    for (int round = 0; round < 2; round++) {
      assertThat(a.syncNow().blockingGet().isSuccess()).isTrue();
      assertThat(b.syncNow().blockingGet().isSuccess()).isTrue();
    }
    assertThat(a.syncNow().blockingGet().isSuccess()).isTrue();
    assertConverged(storeA, storeB, storeC);
    assertThat(GrpcFixtures.snapshot(storeC)).hasSize(51);
    assertThat(
            storeC.get(io.syncline.spi.RecordId.of("notes", "k1")).orElseThrow().record().deleted())
        .isTrue();
  }
}
