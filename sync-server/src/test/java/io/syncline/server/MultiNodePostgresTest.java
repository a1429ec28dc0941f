package io.syncline.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.engine.SyncEngine;
import io.syncline.spi.SyncStore;
import io.syncline.store.memory.MemoryStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three server processes on one PostgreSQL; clients spread across them converge. */
class MultiNodePostgresTest {
  @TempDir Path dir;

  @Test
  void clientsOfThreeServerNodesOnOneDatabaseConverge() throws Exception {
    Path tokens = dir.resolve("tokens");
    Files.write(tokens, "team-token team team\n".getBytes(StandardCharsets.UTF_8));
    try (EmbeddedPostgres pg =
        EmbeddedPostgres.builder()
            .setServerConfig("fsync", "on")
            .setServerConfig("synchronous_commit", "on")
            .start()) {
      String url = "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres";
      List<ServerProcess> nodes = new ArrayList<>();
      try {
        for (int n = 1; n <= 3; n++) {
          nodes.add(
              ServerProcess.launch(
                  "--http-port",
                  "0",
                  "--admin-port",
                  "-1",
                  "--db",
                  url,
                  "--db-user",
                  "postgres",
                  "--tokens",
                  tokens.toString(),
                  "--replica-id",
                  "node-" + n));
        }
        for (ServerProcess node : nodes) {
          node.awaitListening();
        }
        List<SyncEngine> clients = new ArrayList<>();
        List<SyncStore> stores = new ArrayList<>();
        for (int c = 0; c < 6; c++) {
          SyncStore s = new MemoryStore();
          stores.add(s);
          clients.add(
              Clients.client("client-" + c, s, nodes.get(c % 3).http, "team-token", "team"));
        }
        for (int c = 0; c < clients.size(); c++) {
          for (int i = 0; i < 20; i++) {
            clients.get(c).collection("notes").putJson("c" + c + "-" + i, "{\"by\":" + c + "}");
          }
          // Everybody edits one shared note, each a field of their own.
          clients.get(c).collection("notes").putJson("shared", "{\"f" + c + "\":" + c + "}");
        }
        for (int round = 0; round < 3; round++) {
          for (SyncEngine client : clients) {
            assertThat(client.syncNow().blockingGet().isSuccess()).isTrue();
          }
        }
        Map<String, String> first = Clients.snapshot(stores.get(0));
        assertThat(first).hasSize(6 * 20 + 1);
        for (SyncStore s : stores) {
          assertThat(Clients.snapshot(s)).isEqualTo(first);
        }
        // A change written through node 1 reached a client of node 3.
        assertThat(first).containsKey("c0-0");
        assertThat(clients.get(2).collection("notes").get("c0-0")).isPresent();
      } finally {
        for (ServerProcess node : nodes) {
          node.close();
        }
      }
    }
  }
}
