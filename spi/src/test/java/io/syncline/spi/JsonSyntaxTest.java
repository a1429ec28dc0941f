package io.syncline.spi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The one-pass JSON check agrees with Jackson's strict parser, and refuses broken UTF-8. */
class JsonSyntaxTest {
  private static final JsonFactory JACKSON = new JsonFactory();

  private static boolean check(byte[] bytes) {
    boolean verdict = JsonSyntax.isWellFormed(bytes);
    // Payload.isJson is the public face: the same verdict (the empty payload is never JSON).
    assertThat(Payload.copyOf(bytes).isJson()).isEqualTo(verdict && bytes.length > 0);
    return verdict;
  }

  private static boolean check(String text) {
    return check(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Jackson's verdict: exactly one value, nothing after it. */
  private static boolean jackson(byte[] bytes) {
    try (JsonParser p = JACKSON.createParser(bytes)) {
      if (p.nextToken() == null) {
        return false;
      }
      p.skipChildren();
      return p.nextToken() == null;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{}",
        "[]",
        " {\"a\": [1, -2.5e+3, 0, 0.0, 1E9, true, false, null, \"x\"]}\n",
        "\"\\u00e9\\n\\\"\\\\\\/\\b\\f\\r\\t\"",
        "\"é€😀\"",
        "0",
        "-0",
        "123",
        "{\"a\":{\"b\":{\"c\":[[],[{}]]}}}",
        "\t[ 1 , 2 ]\r\n"
      })
  void acceptsWellFormedValues(String json) {
    assertThat(check(json)).as(json).isTrue();
    assertThat(jackson(json.getBytes(StandardCharsets.UTF_8))).as(json).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        " ",
        "{",
        "}",
        "[1,]",
        "[,1]",
        "{\"a\":1,}",
        "{\"a\" 1}",
        "{a:1}",
        "{\"a\":1}{}",
        "[1] 2",
        "01",
        "-",
        "1.",
        ".5",
        "1e",
        "1e+",
        "+1",
        "NaN",
        "tru",
        "truex",
        "nul",
        "'x'",
        "\"abc",
        "\"\\x\"",
        "\"\\u12G4\"",
        "\"\\u12\"",
        "\"a\tb\"",
        "[1 2]",
        "{\"a\":}",
        "{,}",
        "// c\n1"
      })
  void refusesMalformedValues(String json) {
    assertThat(check(json)).as(json).isFalse();
    assertThat(jackson(json.getBytes(StandardCharsets.UTF_8))).as(json).isFalse();
  }

  @Property(tries = 200)
  void refusesBrokenUtf8InStrings(@ForAll("brokenUtf8") List<Integer> sequence) {
    byte[] bytes = new byte[sequence.size() + 2];
    bytes[0] = '"';
    for (int i = 0; i < sequence.size(); i++) {
      bytes[i + 1] = (byte) (int) sequence.get(i);
    }
    bytes[bytes.length - 1] = '"';
    assertThat(check(bytes)).isFalse();
  }

  @Provide
  Arbitrary<List<Integer>> brokenUtf8() {
    return Arbitraries.of(
        List.of(0xC0, 0xAF), // overlong '/'
        List.of(0xE0, 0x80, 0xAF), // overlong
        List.of(0xF0, 0x80, 0x80, 0xAF), // overlong
        List.of(0xED, 0xA0, 0x80), // a UTF-16 surrogate
        List.of(0xF4, 0x90, 0x80, 0x80), // above U+10FFFF
        List.of(0xF5, 0x80, 0x80, 0x80),
        List.of(0x80), // a lone continuation byte
        List.of(0xC3), // truncated
        List.of(0xE2, 0x82), // truncated
        List.of(0xE2, 0x28, 0xA1), // bad continuation
        List.of(0xFF));
  }

  @Test
  void nestingUpToTheLimitPassesAndDeeperIsRefused() {
    String ok = "[".repeat(JsonSyntax.MAX_DEPTH) + "]".repeat(JsonSyntax.MAX_DEPTH);
    String deep = "[".repeat(JsonSyntax.MAX_DEPTH + 1) + "]".repeat(JsonSyntax.MAX_DEPTH + 1);
    assertThat(check(ok)).isTrue();
    assertThat(check(deep)).isFalse();
  }

  @Test
  void aByteOrderMarkBeforeTheValueIsAllowed() {
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '{', '}'};
    assertThat(check(bom)).isTrue();
    assertThat(jackson(bom)).isTrue();
  }

  /**
   * Random documents, then random edits of them drawn from JSON's own alphabet: the verdicts of the
   * one-pass check and of Jackson's parser are the same on every one.
   */
  @Property(tries = 3000)
  void agreesWithJackson(@ForAll("documents") String doc, @ForAll("edits") List<Edit> edits) {
    StringBuilder s = new StringBuilder(doc);
    for (Edit e : edits) {
      if (s.length() == 0) {
        s.append(e.text());
        continue;
      }
      int at = Math.floorMod(e.position(), s.length());
      switch (e.kind()) {
        case 0 -> s.insert(at, e.text());
        case 1 -> s.deleteCharAt(at);
        default -> s.replace(at, at + 1, e.text());
      }
    }
    byte[] bytes = s.toString().getBytes(StandardCharsets.UTF_8);
    assertThat(check(bytes)).as(s.toString()).isEqualTo(jackson(bytes));
  }

  record Edit(int kind, int position, String text) {}

  @Provide
  Arbitrary<List<Edit>> edits() {
    Arbitrary<String> pieces =
        Arbitraries.of(
            "{", "}", "[", "]", ",", ":", "\"", "\\", " ", "0", "1", "-", ".", "e", "E", "+", "t",
            "true", "null", "a", "é", "😀", "\\u", "\\n", "\t", "\n", "x");
    return net.jqwik.api.Combinators.combine(
            Arbitraries.integers().between(0, 2), Arbitraries.integers(), pieces)
        .as(Edit::new)
        .list()
        .ofMaxSize(3);
  }

  @Provide
  Arbitrary<String> documents() {
    return value(4);
  }

  private Arbitrary<String> value(int depth) {
    Arbitrary<String> scalar =
        Arbitraries.oneOf(
            Arbitraries.of("true", "false", "null", "0", "-1", "3.25", "1e-7", "-0.5E+2"),
            Arbitraries.integers().map(String::valueOf),
            Arbitraries.strings()
                .withChars("abc é€😀\"\\/\n\t")
                .ofMaxLength(8)
                .map(JsonSyntaxTest::quote));
    if (depth == 0) {
      return scalar;
    }
    Arbitrary<String> inner = Arbitraries.lazy(() -> value(depth - 1));
    Arbitrary<String> array = inner.list().ofMaxSize(4).map(l -> "[" + String.join(",", l) + "]");
    Arbitrary<String> object =
        net.jqwik.api.Combinators.combine(
                Arbitraries.strings().alpha().ofMaxLength(4).map(JsonSyntaxTest::quote), inner)
            .as((k, v) -> k + ":" + v)
            .list()
            .ofMaxSize(4)
            .map(l -> "{" + String.join(", ", l) + "}");
    return Arbitraries.oneOf(scalar, array, object);
  }

  private static String quote(String raw) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : raw.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\t' -> b.append("\\t");
        default -> b.append(c);
      }
    }
    return b.append('"').toString();
  }
}
