package org.jmswk.farm;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jmswk.farm.NodeExclusion.Loss;
import org.jmswk.farm.NodeExclusion.Probe;
import org.junit.jupiter.api.Test;

class NodeExclusionTest {
  @Test
  void aProcessThatEndedNeverExcludesItsNode() {
    assertFalse(NodeExclusion.needsProbe(Loss.PROCESS_ENDED));
    for (Probe p : Probe.values()) assertFalse(NodeExclusion.exclude(Loss.PROCESS_ENDED, p));
  }

  @Test
  void silenceLauncherLossOrAFailedStartExcludeOnlyWhenTheNodeDoesNotAnswer() {
    for (Loss loss : new Loss[] {Loss.SILENT, Loss.LAUNCHER_ENDED, Loss.START_FAILED}) {
      assertTrue(NodeExclusion.needsProbe(loss));
      assertTrue(NodeExclusion.exclude(loss, Probe.FAILED), loss.name());
      assertFalse(NodeExclusion.exclude(loss, Probe.ANSWERED), loss.name());
      assertFalse(NodeExclusion.exclude(loss, Probe.NOT_RUN), loss.name());
    }
  }

  @Test
  void aProbeThroughAShellThatFailsOrSucceeds() {
    // the probe is the remote shell running `true` on the node; here the "remote shell" is env
    // (JMSWK_DOMAIN_RSH is read from the environment, so only the default is checkable: an
    // unknown host makes ssh fail, which must read as FAILED, never as ANSWERED)
    org.junit.jupiter.api.Assumptions.assumeTrue(new java.io.File("/usr/bin/ssh").canExecute(), "ssh installed");
    assertTrue(NodeDomainStarter.probe("no-such-node.invalid") == Probe.FAILED);
  }
}
