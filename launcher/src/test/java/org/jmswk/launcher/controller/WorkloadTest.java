package org.jmswk.launcher.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The workload file: the original's lines, numbered from 0, and a file:line error for each bad one. */
class WorkloadTest {
  private static final Path F = Path.of("workload.txt");

  private static String refusal(String... lines) {
    return assertThrows(IllegalArgumentException.class, () -> Workload.parse(F, List.of(lines))).getMessage();
  }

  @Test
  void readsApplicationsInOrder() {
    List<Workload.App> apps = Workload.parse(F, List.of("# jobs", "sweep:node1:2:node2:1", "", "jacobi:node3:4"));
    assertEquals(2, apps.size());
    assertEquals(new Workload.App(0, "sweep", Map.of("node1", 2, "node2", 1), 2), apps.get(0));
    assertEquals(3, apps.get(0).workers());
    assertEquals("node1:2:node2:1", apps.get(0).placementText());
    assertEquals(1, apps.get(1).id());
    assertEquals(4, apps.get(1).line());
  }

  @Test
  void everyBadLineIsNamed() {
    assertEquals("workload.txt:2: expected name:node:nprocs[:node:nprocs...], got 'b:node1'", refusal("a:n:1", "b:node1"));
    assertEquals("workload.txt:1: expected name:node:nprocs[:node:nprocs...], got 'a:n:1:m'", refusal("a:n:1:m"));
    assertEquals("workload.txt:1: nprocs for node n must be a whole number from 1 to 4096, not 'two'", refusal("a:n:two"));
    assertEquals("workload.txt:1: nprocs for node n must be a whole number from 1 to 4096, not '0'", refusal("a:n:0"));
    assertEquals("workload.txt:1: nprocs for node n must be a whole number from 1 to 4096, not '-1'", refusal("a:n:-1"));
    assertEquals("workload.txt:1: node n is named twice for application a", refusal("a:n:1:n:2"));
    assertEquals("workload.txt:1: application name must be letters, digits, '.', '_' or '-' (not starting with one of"
        + " the last three), not '../x'", refusal("../x:n:1"));
    assertEquals("workload.txt:1: node name must be letters, digits, '.', '_' or '-' (not starting with one of"
        + " the last three), not ''", refusal("a::1"));
    assertEquals("workload.txt: names no application (one a line: name:node:nprocs[:node:nprocs...])", refusal("", "# none"));
  }
}
