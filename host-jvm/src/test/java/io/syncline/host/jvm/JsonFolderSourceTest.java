package io.syncline.host.jvm;

import static org.assertj.core.api.Assertions.assertThat;

import io.reactivex.rxjava3.schedulers.Schedulers;
import io.syncline.engine.Peer;
import io.syncline.engine.SyncEngine;
import io.syncline.engine.SyncResult;
import io.syncline.spi.ChangeSource;
import io.syncline.spi.RecordId;
import io.syncline.store.memory.MemoryStore;
import io.syncline.testkit.FakeClock;
import io.syncline.testkit.LoopbackTransport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonFolderSourceTest {
  @TempDir Path dir;

  private void write(String name, String json, long mtime) throws IOException {
    Path f = dir.resolve("contacts").resolve(name + ".json");
    Files.createDirectories(f.getParent());
    Files.write(f, json.getBytes(StandardCharsets.UTF_8));
    Files.setLastModifiedTime(f, FileTime.fromMillis(mtime));
  }

  @Test
  void afterAFullImportEditingThreeOfAThousandFilesMovesExactlyThose() throws IOException {
    for (int i = 0; i < 1000; i++) {
      write("c" + i, "{\"name\":\"Contact " + i + "\"}", 1_000_000L);
    }
    FakeClock clock = new FakeClock();
    MemoryStore serverStore = new MemoryStore();
    SyncEngine server =
        SyncEngine.builder()
            .replicaId("server")
            .store(serverStore)
            .clock(clock)
            .ioScheduler(Schedulers.trampoline())
            .build();
    LoopbackTransport t = new LoopbackTransport(server.handler());
    SyncEngine desktop =
        SyncEngine.builder()
            .replicaId("desktop")
            .store(new MemoryStore())
            .clock(clock)
            .ioScheduler(Schedulers.trampoline())
            .changeSource(
                new JsonFolderSource(
                    dir.resolve("contacts"), dir.resolve("state"), "contacts", "me"))
            .peer(Peer.of("server", t, "me"))
            .build();
    assertThat(desktop.syncNow().blockingGet().pushed()).isEqualTo(1000);
    assertThat(desktop.syncNow().blockingGet().pushed()).isZero();

    write("c7", "{\"name\":\"Seven\"}", 2_000_000L);
    write("c500", "{\"name\":\"Five hundred\"}", 2_000_000L);
    Files.delete(dir.resolve("contacts").resolve("c999.json"));
    write("broken", "{\"name\":", 2_000_000L); // a bad file is skipped, not fatal
    int before = t.deliveredPushChanges();
    SyncResult r = desktop.syncNow().blockingGet();
    assertThat(r.isSuccess()).isTrue();
    assertThat(r.pushed()).isEqualTo(3);
    assertThat(t.deliveredPushChanges() - before).isEqualTo(3);
    assertThat(
            server
                .collection("contacts", com.fasterxml.jackson.databind.JsonNode.class, "me")
                .get("c500")
                .orElseThrow()
                .get("name")
                .asText())
        .isEqualTo("Five hundred");
    assertThat(serverStore.get(RecordId.of("contacts", "c999")).orElseThrow().record().deleted())
        .isTrue();
    assertThat(serverStore.get(RecordId.of("contacts", "broken"))).isEmpty();
  }

  @Test
  void aScanWhoseTokenWasNeverStoredIsRepeatedFromTheOldManifest() throws IOException {
    write("a", "{}", 1_000L);
    JsonFolderSource src =
        new JsonFolderSource(dir.resolve("contacts"), dir.resolve("state"), "contacts", "me");
    ChangeSource.ScanResult first = src.scan(null, 100);
    assertThat(first.changes()).hasSize(1);
    write("b", "{}", 2_000L);
    ChangeSource.ScanResult second = src.scan(first.nextToken(), 100);
    assertThat(second.changes()).extracting(c -> c.id().key()).containsExactly("b");
    // The engine died before storing second's token: scanning from first's token again works
    // and reports the same change.
    ChangeSource.ScanResult again = src.scan(first.nextToken(), 100);
    assertThat(again.changes()).extracting(c -> c.id().key()).containsExactly("b");
  }
}
