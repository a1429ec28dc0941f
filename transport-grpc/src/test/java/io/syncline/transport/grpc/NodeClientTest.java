package io.syncline.transport.grpc;

import static io.syncline.transport.grpc.GrpcFixtures.ALICE_TOKEN;
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
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Node script of the README, which knows nothing but the .proto and docs/grpc-protocol.md,
 * syncs with a live server alongside a Java client. It installs @grpc/grpc-js and
 *
 * @grpc/proto-loader from npm under target/; skipped when node or npm is missing or npm cannot
 *     install.
 */
class NodeClientTest {
  private static final Path SCRIPTS = Path.of("scripts");
  private static final Path SCRIPT = SCRIPTS.resolve("sync-with-node.cjs");
  private static final Path NODE_DIR = Path.of("target", "node-client");

  private static String run(Map<String, String> env, int timeoutSeconds, String... command)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", command) + " failed:\n" + out);
    }
    return out;
  }

  /**
   * Installs the two npm packages the script needs under target/node-client; false if npm fails.
   */
  private static boolean installNodePackages() throws Exception {
    if (Files.isDirectory(NODE_DIR.resolve("node_modules").resolve("@grpc").resolve("grpc-js"))) {
      return true;
    }
    Files.createDirectories(NODE_DIR);
    Files.copy(
        SCRIPTS.resolve("package.json"),
        NODE_DIR.resolve("package.json"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    try {
      run(
          Map.of(),
          300,
          "npm",
          "install",
          "--prefix",
          NODE_DIR.toString(),
          "--no-audit",
          "--no-fund",
          "--loglevel=error");
      return true;
    } catch (IOException e) {
      System.err.println(e.getMessage());
      return false;
    }
  }

  @Test
  void aNodeClientWrittenFromTheProtoSyncsAlongsideAJavaClient() throws Exception {
    assumeTrue(
        Commands.available("node") && Commands.available("npm"),
        "node or npm is not on the PATH: the Node gRPC client test is skipped");
    assumeTrue(
        installNodePackages(),
        "npm could not install @grpc/grpc-js and @grpc/proto-loader: the Node client test is"
            + " skipped");
    assertThat(Files.isRegularFile(SCRIPT)).as("script %s", SCRIPT.toAbsolutePath()).isTrue();

    // Real clocks: the script stamps versions with Date.now().
    MemoryStore serverStore = new MemoryStore();
    SyncEngine server =
        GrpcFixtures.engine("server", serverStore, Clock.SYSTEM, "alice")
            .authorizer(GrpcFixtures.OWN_SCOPES)
            .build();
    try (GrpcSyncServer grpc = GrpcFixtures.start(server.handler());
        GrpcSyncTransport transport = GrpcFixtures.transport(grpc.target(), ALICE_TOKEN)) {
      MemoryStore javaStore = new MemoryStore();
      SyncEngine java =
          GrpcFixtures.engine("java-client", javaStore, Clock.SYSTEM, "alice")
              .peer(Peer.of("server", transport, "alice"))
              .build();
      java.collection("notes").putJson("from-java", "{\"text\":\"hello from java\"}");
      assertThat(java.syncNow().blockingGet().isSuccess()).isTrue();

      String output =
          run(
              Map.of("NODE_PATH", NODE_DIR.resolve("node_modules").toAbsolutePath().toString()),
              120,
              "node",
              SCRIPT.toString(),
              grpc.target(),
              ALICE_TOKEN,
              "alice");
      JsonNode summary = new ObjectMapper().readTree(output.lines().reduce((a, b) -> b).orElse(""));
      assertThat(summary.get("ok").asBoolean()).as(output).isTrue();
      assertThat(summary.get("pulled").toString()).contains("notes/from-java");
      assertThat(summary.get("refusedWith").asText()).isEqualTo("PERMISSION_DENIED");
      assertThat(summary.get("liveKey").asText()).isEqualTo("from-node-3");
      assertThat(summary.get("noToken").asText()).isEqualTo("UNAUTHENTICATED");
      assertThat(summary.get("wrongVersion").asText()).isEqualTo("FAILED_PRECONDITION");

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
      GrpcFixtures.assertConverged(serverStore, javaStore);
      assertThat(GrpcFixtures.snapshot(serverStore).keySet())
          .containsExactlyInAnyOrderElementsOf(
              List.of(
                  RecordId.of("notes", "from-java"),
                  RecordId.of("notes", "from-node-1"),
                  RecordId.of("notes", "from-node-2"),
                  RecordId.of("notes", "from-node-3")));
    }
  }
}
