package io.syncline.engine;

import static io.syncline.engine.Fixtures.assertConverged;
import static io.syncline.engine.Fixtures.client;
import static io.syncline.engine.Fixtures.engine;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.syncline.spi.ConflictResolver;
import io.syncline.spi.RecordId;
import io.syncline.spi.SyncRecord;
import io.syncline.store.memory.MemoryStore;
import io.syncline.testkit.FakeClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConflictResolutionTest {
  private final FakeClock clock = new FakeClock();

  private record Trio(SyncEngine server, SyncEngine a, SyncEngine b, MemoryStore... stores) {}

  private Trio trio(ConflictResolver resolver) {
    MemoryStore s = new MemoryStore("s");
    MemoryStore sa = new MemoryStore("a");
    MemoryStore sb = new MemoryStore("b");
    SyncEngine server = engine("server", s, clock).resolver(resolver).build();
    SyncEngine a = client("a", sa, clock, server).resolver(resolver).build();
    SyncEngine b = client("b", sb, clock, server).resolver(resolver).build();
    return new Trio(server, a, b, s, sa, sb);
  }

  private static void syncAll(Trio t) {
    for (int i = 0; i < 2; i++) {
      t.a().syncNow().blockingGet();
      t.b().syncNow().blockingGet();
    }
  }

  @Test
  void fieldMergeKeepsBothEditsOnEveryReplica() {
    Trio t = trio(Resolvers.fieldMerge());
    t.a()
        .collection("contacts")
        .putJson("ada", "{\"name\":\"Ada\",\"phone\":\"1\",\"mail\":\"a@x\"}");
    syncAll(t);
    // Offline, A edits the phone and B edits the mail of the same contact.
    clock.advance(Duration.ofSeconds(1));
    t.a()
        .collection("contacts")
        .putJson("ada", "{\"name\":\"Ada\",\"phone\":\"2\",\"mail\":\"a@x\"}");
    clock.advance(Duration.ofSeconds(1));
    t.b()
        .collection("contacts")
        .putJson("ada", "{\"name\":\"Ada\",\"phone\":\"1\",\"mail\":\"b@y\"}");
    syncAll(t);
    for (SyncEngine e : new SyncEngine[] {t.server(), t.a(), t.b()}) {
      JsonNode ada = e.collection("contacts").get("ada").orElseThrow();
      assertThat(ada.get("phone").asText()).as(e.replicaId()).isEqualTo("2");
      assertThat(ada.get("mail").asText()).as(e.replicaId()).isEqualTo("b@y");
      assertThat(ada.get("name").asText()).isEqualTo("Ada");
    }
    assertConverged(t.stores());
    // Once converged, replicas do not trade fresh versions of equal content.
    for (int i = 0; i < 3; i++) {
      SyncResult ra = t.a().syncNow().blockingGet();
      SyncResult rb = t.b().syncNow().blockingGet();
      assertThat(ra.pushed() + ra.pulled() + rb.pushed() + rb.pulled()).isZero();
    }
  }

  @Test
  void aResolverThatAlwaysKeepsTheRemoteStateStillSettles() {
    ConflictResolver keepRemote =
        new ConflictResolver() {
          @Override
          public Resolution resolve(SyncRecord local, SyncRecord remote) {
            return new KeepRemote();
          }
        };
    Trio t = trio(keepRemote);
    t.a().collection("notes").putJson("x", "{\"v\":1}");
    t.b().collection("notes").putJson("x", "{\"v\":1}");
    syncAll(t);
    syncAll(t);
    assertConverged(t.stores());
    SyncResult again = t.a().syncNow().blockingGet();
    assertThat(again.pushed() + again.pulled()).isZero();
  }

  @Test
  void fieldMergeKeepsARemovedFieldRemoved() {
    Trio t = trio(Resolvers.fieldMerge());
    t.a()
        .collection("contacts")
        .putJson("ada", "{\"name\":\"Ada\",\"nick\":\"A\",\"phone\":\"1\"}");
    syncAll(t);
    clock.advance(Duration.ofSeconds(1));
    t.a().collection("contacts").putJson("ada", "{\"name\":\"Ada\",\"phone\":\"1\"}");
    clock.advance(Duration.ofSeconds(1));
    t.b()
        .collection("contacts")
        .putJson("ada", "{\"name\":\"Ada\",\"nick\":\"A\",\"phone\":\"9\"}");
    syncAll(t);
    JsonNode ada = t.a().collection("contacts").get("ada").orElseThrow();
    assertThat(ada.has("nick")).isFalse();
    assertThat(ada.get("phone").asText()).isEqualTo("9");
    assertConverged(t.stores());
  }

  @Test
  void lastWriterWinsPicksTheSameWinnerEverywhere() {
    Trio t = trio(Resolvers.lastWriterWins());
    t.a().collection("notes").putJson("x", "{\"v\":\"a\"}");
    t.b().collection("notes").putJson("x", "{\"v\":\"b\"}"); // same millisecond: replica id decides
    syncAll(t);
    assertConverged(t.stores());
    SyncRecord winner = t.stores()[0].get(RecordId.of("notes", "x")).orElseThrow().record();
    assertThat(winner.version().replicaId()).isEqualTo("b");
    assertThat(winner.payload().toUtf8()).isEqualTo("{\"v\":\"b\"}");
  }

  @Test
  void lastWriterWinsLetsALaterDeleteWinAndNeverResurrects() {
    Trio t = trio(Resolvers.lastWriterWins());
    t.a().collection("notes").putJson("x", "{\"v\":1}");
    syncAll(t);
    clock.advance(Duration.ofSeconds(1));
    t.a().collection("notes").putJson("x", "{\"v\":2}");
    clock.advance(Duration.ofSeconds(1));
    t.b().collection("notes").delete("x");
    syncAll(t);
    assertConverged(t.stores());
    for (SyncEngine e : new SyncEngine[] {t.server(), t.a(), t.b()}) {
      assertThat(e.collection("notes").get("x")).isEmpty();
    }
    // A stale copy of the old state, replayed by a peer, changes nothing.
    SyncRecord stale = t.stores()[1].get(RecordId.of("notes", "x")).orElseThrow().record();
    assertThat(stale.deleted()).isTrue();
  }

  @Test
  void aCustomResolverResultGetsAVersionThatDominatesBoth() {
    ConflictResolver keepLocal =
        new ConflictResolver() {
          @Override
          public Resolution resolve(SyncRecord local, SyncRecord remote) {
            return new KeepLocal();
          }
        };
    MemoryStore s = new MemoryStore("s");
    SyncEngine server = engine("server", s, clock).resolver(keepLocal).build();
    MemoryStore sa = new MemoryStore("a");
    SyncEngine a = client("a", sa, clock, server).build();
    server.collection("notes").putJson("x", "{\"v\":\"server\"}");
    clock.advance(Duration.ofSeconds(5));
    WriteReceipt newer = a.collection("notes").putJson("x", "{\"v\":\"a\"}");
    a.syncNow().blockingGet(); // push: the server keeps its own content under a new version
    a.syncNow().blockingGet(); // pull it back
    SyncRecord onServer = s.get(RecordId.of("notes", "x")).orElseThrow().record();
    assertThat(onServer.payload().toUtf8()).isEqualTo("{\"v\":\"server\"}");
    assertThat(onServer.version().isNewerThan(newer.version())).isTrue();
    assertConverged(s, sa);
  }
}
