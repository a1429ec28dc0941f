package io.syncline.transport.http;

import io.syncline.engine.SyncEngine;
import io.syncline.spi.Authenticator;
import io.syncline.store.memory.MemoryStore;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * A throwaway server to try the protocol by hand (README): an engine on a memory store behind
 * {@link HttpSyncServer}, tokens {@code alice-token} and {@code bob-token}, each user reading and
 * writing the scope named after them and the scope {@code shared}.
 *
 * <pre>
 * mvn -f transport-http/pom.xml test-compile exec:java@demo-server -Dexec.args=8080
 * </pre>
 */
public final class DemoServer {
  private DemoServer() {}

  public static void main(String[] args) throws Exception {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
    SyncEngine engine =
        SyncEngine.builder()
            .replicaId("demo-server")
            .store(new MemoryStore())
            .defaultScope("shared")
            .authorizer(HttpFixtures.OWN_SCOPES)
            .build();
    engine.collection("notes").putJson("welcome", "{\"text\":\"hello from the demo server\"}");
    HttpSyncServer server =
        HttpSyncServer.builder()
            .port(port)
            .handler(engine.handler())
            .authenticator(Authenticator.tokens(Map.of("alice-token", "alice", "bob-token", "bob")))
            .build()
            .start();
    System.out.println(
        "Syncline demo server at " + server.uri() + " (tokens: alice-token, bob-token)");
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  engine.close();
                  stop.countDown();
                }));
    stop.await();
  }
}
