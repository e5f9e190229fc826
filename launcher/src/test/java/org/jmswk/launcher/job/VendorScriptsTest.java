package org.jmswk.launcher.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.jmswk.launcher.Captured;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job scripts of examples/vendor, written in the vendor guide's style (plain mpiexec,
 * pjaexe under the guide's timeout function, an agent wrapper), run unchanged as --mswk jobs on
 * this machine (VendorScriptsClusterTest runs them on the container cluster).
 */
@Timeout(180)
class VendorScriptsTest {
  @TempDir static Path jobs;

  @BeforeAll
  static void jobsDir() {
    System.setProperty("jmswk.jobs.dir", jobs.toString());
  }

  static Path script(String name) {
    return Path.of("..", "examples", "vendor", name).toAbsolutePath().normalize();
  }

  private static Captured.Run sub(String name, String... args) {
    String[] all = new String[3 + args.length];
    all[0] = "sub";
    all[1] = "--mswk";
    all[2] = script(name).toString();
    System.arraycopy(args, 0, all, 3, args.length);
    return Captured.run(all);
  }

  /** The statistics rows of a 4-node job on this machine: REQUIRE 4 nodes, 1 allocated, 4 slots. */
  private static void assertLocalStatistics(String out) {
    assertTrue(out.contains("TARGET       : local"), out);
    assertTrue(out.matches("(?s).*node\\s+4\\s+1\\s+1\\n.*"), out);
    assertTrue(out.matches("(?s).*slot\\s+4\\s+4\\s+4\\n.*"), out);
  }

  @Test
  void dynamicSpawnWithAPlainMpiexecStartsOneMasterAndThreeWorkers() {
    Captured.Run r = sub("job-dynamic.sh", "Hi");
    String out = r.output();
    assertEquals(0, r.exitCode(), out);
    assertTrue(out.contains("universe size 4"), out);
    for (int rank = 0; rank < 3; rank++) assertTrue(out.contains("worker " + rank + "/3 on "), out);
    assertEquals(3, out.lines().filter(l -> l.matches("worker \\d/3 on .*: received \"Hi\"")).count(), out);
    assertEquals(1, out.lines().filter(l -> l.startsWith("master: done")).count(), "one master\n" + out);
    assertLocalStatistics(out);
  }

  @Test
  void directLaunchWithPjaexeStartsAWorkerOnEveryOtherNode() {
    Captured.Run r = sub("job-direct.sh");
    String out = r.output();
    assertEquals(0, r.exitCode(), out);
    for (int rank = 1; rank <= 3; rank++) assertTrue(out.contains("worker " + rank + " on ") && out.contains(": " + rank * rank), out);
    assertTrue(out.contains("master: 3 workers started, broken nodes: \n"), out);
    assertLocalStatistics(out);
  }

  @Test
  void agentsStartedByAPlainMpiexecServeTheMaster() {
    Captured.Run r = sub("job-agent.sh", "6");
    String out = r.output();
    assertEquals(0, r.exitCode(), out);
    assertTrue(out.contains("master: 3 agent(s)"), out);
    assertTrue(out.contains("master: 6 of 6 tasks delivered the right result"), out);
    assertLocalStatistics(out);
  }
}
