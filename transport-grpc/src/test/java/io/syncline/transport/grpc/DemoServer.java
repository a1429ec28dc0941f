package io.syncline.transport.grpc;

import io.syncline.engine.SyncEngine;
import io.syncline.spi.Clock;
import io.syncline.store.memory.MemoryStore;

/**
 * A gRPC sync server on a memory store for trying clients by hand: {@code alice-token} is alice,
 * {@code bob-token} is bob; each reads and writes the scope named after them and {@code shared}.
 *
 * <pre>
 * mvn -f transport-grpc/pom.xml test-compile exec:java@demo-server -Dexec.args=9090
 * </pre>
 */
public final class DemoServer {
  private DemoServer() {}

  public static void main(String[] args) throws Exception {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 9090;
    SyncEngine engine =
        GrpcFixtures.engine("demo-server", new MemoryStore(), Clock.SYSTEM, "shared")
            .authorizer(GrpcFixtures.OWN_SCOPES)
            .build();
    GrpcSyncServer server =
        GrpcSyncServer.builder()
            .port(port)
            .handler(engine.handler())
            .authenticator(GrpcFixtures.AUTH)
            .build()
            .start();
    System.out.println("syncline gRPC demo server on " + server.target() + "; Ctrl-C stops it");
    Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    Thread.currentThread().join();
  }
}
