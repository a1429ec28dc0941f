package io.syncline.transport.http;

import static io.syncline.transport.http.HttpFixtures.ALICE_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.syncline.engine.Peer;
import io.syncline.engine.SyncEngine;
import io.syncline.spi.Clock;
import io.syncline.spi.RecordId;
import io.syncline.store.memory.MemoryStore;
import io.syncline.testkit.Commands;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Node script of the README, which knows nothing but docs/http-protocol.md, syncs with a live
 * server alongside a Java client. Skipped when {@code node} is not on the PATH.
 */
class NodeClientTest {
  private static final Path SCRIPT = Path.of("scripts", "sync-with-node.mjs");

  @Test
  void aNodeClientFollowingTheDocPushesAndPullsAlongsideAJavaClient() throws Exception {
    assumeTrue(
        Commands.available("node"), "node is not on the PATH: the Node client test is skipped");
    assertThat(Files.isRegularFile(SCRIPT)).as("script %s", SCRIPT.toAbsolutePath()).isTrue();

    // Real clocks: the script stamps versions with Date.now().
    MemoryStore serverStore = new MemoryStore();
    SyncEngine server =
        HttpFixtures.engine("server", serverStore, Clock.SYSTEM, "alice")
            .authorizer(HttpFixtures.OWN_SCOPES)
            .build();
    try (HttpSyncServer http = HttpFixtures.start(server.handler());
        HttpSyncTransport transport = HttpFixtures.transport(http, ALICE_TOKEN)) {
      MemoryStore javaStore = new MemoryStore();
      SyncEngine java =
          HttpFixtures.engine("java-client", javaStore, Clock.SYSTEM, "alice")
              .peer(Peer.of("server", transport, "alice"))
              .build();
      java.collection("notes").putJson("from-java", "{\"text\":\"hello from java\"}");
      assertThat(java.syncNow().blockingGet().isSuccess()).isTrue();

      Process node =
          new ProcessBuilder("node", SCRIPT.toString(), http.uri().toString(), ALICE_TOKEN, "alice")
              .redirectErrorStream(true)
              .start();
      String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(node.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(node.exitValue()).as(output).isZero();

      JsonNode summary = new ObjectMapper().readTree(output.lines().reduce((a, b) -> b).orElse(""));
      assertThat(summary.get("ok").asBoolean()).isTrue();
      assertThat(summary.get("pulled").toString()).contains("notes/from-java");
      assertThat(summary.get("refusedWith").asText()).isEqualTo("REJECTED");

      // The Java client gets what Node pushed, byte for byte, and the deletion.
      assertThat(java.syncNow().blockingGet().isSuccess()).isTrue();
      assertThat(
              javaStore
                  .get(RecordId.of("notes", "from-node-1"))
                  .orElseThrow()
                  .record()
                  .payload()
                  .toUtf8())
          .isEqualTo("{\"text\":\"hello from node\",\"n\":1}");
      assertThat(
              javaStore.get(RecordId.of("notes", "from-node-2")).orElseThrow().record().deleted())
          .isTrue();
      assertThat(serverStore.get(RecordId.of("notes", "intruder"))).isEmpty();
      HttpFixtures.assertConverged(serverStore, javaStore);
      assertThat(HttpFixtures.snapshot(serverStore).keySet())
          .containsExactlyInAnyOrderElementsOf(
              List.of(
                  RecordId.of("notes", "from-java"),
                  RecordId.of("notes", "from-node-1"),
                  RecordId.of("notes", "from-node-2")));
    }
  }
}
