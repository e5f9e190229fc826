package org.jmswk.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Property-based fuzzing of {@link CommandParser} (jqwik): whatever the input, the parser either
 * returns a command or refuses it with {@link CommandRefusedException} and a message; no other
 * exception, no empty message. Valid commands, generated, parse to what they say.
 */
class CommandParserFuzzTest {
  private static void parsesOrRefuses(String input) {
    try {
      CommandParser.parse(input);
    } catch (CommandRefusedException e) {
      assertFalse(e.getMessage() == null || e.getMessage().isBlank(), "a refusal says why");
    }
  }

  @Property(tries = 3000)
  void anyStringParsesOrIsRefused(@ForAll String input) {
    parsesOrRefuses(input);
  }

  @Property(tries = 3000)
  void commandLikeStringsParseOrAreRefused(@ForAll("commandLike") String input) {
    parsesOrRefuses(input);
  }

  @Property(tries = 2000)
  void jsonLikeStringsParseOrAreRefused(@ForAll("jsonLike") String input) {
    parsesOrRefuses(input);
  }

  @Property(tries = 1000)
  void generatedResizesParseToWhatTheySay(@ForAll("resizes") Map<String, Integer> perNode) throws Exception {
    StringBuilder text = new StringBuilder("6");
    perNode.forEach((n, c) -> text.append(':').append(n).append(':').append(c));
    var r = (ControlCommand.Resize) CommandParser.parse(text.toString()).command();
    assertEquals(perNode, r.perNode());
    StringBuilder json = new StringBuilder("{\"command\":\"resize\",\"nodes\":{");
    String sep = "";
    for (var e : perNode.entrySet()) {
      json.append(sep).append('"').append(e.getKey()).append("\":").append(e.getValue());
      sep = ",";
    }
    assertEquals(r, CommandParser.parse(json.append("}}").toString()).command());
  }

  @Provide
  Arbitrary<String> commandLike() {
    Arbitrary<String> field = Arbitraries.oneOf(
        Arbitraries.of("2", "3", "4", "5", "6", "8", "on", "off", "node1", "-", "+", "", " ", "0", "-0", "{", "}"),
        Arbitraries.integers().map(String::valueOf),
        Arbitraries.longs().map(String::valueOf),
        Arbitraries.strings().ofMaxLength(6));
    return field.list().ofMinSize(1).ofMaxSize(9).map(l -> String.join(":", l));
  }

  @Provide
  Arbitrary<String> jsonLike() {
    Arbitrary<String> value = Arbitraries.oneOf(
        Arbitraries.of("true", "false", "null", "1", "-1", "1.5", "1e9", "99999999999999999999", "\"x\"", "[]", "{}",
            "[{\"rank\":1,\"core\":2}]", "{\"n1\":2}", "{\"n1\":-2,\"n2\":3}", "\"6:n:1\"", "[[[[[[", "\"\\u0000\""),
        Arbitraries.integers().map(String::valueOf));
    Arbitrary<String> key = Arbitraries.of("id", "command", "nodes", "on", "interval_ms", "bindings", "rank", "core", "x");
    Arbitrary<String> commandValue = Arbitraries.of("\"resize\"", "\"monitor\"", "\"statistics\"", "\"terminate\"",
        "\"balance\"", "\"bind\"", "\"3\"", "\"6:a:1\"", "\"\"", "7");
    Arbitrary<String> pair = Combinators.combine(key, Arbitraries.oneOf(value, commandValue))
        .as((k, v) -> "\"" + k + "\":" + v);
    return pair.list().ofMaxSize(5).map(l -> "{" + String.join(",", l) + "}")
        .flatMap(s -> Arbitraries.integers().between(0, s.length()).map(cut -> cut % 7 == 0 ? s.substring(0, cut) : s));
  }

  @Provide
  Arbitrary<Map<String, Integer>> resizes() {
    Arbitrary<String> node = Arbitraries.strings().withCharRange('a', 'z').numeric().ofMinLength(1).ofMaxLength(12)
        .filter(s -> Character.isLetterOrDigit(s.charAt(0)));
    Arbitrary<Integer> count = Arbitraries.integers().between(1, CommandParser.MAX_WORKERS_PER_NODE);
    return Arbitraries.maps(node, count).ofMinSize(1).ofMaxSize(6).flatMap(m -> Arbitraries.of(1, -1).map(sign -> {
      Map<String, Integer> signed = new LinkedHashMap<>();
      m.forEach((k, v) -> signed.put(k, sign * v));
      return signed;
    }));
  }

  @Property(tries = 200)
  void bindListsParse(@ForAll("bindings") List<Integer> cores) throws Exception {
    StringBuilder s = new StringBuilder("8");
    for (int i = 0; i < cores.size(); i++) s.append(':').append(i).append(':').append(cores.get(i));
    var b = (ControlCommand.Bind) CommandParser.parse(s.toString()).command();
    assertEquals(cores.size(), b.bindings().size());
  }

  @Provide
  Arbitrary<List<Integer>> bindings() {
    return Arbitraries.integers().between(0, 65_535).list().ofMinSize(1).ofMaxSize(20);
  }
}
