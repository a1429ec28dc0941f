package io.syncline.transport.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.reactivex.rxjava3.schedulers.Schedulers;
import io.syncline.engine.Peer;
import io.syncline.engine.SyncEngine;
import io.syncline.spi.Authenticator;
import io.syncline.store.memory.MemoryStore;
import io.syncline.testkit.TestCertificates;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** https with a certificate made by openssl for 127.0.0.1. */
class TlsTest {
  @TempDir Path dir;

  private boolean makeCertificate() throws Exception {
    return TestCertificates.selfSigned(dir).isPresent();
  }

  private SSLContext trusting(Path cert) throws Exception {
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    ks.load(null, null);
    try (InputStream in = Files.newInputStream(cert)) {
      ks.setCertificateEntry(
          "server", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  @Test
  void clientsSyncOverHttps() throws Exception {
    assumeTrue(makeCertificate(), "openssl is not available to make a test certificate");
    SyncEngine server =
        SyncEngine.builder()
            .replicaId("server")
            .store(new MemoryStore())
            .ioScheduler(Schedulers.trampoline())
            .build();
    try (HttpSyncServer http =
        HttpSyncServer.builder()
            .handler(server.handler())
            .authenticator(Authenticator.tokens(Map.of("t", "alice")))
            .tls(dir.resolve("cert.pem"), dir.resolve("key.pem"))
            .port(0)
            .build()
            .start()) {
      assertThat(http.uri().getScheme()).isEqualTo("https");
      HttpSyncTransport transport =
          HttpSyncTransport.builder()
              .baseUri(http.uri())
              .tokenSupplier(() -> "t")
              .httpClient(
                  HttpClientAdapter.jdk(Duration.ofSeconds(5), trusting(dir.resolve("cert.pem"))))
              .build();
      SyncEngine phone =
          SyncEngine.builder()
              .replicaId("phone")
              .store(new MemoryStore())
              .ioScheduler(Schedulers.trampoline())
              .defaultScope("alice")
              .peer(Peer.of("server", transport, "alice"))
              .build();
      phone.collection("notes").putJson("a", "{\"over\":\"tls\"}");
      assertThat(phone.syncNow().blockingGet().pushed()).isEqualTo(1);
      assertThat(
              server
                  .collection("notes", com.fasterxml.jackson.databind.JsonNode.class, "alice")
                  .get("a"))
          .isPresent();

      // A client that does not trust the certificate cannot sync, and nothing is applied.
      SyncEngine stranger =
          SyncEngine.builder()
              .replicaId("stranger")
              .store(new MemoryStore())
              .ioScheduler(Schedulers.trampoline())
              .defaultScope("alice")
              .peer(
                  Peer.of(
                      "server",
                      HttpSyncTransport.builder()
                          .baseUri(http.uri())
                          .tokenSupplier(() -> "t")
                          .build(),
                      "alice"))
              .build();
      stranger.collection("notes").putJson("b", "{}");
      assertThat(stranger.syncNow().blockingGet().isSuccess()).isFalse();
      assertThat(
              server
                  .collection("notes", com.fasterxml.jackson.databind.JsonNode.class, "alice")
                  .get("b"))
          .isEmpty();
    }
  }

  @Test
  void unreadableCertificateFilesAreRefusedWithTheReason() throws IOException {
    Path bad = dir.resolve("bad.pem");
    Files.write(bad, "not a certificate".getBytes(StandardCharsets.US_ASCII));
    assertThatThrownBy(() -> HttpSyncServer.builder().tls(bad, bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot use TLS certificate");
    assertThatThrownBy(() -> HttpSyncServer.builder().tls(dir.resolve("missing.pem"), bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("missing.pem");
  }
}
