package org.jmswk.launcher.cluster;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Optional;

/** The one rule for when cluster tests may skip. */
final class ClusterTestSupport {
  private ClusterTestSupport() {}

  /**
   * Skips the calling test class (JUnit assumption) when no Docker engine answers, unless
   * JMSWK_REQUIRE_CLUSTER is set (to anything but "0" or empty): then a missing engine fails.
   * A missing image is never a skip: {@link Cluster#start} fails and says to run
   * ci/cluster-setup.
   */
  static void requireEngine() {
    Optional<String> why = Docker.unavailableReason();
    if (why.isEmpty()) return;
    String required = System.getenv("JMSWK_REQUIRE_CLUSTER");
    if (required != null && !required.isBlank() && !required.equals("0")) {
      fail("JMSWK_REQUIRE_CLUSTER=" + required + " but no Docker engine: " + why.get());
    }
    assumeTrue(false, "container-cluster test skipped: " + why.get()
        + " (set JMSWK_REQUIRE_CLUSTER=1 to make this a failure)");
  }

  /**
   * After a test's job: if it still runs (the test failed half-way), removes its cluster so the
   * job ends now and its output cannot run into the next test's capture.
   */
  static void endJob(org.jmswk.launcher.Captured c, String clusterName) {
    if (c.job().isDone()) return;
    Cluster.remove(clusterName);
    try {
      c.job().get(60, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // the test has failed already; this only keeps the next one clean
    }
  }
}
