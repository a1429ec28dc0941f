package io.syncline.transport.grpc;

import static io.syncline.transport.grpc.GrpcFixtures.ALICE_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.syncline.engine.Peer;
import io.syncline.engine.PeerResult;
import io.syncline.engine.SyncEngine;
import io.syncline.engine.SyncResult;
import io.syncline.store.memory.MemoryStore;
import io.syncline.testkit.FakeClock;
import io.syncline.testkit.TestCertificates;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** gRPC over TLS with a certificate made by openssl for 127.0.0.1. */
class TlsTest {
  @TempDir Path dir;

  private boolean makeCertificate() throws Exception {
    return TestCertificates.selfSigned(dir).isPresent();
  }

  @Test
  void aClientTrustingTheCertificateSyncsAndAPlaintextClientCannot() throws Exception {
    assumeTrue(makeCertificate(), "openssl is not available to make a test certificate");
    FakeClock clock = new FakeClock();
    MemoryStore serverStore = new MemoryStore();
    SyncEngine server = GrpcFixtures.engine("server", serverStore, clock, "alice").build();
    try (GrpcSyncServer grpc =
            GrpcSyncServer.builder()
                .port(0)
                .handler(server.handler())
                .authenticator(GrpcFixtures.AUTH)
                .tls(dir.resolve("cert.pem").toFile(), dir.resolve("key.pem").toFile())
                .build()
                .start();
        GrpcSyncTransport tls =
            GrpcSyncTransport.builder()
                .target(grpc.target())
                .trustCertificates(dir.resolve("cert.pem").toFile())
                .bearerToken(ALICE_TOKEN)
                .requestTimeout(Duration.ofSeconds(20))
                .build();
        GrpcSyncTransport plain = GrpcFixtures.transport(grpc.target(), ALICE_TOKEN)) {
      MemoryStore clientStore = new MemoryStore();
      SyncEngine client =
          GrpcFixtures.engine("phone", clientStore, clock, "alice")
              .peer(Peer.of("server", tls, "alice"))
              .build();
      client.collection("notes").putJson("over-tls", "{}");
      server.collection("notes").putJson("from-server", "{}");
      SyncResult r = client.syncNow().blockingGet();
      assertThat(r.isSuccess()).as("%s", r).isTrue();
      GrpcFixtures.assertConverged(serverStore, clientStore);

      long head = serverStore.headSeq();
      SyncEngine intruder =
          GrpcFixtures.engine("plain", new MemoryStore(), clock, "alice")
              .peer(Peer.of("server", plain, "alice"))
              .build();
      intruder.collection("notes").putJson("in-clear", "{}");
      SyncResult refused = intruder.syncNow().blockingGet();
      assertThat(refused.peer("server").kind()).isEqualTo(PeerResult.Kind.RETRY);
      assertThat(serverStore.headSeq()).isEqualTo(head);
    }
  }
}
