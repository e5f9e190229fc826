package org.jmswk.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The node description file: the original's fields, and a clear file:line error for every bad line. */
class NodeFileTest {
  private static final Path F = Path.of("nodes.dat");

  private static String refusal(String... lines) {
    return assertThrows(IllegalArgumentException.class, () -> NodeFile.parse(F, List.of(lines))).getMessage();
  }

  @Test
  void readsEveryFieldAndTheDefaults() {
    NodeFile f = NodeFile.parse(F, List.of("# name:cores:alias:cost:power", "", "node1:12:fast:0.5:3",
        "node2:4", "node3:8:slow", "  node4:2::1.25:  ", "node5:1:::250"));
    assertEquals(List.of(new NodeFile.Node("node1", 12, "fast", 0.5, 3), new NodeFile.Node("node2", 4, "node2", 0, 1),
        new NodeFile.Node("node3", 8, "slow", 0, 1), new NodeFile.Node("node4", 2, "node4", 1.25, 1),
        new NodeFile.Node("node5", 1, "node5", 0, 250)), f.nodes());
    assertEquals("node1", f.node("fast").orElseThrow().name(), "found by alias");
    assertEquals(4, f.node("node2").orElseThrow().cores());
  }

  @Test
  void everyBadLineIsNamedWithWhatIsWrong() {
    assertEquals("nodes.dat:2: expected name:cores[:alias[:cost[:power]]], got 1 field in 'node2'", refusal("node1:1", "node2"));
    assertEquals("nodes.dat:1: expected name:cores[:alias[:cost[:power]]], got 6 fields in 'n:1:a:0:1:9'", refusal("n:1:a:0:1:9"));
    assertEquals("nodes.dat:1: cores must be a whole number from 1 to 1048576, not 'x'", refusal("n:x"));
    assertEquals("nodes.dat:1: cores must be a whole number from 1 to 1048576, not '0'", refusal("n:0"));
    assertEquals("nodes.dat:1: cores must be a whole number from 1 to 1048576, not ''", refusal("n:"));
    assertEquals("nodes.dat:3: power must be a decimal number > 0, not '0'", refusal("a:1", "", "n:1:a:0:0"));
    assertEquals("nodes.dat:1: power must be a decimal number > 0, not '-2'", refusal("n:1:a:0:-2"));
    assertEquals("nodes.dat:1: power must be a decimal number > 0, not 'NaN'", refusal("n:1:a:0:NaN"));
    assertEquals("nodes.dat:1: power must be a decimal number > 0, not '0x1p3'", refusal("n:1:a:0:0x1p3"));
    assertEquals("nodes.dat:1: cost must be a decimal number >= 0, not '1e999'", refusal("n:1:a:1e999:1"));
    assertEquals("nodes.dat:1: name must be letters, digits, '.', '_' or '-' (not starting with one of the last three), not 'a b'",
        refusal("a b:1"));
    assertEquals("nodes.dat:1: alias must be letters, digits, '.', '_' or '-' (not starting with one of the last three), not '$(x)'",
        refusal("n:1:$(x)"));
    assertEquals("nodes.dat:3: node 'n' is already described on line 1", refusal("n:1", "m:1", "n:2"));
    assertEquals("nodes.dat: describes no node (one per line: name:cores[:alias[:cost[:power]]])", refusal("# only a comment", ""));
  }
}
