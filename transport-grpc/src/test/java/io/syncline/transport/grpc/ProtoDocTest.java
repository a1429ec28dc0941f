package io.syncline.transport.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The protocol document carries the .proto the build compiles, character for character. */
class ProtoDocTest {
  @Test
  void theProtocolDocumentQuotesTheCompiledProtoExactly() throws Exception {
    String proto =
        Files.readString(
            Path.of("src", "main", "proto", "syncline_sync.proto"), StandardCharsets.UTF_8);
    String doc =
        Files.readString(Path.of("..", "docs", "grpc-protocol.md"), StandardCharsets.UTF_8);
    assertThat(doc).contains("```proto\n" + proto + "```\n");
    assertThat(proto).contains("package syncline.v1;").contains("service Sync {");
  }
}
