package io.syncline.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class QuickStartTest {
  @Test
  void quickStartConvergesAndSaysSo() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    boolean converged = QuickStart.run(new PrintStream(buf, true, StandardCharsets.UTF_8));
    String out = buf.toString(StandardCharsets.UTF_8);
    assertThat(converged).as(out).isTrue();
    assertThat(out).contains("phone pushed 2 contacts").contains("laptop pulled 2 contacts");
    assertThat(out).contains("converged: both edits kept on every replica");
  }
}
