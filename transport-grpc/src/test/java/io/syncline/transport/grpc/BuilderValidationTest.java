package io.syncline.transport.grpc;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.syncline.spi.Authenticator;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Builders fail fast with a message that names the problem. */
class BuilderValidationTest {
  @Test
  void serverBuilderNamesWhatIsMissing() {
    assertThatThrownBy(() -> GrpcSyncServer.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("port");
    assertThatThrownBy(() -> GrpcSyncServer.builder().port(0).build())
        .hasMessageContaining("handler");
    assertThatThrownBy(() -> GrpcSyncServer.builder().handler(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("handler == null");
    assertThatThrownBy(() -> GrpcSyncServer.builder().port(70000))
        .hasMessageContaining("[0, 65535]");
    assertThatThrownBy(() -> GrpcSyncServer.builder().keepAliveTime(Duration.ofSeconds(1)))
        .hasMessageContaining("keepAliveTime");
    assertThatThrownBy(
            () -> GrpcSyncService.builder().authenticator(Authenticator.ANONYMOUS).build())
        .hasMessageContaining("handler is not set");
  }

  @Test
  void transportBuilderNeedsExactlyOneOfTargetAndChannel() {
    assertThatThrownBy(() -> GrpcSyncTransport.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("exactly one of target and channel");
    assertThatThrownBy(() -> GrpcSyncTransport.builder().bearerToken(""))
        .hasMessageContaining("token is empty");
    assertThatThrownBy(() -> GrpcSyncTransport.builder().requestTimeout(Duration.ZERO))
        .hasMessageContaining("requestTimeout must be positive");
  }

  @Test
  void limitsRefuseNonsense() {
    assertThatThrownBy(() -> GrpcServerLimits.DEFAULT.withMaxMessageBytes(10))
        .hasMessageContaining("maxMessageBytes");
    assertThatThrownBy(() -> GrpcServerLimits.DEFAULT.withRate(0, 1, Duration.ZERO))
        .hasMessageContaining("requestsPerSecond");
    assertThatThrownBy(() -> GrpcServerLimits.DEFAULT.withMaxBatchChanges(0))
        .hasMessageContaining("maxBatchChanges");
  }
}
