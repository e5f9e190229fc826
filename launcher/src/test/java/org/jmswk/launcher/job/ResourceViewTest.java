package org.jmswk.launcher.job;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ResourceViewTest {
  private static final List<ResourceView.Node> NODES = List.of(
      new ResourceView.Node("head", true, 2, 1000), new ResourceView.Node("node1", true, 2, 1000),
      new ResourceView.Node("node2", false, 2, 1000), new ResourceView.Node("node3", true, 4, 2000));

  @Test
  void aDownNodeLeavesTotalAllocAndTheListing() {
    String view = ResourceView.render("docker", NODES, Set.of("head", "node1", "node2"), false, true);
    assertTrue(view.matches("(?s).*docker\\s+3\\s+1\\s+2\\n.*"), view);
    assertFalse(view.contains("node2"), view);
    assertTrue(view.matches("(?s).*node3\\s+FREE\\s+4\\s+2000.*"), view);
  }

  @Test
  void longViewCountsCpuAndMemory() {
    String view = ResourceView.render("docker", NODES, Set.of("node3"), true, false);
    assertTrue(view.matches("(?s).*docker\\s+3\\s+2\\s+1\\s+8\\s+4\\s+4\\s+4000\\s+2000\\s+2000\\n.*"), view);
  }
}
