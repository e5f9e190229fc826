package org.jmswk.farm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pure parts of per-worker failure domains: node list, placement, remote command quoting. */
class NodeDomainStarterTest {
  @Test
  void workerNodesAreTheHostfileWithoutTheMastersNode() {
    Map<String, Integer> nodes = NodeDomainStarter.workerNodes(
        List.of("head slots=1", "node1 slots=2", "# comment", "", "node2", "node1 slots=1"), "head");
    assertEquals(Map.of("node1", 3, "node2", 1), nodes);
    assertEquals(List.of("node1", "node2"), List.copyOf(nodes.keySet()));
  }

  @Test
  void placementPrefersTheLeastLoadedNodeAndNeverAnExcludedOne() {
    Map<String, Integer> slots = new LinkedHashMap<>();
    slots.put("node1", 2);
    slots.put("node2", 1);
    slots.put("node3", 1);
    Map<Integer, String> running = new LinkedHashMap<>();
    assertEquals("node1", NodeDomainStarter.choose(slots, running, List.of()));
    running.put(0, "node1");
    assertEquals("node2", NodeDomainStarter.choose(slots, running, List.of()), "node1 is half full, node2 empty");
    running.put(1, "node2");
    assertEquals("node3", NodeDomainStarter.choose(slots, running, List.of()));
    running.put(2, "node3");
    assertEquals("node1", NodeDomainStarter.choose(slots, running, List.of()), "node1 has a free slot left");
    assertEquals("node3", NodeDomainStarter.choose(slots, Map.of(), List.of("node1", "node2")));
    assertNull(NodeDomainStarter.choose(slots, Map.of(), List.of("node1", "node2", "node3")));
  }

  @Test
  void theRemoteCommandKeepsEveryWordLiteral() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("JMSWK_X", "a b;$(touch /tmp/pwned)");
    String cmd = NodeDomainStarter.remoteCommand("/work dir", env, List.of("mpiexec", "it's", "`id`"));
    assertEquals("cd '/work dir' && exec env 'JMSWK_X=a b;$(touch /tmp/pwned)' 'mpiexec' 'it'\\''s' '`id`'", cmd);
  }
}
