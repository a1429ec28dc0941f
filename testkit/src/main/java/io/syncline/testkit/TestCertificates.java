package io.syncline.testkit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** TLS material for tests of servers on 127.0.0.1. */
public final class TestCertificates {
  private TestCertificates() {}

  /**
   * PEM files of a self-signed certificate.
   *
   * @param cert the certificate (its own chain)
   * @param key the private key, PKCS#8
   */
  public record Pem(Path cert, Path key) {}

  /**
   * Makes a self-signed RSA certificate for 127.0.0.1 (as CN and IP SAN), valid two days, with
   * {@code openssl} into {@code dir}; empty if openssl is not installed or fails, so that a test
   * can skip with a clear assumption.
   */
  public static Optional<Pem> selfSigned(Path dir) throws InterruptedException {
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    ProcessBuilder pb =
        new ProcessBuilder(
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=127.0.0.1",
                "-addext",
                "subjectAltName=IP:127.0.0.1",
                "-keyout",
                key.toString(),
                "-out",
                cert.toString())
            .redirectErrorStream(true);
    try {
      Process p = pb.start();
      p.getInputStream().readAllBytes();
      if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
        return Optional.of(new Pem(cert, key));
      }
      p.destroyForcibly();
      return Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
