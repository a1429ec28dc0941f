package io.syncline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ByteCountingRelayTest {

  @Test
  void forwardsBothWaysAndCountsEveryByte() throws Exception {
    try (ServerSocket echo = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread server =
          new Thread(
              () -> {
                try (Socket s = echo.accept()) {
                  byte[] got = s.getInputStream().readNBytes(5);
                  OutputStream out = s.getOutputStream();
                  out.write(got);
                  out.write("!!".getBytes(StandardCharsets.US_ASCII));
                  out.flush();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      server.start();
      try (ByteCountingRelay relay = ByteCountingRelay.start(echo.getLocalPort());
          Socket client = new Socket(InetAddress.getLoopbackAddress(), relay.port())) {
        client.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
        InputStream in = client.getInputStream();
        assertThat(new String(in.readNBytes(7), StandardCharsets.US_ASCII)).isEqualTo("hello!!");
        assertThat(in.read()).isEqualTo(-1); // the server closed; the relay passed that on
        server.join(10_000);
        assertThat(relay.upstreamBytes()).isEqualTo(5);
        assertThat(relay.downstreamBytes()).isEqualTo(7);
        assertThat(relay.totalBytes()).isEqualTo(12);
        assertThat(relay.connections()).isEqualTo(1);
      }
    }
  }
}
