package io.syncline.transport.grpc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Drainable;
import io.grpc.KnownLength;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class MethodsTest {
  private static final byte[] MESSAGE = {10, 3, 'a', 'b', 'c', 0, -1, 127};

  @Test
  void aMessageDrainsInOneWriteOfItsBytes() throws Exception {
    InputStream s = Methods.BYTES.stream(MESSAGE);
    assertThat(s).isInstanceOf(Drainable.class).isInstanceOf(KnownLength.class);
    assertThat(s.available()).isEqualTo(MESSAGE.length);
    int[] writes = {0};
    ByteArrayOutputStream out =
        new ByteArrayOutputStream() {
          @Override
          public synchronized void write(byte[] b, int off, int len) {
            writes[0]++;
            super.write(b, off, len);
          }
        };
    assertThat(((Drainable) s).drainTo(out)).isEqualTo(MESSAGE.length);
    assertThat(out.toByteArray()).isEqualTo(MESSAGE);
    assertThat(writes[0]).isEqualTo(1);
    assertThat(s.available()).isZero();
    assertThat(s.read()).isEqualTo(-1);
  }

  @Test
  void drainingAfterAReadWritesOnlyWhatIsLeft() throws Exception {
    InputStream s = Methods.BYTES.stream(MESSAGE);
    assertThat(s.read()).isEqualTo(10);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(((Drainable) s).drainTo(out)).isEqualTo(MESSAGE.length - 1);
    assertThat(out.toByteArray()).containsExactly(3, 'a', 'b', 'c', 0, -1, 127);
    assertThat(((Drainable) s).drainTo(out)).isZero();
  }

  @Test
  void parseReadsBackWhatStreamGave() {
    assertThat(Methods.BYTES.parse(Methods.BYTES.stream(MESSAGE))).isEqualTo(MESSAGE);
    // A stream whose length gRPC does not announce is read to its end.
    assertThat(
            Methods.BYTES.parse(
                new java.io.FilterInputStream(new ByteArrayInputStream(MESSAGE)) {}))
        .isEqualTo(MESSAGE);
  }
}
