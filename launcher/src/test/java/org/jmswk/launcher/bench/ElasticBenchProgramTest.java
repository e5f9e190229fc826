package org.jmswk.launcher.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How the elastic bench spreads a grow or shrink over the nodes (the one-by-one peer uses the same order). */
class ElasticBenchProgramTest {
  @Test
  void workersAreSpreadOverTheNodesInTurnFirstNodeFirst() {
    List<String> nodes = List.of("node1", "node2", "node3", "node4");
    assertEquals("6:node1:4:node2:4:node3:4:node4:4", ElasticBenchProgram.resize(nodes, 16));
    assertEquals("6:node1:2:node2:2:node3:1:node4:1", ElasticBenchProgram.resize(nodes, 6));
    assertEquals("6:node1:-1", ElasticBenchProgram.resize(nodes, -1));
    assertEquals("6:node1:-1:node2:-1", ElasticBenchProgram.resize(nodes, -2));
    assertEquals("6:localhost:16", ElasticBenchProgram.resize(List.of("localhost"), 16));
  }
}
