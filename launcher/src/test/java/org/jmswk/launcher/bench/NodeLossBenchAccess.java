package org.jmswk.launcher.bench;

import java.util.List;

/** Test access to the package-private node-loss bench: "kind seconds" per fault. */
public final class NodeLossBenchAccess {
  private NodeLossBenchAccess() {}

  public static List<String> domains() throws Exception {
    return NodeLossBench.domains().stream().map(o -> o.kind() + " " + o.seconds()).toList();
  }
}
