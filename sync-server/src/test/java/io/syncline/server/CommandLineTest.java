package io.syncline.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input gets one clear line and a non-zero exit. */
class CommandLineTest {
  @TempDir Path dir;

  private ServerProcess runToExit(int expectedStatus, String... args) throws Exception {
    ServerProcess p = ServerProcess.launch(args);
    assertThat(p.awaitExit()).isEqualTo(expectedStatus);
    return p;
  }

  private static void assertOneLine(ServerProcess p, String... fragments) {
    assertThat(p.stderr).hasSize(1);
    assertThat(p.stderr.get(0)).startsWith("sync-server: ");
    for (String f : fragments) {
      assertThat(p.stderr.get(0)).contains(f);
    }
  }

  @Test
  void unknownFlag() throws Exception {
    ServerProcess p = runToExit(2, "--http-prot", "8080");
    assertOneLine(p, "unknown option --http-prot");
  }

  @Test
  void badPortNumber() throws Exception {
    ServerProcess p = runToExit(2, "--http-port", "eighty");
    assertOneLine(p, "--http-port", "eighty");
  }

  @Test
  void unreachableDatabase() throws Exception {
    ServerProcess p =
        runToExit(
            1,
            "--http-port",
            "0",
            "--admin-port",
            "-1",
            "--db",
            "jdbc:postgresql://127.0.0.1:1/nothing",
            "--db-user",
            "x");
    assertOneLine(p, "cannot open database jdbc:postgresql://127.0.0.1:1/nothing");
  }

  @Test
  void portInUse() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      ServerProcess p =
          runToExit(
              1,
              "--http-port",
              String.valueOf(taken.getLocalPort()),
              "--admin-port",
              "-1",
              "--db",
              dir.resolve("s.db").toString());
      assertOneLine(p, "cannot listen on 127.0.0.1:" + taken.getLocalPort());
    }
  }

  @Test
  void badTlsFiles() throws Exception {
    Path bad = dir.resolve("cert.pem");
    Files.write(bad, "not a certificate".getBytes(StandardCharsets.US_ASCII));
    ServerProcess p =
        runToExit(
            2,
            "--http-port",
            "0",
            "--admin-port",
            "-1",
            "--db",
            dir.resolve("s.db").toString(),
            "--tls-cert",
            bad.toString(),
            "--tls-key",
            bad.toString());
    assertOneLine(p, "cannot use TLS certificate");
    ServerProcess missing = runToExit(2, "--tls-cert", dir.resolve("nope.pem").toString());
    assertOneLine(missing, "--tls-cert: cannot read file");
  }

  @Test
  void badTokensFile() throws Exception {
    Path tokens = dir.resolve("tokens");
    Files.write(tokens, "only-two fields\n".getBytes(StandardCharsets.UTF_8));
    ServerProcess p =
        runToExit(
            2,
            "--http-port",
            "0",
            "--admin-port",
            "-1",
            "--db",
            dir.resolve("s.db").toString(),
            "--tokens",
            tokens.toString());
    assertOneLine(p, "line 1", "expected 'token principal scopes'");
  }
}
