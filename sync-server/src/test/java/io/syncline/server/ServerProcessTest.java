package io.syncline.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.engine.SyncEngine;
import io.syncline.spi.SyncStore;
import io.syncline.store.memory.MemoryStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server as a separate process, two clients syncing through it. */
class ServerProcessTest {
  @TempDir Path dir;

  private static String get(URI uri) throws Exception {
    return HttpClient.newHttpClient()
        .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }

  @Test
  void twoClientsSyncThroughAServerProcessThatShutsDownGracefully() throws Exception {
    Path tokens = dir.resolve("tokens");
    Files.write(
        tokens,
        ("# who may do what\nphone-token alice alice\nlaptop-token alice alice\n"
                + "mallory-token mallory mallory\n")
            .getBytes(StandardCharsets.UTF_8));
    Path db = dir.resolve("server.db");
    try (ServerProcess server =
        ServerProcess.launch(
                "--http-port",
                "0",
                "--admin-port",
                "0",
                "--db",
                db.toString(),
                "--tokens",
                tokens.toString())
            .awaitListening()) {
      SyncStore phoneStore = new MemoryStore();
      SyncStore laptopStore = new MemoryStore();
      // The phone syncs over gRPC, the laptop over HTTP, with the same server process.
      SyncEngine phone =
          Clients.grpcClient("phone", phoneStore, server.grpc, "phone-token", "alice");
      SyncEngine laptop =
          Clients.client("laptop", laptopStore, server.http, "laptop-token", "alice");
      for (int i = 0; i < 50; i++) {
        phone.collection("notes").putJson("p" + i, "{\"from\":\"phone\",\"i\":" + i + "}");
        laptop.collection("notes").putJson("l" + i, "{\"from\":\"laptop\",\"i\":" + i + "}");
      }
      laptop.collection("notes").putJson("shared", "{\"a\":\"laptop\"}");
      for (int round = 0; round < 2; round++) {
        assertThat(phone.syncNow().blockingGet().isSuccess()).isTrue();
        assertThat(laptop.syncNow().blockingGet().isSuccess()).isTrue();
      }
      assertThat(Clients.snapshot(phoneStore))
          .hasSize(101)
          .isEqualTo(Clients.snapshot(laptopStore));

      // Another user can neither read nor write alice's scope.
      SyncEngine mallory = Clients.client("mallory", server.http, "mallory-token", "alice");
      mallory.collection("notes").putJson("evil", "{}");
      assertThat(mallory.syncNow().blockingGet().isSuccess()).isFalse();
      assertThat(phone.syncNow().blockingGet().pulled()).isZero();

      assertThat(get(server.admin.resolve("/health"))).contains("\"status\":\"ok\"");
      assertThat(get(server.admin.resolve("/metrics")))
          .contains("syncline_changes_in_total 101")
          .contains("syncline_changes_out_total 101");

      // SIGTERM, a graceful stop (Process.destroy() would also close our end of its output).
      server.process.toHandle().destroy();
      int status = server.awaitExit();
      assertThat(status).isIn(0, 143);
      assertThat(server.stdout)
          .as("exit " + status + " " + server.stderr)
          .anyMatch(l -> l.contains("event=stopped"));
      assertThat(server.stdout).allMatch(l -> l.startsWith("ts="));
    }

    // The data survived in the SQLite file: a restarted server serves it to a new client.
    try (ServerProcess again =
        ServerProcess.launch(
                "--http-port",
                "0",
                "--admin-port",
                "-1",
                "--db",
                db.toString(),
                "--tokens",
                tokens.toString())
            .awaitListening()) {
      SyncStore tablet = new MemoryStore();
      SyncEngine t = Clients.client("tablet", tablet, again.http, "phone-token", "alice");
      assertThat(t.syncNow().blockingGet().pulled()).isEqualTo(101);
    }
  }
}
