package org.jmswk.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the balancing mode is chosen from the environment, and every refusal. */
class LoadBalancerTest {
  private static String refusal(Map<String, String> env) {
    return assertThrows(IllegalArgumentException.class, () -> LoadBalancer.fromEnv(env)).getMessage();
  }

  @Test
  void modesFromTheEnvironment(@TempDir Path dir) throws Exception {
    Path nodes = Files.writeString(dir.resolve("nodes"), "n1:2:a:0:2\n");
    assertEquals(LoadBalancer.Mode.OFF, LoadBalancer.fromEnv(Map.of()).mode());
    assertEquals(LoadBalancer.Mode.POWER, LoadBalancer.fromEnv(Map.of("JMSWK_NODE_FILE", nodes.toString())).mode());
    assertEquals(LoadBalancer.Mode.MEASURED, LoadBalancer.fromEnv(Map.of("JMSWK_BALANCE", "measured")).mode());
    assertEquals(LoadBalancer.Mode.OFF,
        LoadBalancer.fromEnv(Map.of("JMSWK_NODE_FILE", nodes.toString(), "JMSWK_BALANCE", "off")).mode());
  }

  @Test
  void badSettingsAreRefusedByName(@TempDir Path dir) throws Exception {
    assertEquals("JMSWK_BALANCE must be off, power or measured, not 'fast'", refusal(Map.of("JMSWK_BALANCE", "fast")));
    assertEquals("JMSWK_BALANCE=power needs JMSWK_NODE_FILE (a node description file)", refusal(Map.of("JMSWK_BALANCE", "power")));
    Path bad = Files.writeString(dir.resolve("nodes"), "n1:2\nn2:two\n");
    assertEquals(bad + ":2: cores must be a whole number from 1 to 1048576, not 'two'",
        refusal(Map.of("JMSWK_NODE_FILE", bad.toString())));
    assertEquals("JMSWK_NODE_FILE names no file: " + dir.resolve("missing"),
        refusal(Map.of("JMSWK_NODE_FILE", dir.resolve("missing").toString())));
    assertEquals("JMSWK_BALANCE_INTERVAL_MS must be a whole number from 10 to 3600000, not '5'",
        assertThrows(IllegalArgumentException.class, () -> LoadBalancer.intervalMillis(Map.of("JMSWK_BALANCE_INTERVAL_MS", "5"))).getMessage());
  }
}
