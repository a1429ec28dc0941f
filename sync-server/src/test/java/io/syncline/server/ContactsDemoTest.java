package io.syncline.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.server.demo.ContactsDemo;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ContactsDemoTest {
  @Test
  void theDemoConvergesAndReportsASummary() throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    boolean converged = ContactsDemo.run(new PrintStream(buf, true, StandardCharsets.UTF_8), 2000);
    String out = buf.toString(StandardCharsets.UTF_8);
    assertThat(converged).as(out).isTrue();
    assertThat(out)
        .contains("phone  uploads   [##############################]  2,000/2,000")
        .contains("laptop downloads [##############################]  2,000/2,000")
        .contains("10 contacts edited on both devices: 10 kept both edits")
        .contains("converged: phone and laptop hold the same 2000 contacts");
    // The phone's upload over gRPC alone carries 2,000 contacts of well over 50 bytes each.
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("bytes on the wire +([0-9,]+)").matcher(out);
    assertThat(m.find()).as(out).isTrue();
    assertThat(Long.parseLong(m.group(1).replace(",", ""))).isGreaterThan(2000L * 50 * 2);
  }
}
