package org.jmswk.launcher.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jmswk.launcher.Captured;
import org.junit.jupiter.api.Test;

/** {@code jmswk showrsc} on a container cluster: a node that goes down leaves every figure. */
class ShowrscClusterTest {
  private static String showrsc(String... args) {
    Captured.Run r = Captured.run(args);
    assertEquals(0, r.exitCode(), r.output());
    return r.output();
  }

  @Test
  void killedAndCutNodesDisappearFromTotalAndTheListing() {
    ClusterTestSupport.requireEngine();
    String name = "jmswk-showrsc-test";
    try (Cluster c = Cluster.start(ClusterSpec.defaults().withName(name).withNodes(3).withShared())) {
      String before = showrsc("showrsc", "-v");
      assertTrue(before.matches("(?s).*\\n" + name + "\\s+4\\s+4\\s+0\\n.*"), before);
      assertTrue(before.contains("node3"), before);

      c.killNode("node3");
      c.cutNetwork("node1");
      String after = showrsc("showrsc", "-v");
      assertTrue(after.matches("(?s).*\\n" + name + "\\s+2\\s+2\\s+0\\n.*"), after);
      // this cluster's section only: other clusters may be up on the same machine
      String listing = after.substring(after.indexOf("[ CLUSTER: " + name));
      int next = listing.indexOf("[ CLUSTER: ", 1);
      if (next > 0) listing = listing.substring(0, next);
      assertFalse(listing.contains("node3"), listing);
      assertFalse(listing.contains("node1"), listing);
      assertTrue(listing.contains("node2"), listing);

      c.restoreNetwork("node1");
      assertTrue(showrsc("showrsc").matches("(?s).*\\n" + name + "\\s+3\\s+3\\s+0\\n.*"));
    }
  }
}
