package org.jmswk.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommandParserTest {
  private static ControlCommand cmd(String s) throws CommandRefusedException {
    return CommandParser.parse(s).command();
  }

  private static String refusal(String s) {
    return assertThrows(CommandRefusedException.class, () -> CommandParser.parse(s), s).getMessage();
  }

  @Test
  void theOriginalsTextSyntaxAsIs() throws Exception {
    var grow = assertInstanceOf(ControlCommand.Resize.class, cmd("6:node1:2:node2:1"));
    assertEquals(Map.of("node1", 2, "node2", 1), grow.perNode());
    assertTrue(grow.grow());
    assertEquals(3, grow.total());
    var shrink = assertInstanceOf(ControlCommand.Resize.class, cmd("6:node1:-2"));
    assertFalse(shrink.grow());
    assertEquals(List.of("node1"), List.copyOf(shrink.perNode().keySet()));
    assertEquals(new ControlCommand.Monitor(true, null), cmd("4:on"));
    assertEquals(new ControlCommand.Monitor(true, Duration.ofMillis(500)), cmd("4:on:500"));
    assertEquals(new ControlCommand.Monitor(false, null), cmd("4:off"));
    assertInstanceOf(ControlCommand.Statistics.class, cmd("3"));
    assertInstanceOf(ControlCommand.Terminate.class, cmd("5"));
    assertInstanceOf(ControlCommand.Balance.class, cmd(" 2 \n"));
    assertEquals(new ControlCommand.Bind(List.of(new ControlCommand.Binding(1, 0), new ControlCommand.Binding(2, 1))),
        cmd("8:1:0:2:1"));
    assertNull(CommandParser.parse("3").id());
  }

  @Test
  void zeroEntriesMayBeLeftOutOrGiven() throws Exception {
    var r = assertInstanceOf(ControlCommand.Resize.class, cmd("6:node1:0:node2:3"));
    assertEquals(Map.of("node2", 3), r.perNode());
  }

  @Test
  void theSameAsJson() throws Exception {
    var req = CommandParser.parse("{\"id\":\"r-7\",\"command\":\"resize\",\"nodes\":{\"node1\":2,\"node2\":1}}");
    assertEquals("r-7", req.id());
    assertEquals(cmd("6:node1:2:node2:1"), req.command());
    assertEquals(cmd("4:on:250"), cmd("{\"command\":\"monitor\",\"on\":true,\"interval_ms\":250}"));
    assertEquals(cmd("4:off"), cmd("{\"command\":\"monitor\",\"on\":false}"));
    assertEquals(cmd("3"), cmd("{\"command\":\"statistics\"}"));
    assertEquals(cmd("5"), cmd("{\"command\":\"terminate\"}"));
    assertEquals(cmd("2"), cmd("{\"command\":\"balance\"}"));
    assertEquals(cmd("8:3:1"), cmd("{\"command\":\"bind\",\"bindings\":[{\"rank\":3,\"core\":1}]}"));
    var wrapped = CommandParser.parse("{\"id\":\"a\",\"command\":\"6:node1:-1\"}");
    assertEquals("a", wrapped.id());
    assertEquals(cmd("6:node1:-1"), wrapped.command());
  }

  @Test
  void everyRefusalNamesTheProblem() {
    assertTrue(refusal("6:node1:2:node2:-1").contains("signs are mixed"));
    assertTrue(refusal("6:node1:0").contains("nothing to change"));
    assertTrue(refusal("6:node1").contains("6:node:count"));
    assertTrue(refusal("6:node1:two").contains("not a whole number"));
    assertTrue(refusal("6:node1:1:node1:1").contains("given twice"));
    assertTrue(refusal("6:no de:1").contains("not a node name"));
    assertTrue(refusal("6:n:1000001").contains("at most"));
    assertTrue(refusal("7").contains("unknown command '7'"));
    assertTrue(refusal("").contains("empty command"));
    assertTrue(refusal("3:x").contains("takes no arguments"));
    assertTrue(refusal("4:maybe").contains("4:on or 4:off"));
    assertTrue(refusal("4:on:10").contains("50 to 3600000"));
    assertTrue(refusal("8:1").contains("8:rank:core"));
    assertTrue(refusal("8:1:-1").contains("not a number >= 0"));
    assertTrue(refusal("8:1:0:1:2").contains("rank 1 is given twice"));
    assertTrue(refusal("x".repeat(5000)).contains("over the limit"));
    assertTrue(refusal("{\"command\":").startsWith("malformed JSON command"));
    assertTrue(refusal("[1]").contains("unknown command"));
    assertTrue(refusal("{\"command\":3}").contains("\"command\" (a string)"));
    assertTrue(refusal("{\"command\":\"resize\",\"nodes\":{\"a\":1.5}}").contains("whole number"));
    assertTrue(refusal("{\"command\":\"statistics\",\"verbose\":true}").contains("unknown field \"verbose\""));
    assertTrue(refusal("{\"command\":\"resize\",\"nodes\":{\"a\":1},\"nodes\":{\"b\":1}}").startsWith("malformed JSON"));
    assertTrue(refusal("{\"command\":\"statistics\"} {}").startsWith("malformed JSON"));
    assertTrue(refusal("{\"id\":\"bad id\",\"command\":\"3\"}").contains("\"id\""));
    assertTrue(refusal("{\"command\":\"launch\"}").contains("unknown command \"launch\""));
  }
}
