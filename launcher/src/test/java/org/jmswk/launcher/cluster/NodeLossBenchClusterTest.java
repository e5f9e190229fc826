package org.jmswk.launcher.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.jmswk.launcher.bench.NodeLossBenchAccess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The failure-domain job of {@code jmswk bench mswk --cluster}: 300 ms tasks, so the master is
 * inside connect/accept with its workers most of the time, and a node kill, a network cut and
 * a killed launcher (of two busy workers at once) in turn. Each must be reported within the
 * bounds and the job must then stop with exit 0 (before the connect exchange was bounded, a
 * killed launcher left the master inside MPI_Comm_connect for good in 2 of 3 runs).
 *
 * <p>Not in CI yet: it still fails now and then (the master stays inside an MPI call with a
 * worker whose launcher was killed, past Open MPI's exchange bound; issue 5 stays open for
 * it). Run it with JMSWK_NODE_LOSS_STRESS=1.
 */
@EnabledIfEnvironmentVariable(named = "JMSWK_NODE_LOSS_STRESS", matches = "1")
class NodeLossBenchClusterTest {
  @Test
  void everyNodeLossKindIsReportedWithinItsBoundAndTheJobGoesOn() throws Exception {
    ClusterTestSupport.requireEngine();
    List<String> outcomes = NodeLossBenchAccess.domains();
    assertEquals(List.of("node-kill", "node-cut", "launcher-kill"), outcomes.stream().map(o -> o.split(" ")[0]).toList());
    for (String o : outcomes) {
      double seconds = Double.parseDouble(o.split(" ")[1]);
      // the heartbeat bound (2 s) plus the Open MPI exchange bound (10 s) and the fault call itself
      assertTrue(seconds > -1 && seconds < 13, o);
    }
  }
}
