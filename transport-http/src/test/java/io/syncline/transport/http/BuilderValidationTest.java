package io.syncline.transport.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.engine.SyncEngine;
import io.syncline.spi.Authenticator;
import io.syncline.store.memory.MemoryStore;
import io.syncline.testkit.FakeClock;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BuilderValidationTest {
  private final SyncEngine engine =
      HttpFixtures.engine("server", new MemoryStore(), new FakeClock(), "s").build();

  @Test
  void serverBuilderNamesWhatIsMissing() {
    assertThatThrownBy(() -> HttpSyncServer.builder().handler(engine.handler()).build())
        .hasMessageContaining("port");
    assertThatThrownBy(() -> HttpSyncServer.builder().port(0).handler(engine.handler()).build())
        .hasMessageContaining("authenticator");
    assertThatThrownBy(() -> HttpSyncServer.builder().port(70000)).hasMessageContaining("port");
    assertThatThrownBy(
            () ->
                HttpSyncServer.builder()
                    .port(0)
                    .handler(engine.handler())
                    .authenticator(Authenticator.ANONYMOUS)
                    .idleTimeout(Duration.ofSeconds(10))
                    .build())
        .hasMessageContaining("idleTimeout");
  }

  @Test
  void serverBindsLoopbackByDefaultAndAPortInUseIsAnIOException() throws IOException {
    try (HttpSyncServer s =
        HttpSyncServer.builder()
            .port(0)
            .handler(engine.handler())
            .authenticator(Authenticator.ANONYMOUS)
            .build()
            .start()) {
      assertThat(s.uri().getHost()).isEqualTo("127.0.0.1");
      HttpSyncServer second =
          HttpSyncServer.builder()
              .port(s.port())
              .handler(engine.handler())
              .authenticator(Authenticator.ANONYMOUS)
              .build();
      assertThatThrownBy(second::start).isInstanceOf(IOException.class);
    }
  }

  @Test
  void transportBuilderValidatesTheBaseUri() {
    assertThatThrownBy(() -> HttpSyncTransport.builder().build()).hasMessageContaining("baseUri");
    assertThatThrownBy(() -> HttpSyncTransport.builder().baseUri(URI.create("ftp://h/")))
        .hasMessageContaining("http");
    assertThatThrownBy(() -> HttpSyncTransport.builder().baseUri(URI.create("http://h/?a=1")))
        .hasMessageContaining("query");
    assertThat(
            HttpSyncTransport.builder()
                .baseUri(URI.create("https://h/sync"))
                .build()
                .baseUri()
                .toString())
        .isEqualTo("https://h/sync/");
    assertThatThrownBy(() -> HttpSyncTransport.builder().requestTimeout(Duration.ZERO))
        .hasMessageContaining("requestTimeout");
  }

  @Test
  void limitsAreValidated() {
    assertThatThrownBy(() -> HttpServerLimits.DEFAULT.withMaxDecodedBytes(1))
        .hasMessageContaining("maxDecodedBytes");
    assertThatThrownBy(() -> HttpServerLimits.DEFAULT.withMaxConcurrentRequests(0))
        .hasMessageContaining("maxConcurrentRequests");
  }
}
