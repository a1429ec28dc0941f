package io.syncline.engine;

import static io.syncline.engine.Fixtures.client;
import static io.syncline.engine.Fixtures.engine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.spi.BackgroundWork;
import io.syncline.spi.SyncScheduler;
import io.syncline.spi.WorkRequest;
import io.syncline.store.memory.MemoryStore;
import io.syncline.testkit.FakeClock;
import io.syncline.testkit.LoopbackTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeadlineAndBuilderTest {
  private final FakeClock clock = new FakeClock();

  @Test
  void aDeadlineStopsCleanlyAndTheNextRunContinuesFromTheCursor() {
    MemoryStore serverStore = new MemoryStore();
    SyncEngine server = Fixtures.server(serverStore, clock);
    LoopbackTransport t = new LoopbackTransport(server.handler());
    t.setLatency(clock, Duration.ofSeconds(1)); // every exchange takes a second
    SyncEngine client =
        client("phone", new MemoryStore(), clock, t).batchLimits(100, 1 << 20).build();
    for (int i = 0; i < 1000; i++) {
      client.collection("notes").putJson("n" + i, "{}");
    }
    SyncResult partial = client.syncUntil(clock.millis() + 4_500);
    assertThat(partial.peer("server").kind()).isEqualTo(PeerResult.Kind.RETRY);
    assertThat(partial.peer("server").message()).contains("deadline");
    int firstRun = partial.pushed();
    assertThat(firstRun).isBetween(100, 900);
    assertThat(client.pendingRecords()).hasSize(1000 - firstRun);
    assertThat(serverStore.headSeq()).isEqualTo(firstRun);

    SyncResult rest = client.syncUntil(Long.MAX_VALUE);
    assertThat(rest.isSuccess()).isTrue();
    // No acknowledged change was sent again: the two runs add up to exactly the outbox.
    assertThat(firstRun + rest.pushed()).isEqualTo(1000);
    assertThat(t.deliveredPushChanges()).isEqualTo(1000);
    assertThat(serverStore.headSeq()).isEqualTo(1000);
  }

  @Test
  void statusNamesTheConstraintAHostWaitsFor() {
    List<BackgroundWork> handed = new ArrayList<>();
    SyncScheduler host =
        new SyncScheduler() {
          @Override
          public void schedule(WorkRequest request, BackgroundWork work) {
            handed.add(work);
          }

          @Override
          public void cancel(String name) {}
        };
    SyncEngine e = engine("phone", new MemoryStore(), clock).scheduler(host).build();
    e.enableBackgroundSync();
    assertThat(handed).hasSize(1);
    handed.get(0).waiting("UNMETERED");
    assertThat(e.currentStatus().state()).isEqualTo(SyncStatus.State.WAITING);
    assertThat(e.currentStatus().detail()).isEqualTo("waiting for UNMETERED");
  }

  @Test
  void queryFiltersTypedRecords() {
    record Contact(String name, int age) {}
    SyncEngine e = engine("phone", new MemoryStore(), clock).build();
    SyncCollection<Contact> c = e.collection("contacts", Contact.class);
    c.put("a", new Contact("Ada", 36));
    c.put("b", new Contact("Bob", 17));
    c.put("c", new Contact("Cy", 52));
    c.delete("c");
    assertThat(c.query(x -> x.age() > 18))
        .extracting(SyncCollection.Item::key)
        .containsExactly("a");
    assertThat(c.all()).hasSize(2);
  }

  @Test
  void builderNamesWhatIsWrong() {
    MemoryStore store = new MemoryStore();
    assertThatThrownBy(() -> SyncEngine.builder().store(store).build())
        .hasMessage("replicaId == null");
    assertThatThrownBy(() -> SyncEngine.builder().replicaId("a").build())
        .hasMessage("store == null");
    assertThatThrownBy(() -> SyncEngine.builder().replicaId("a b").store(store).build())
        .hasMessageContaining("replicaId");
    assertThatThrownBy(
            () -> SyncEngine.builder().replicaId("a").store(store).batchLimits(0, 1).build())
        .hasMessageContaining("maxBatchChanges");
    assertThatThrownBy(
            () -> SyncEngine.builder().replicaId("a").store(store).defaultScope("").build())
        .hasMessageContaining("scope");
    LoopbackTransport t =
        new LoopbackTransport(engine("s", new MemoryStore(), clock).build().handler());
    assertThatThrownBy(
            () -> SyncEngine.builder().peer(Peer.of("p", t, "x")).peer(Peer.of("p", t, "y")))
        .hasMessageContaining("two peers");
    assertThatThrownBy(
            () ->
                SyncEngine.builder().replicaId("a").store(store).peer(Peer.of("a", t, "x")).build())
        .hasMessageContaining("own id");
    assertThatThrownBy(() -> Peer.of("p", t)).hasMessageContaining("at least one scope");
  }
}
