package org.jmswk.launcher.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jmswk.launcher.Captured;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On the container cluster: the vendor-style scripts of examples/vendor run unchanged as --mswk
 * jobs, and a job's exit status is its master's on both image flavours (Open MPI 4.1 and 5).
 */
class VendorScriptsClusterTest {
  @TempDir static Path jobs;

  @BeforeAll
  static void engine() {
    ClusterTestSupport.requireEngine();
    System.setProperty("jmswk.jobs.dir", jobs.toString());
  }

  private static String script(String name) {
    return Path.of("..", "examples", "vendor", name).toAbsolutePath().normalize().toString();
  }

  /** The statistics rows of a 4-node job on the cluster: 4 nodes and slots asked, given and used. */
  private static void assertClusterStatistics(String out) {
    assertTrue(out.contains("TARGET       : docker"), out);
    assertTrue(out.matches("(?s).*node\\s+4\\s+4\\s+4\\n.*"), out);
    assertTrue(out.matches("(?s).*slot\\s+4\\s+4\\s+4\\n.*"), out);
  }

  @Test
  void dynamicSpawnPlacesOneMasterOnTheHeadAndAWorkerOnEachNode() {
    Captured.Run r = Captured.run("sub", "--mswk", "--cluster", "docker:3", script("job-dynamic.sh"), "Ahoy");
    String out = r.output();
    assertEquals(0, r.exitCode(), out);
    assertTrue(out.contains("master: on head, universe size 4"), out);
    for (int rank = 0; rank < 3; rank++) assertTrue(out.matches("(?s).*worker " + rank + "/3 on node[1-3]: received \"Ahoy\".*"), out);
    // one spawn call, one failure domain headed on node1, a worker on each slave node
    assertEquals(3, out.lines().filter(l -> l.matches("worker \\d/3 on node[1-3]: received \"Ahoy\"")).map(l -> l.split(" ")[3])
        .distinct().count(), "the workers on three nodes\n" + out);
    assertEquals(1, out.lines().filter(l -> l.startsWith("master: done")).count(), "one master\n" + out);
    assertClusterStatistics(out);
  }

  @Test
  void directLaunchWithPjaexeReachesEveryOtherNode() {
    Captured.Run r = Captured.run("sub", "--mswk", "--cluster", "docker:3", script("job-direct.sh"));
    String out = r.output();
    assertEquals(0, r.exitCode(), out);
    for (int rank = 1; rank <= 3; rank++) assertTrue(out.contains("worker " + rank + " on node" + rank + ": " + rank * rank), out);
    assertTrue(out.contains("master: 3 workers started, broken nodes: \n"), out);
    assertClusterStatistics(out);
  }

  @Test
  void agentsOnePerNodeServeTheMaster() {
    Captured.Run r = Captured.run("sub", "--mswk", "--cluster", "docker:3", script("job-agent.sh"), "6");
    String out = r.output();
    assertEquals(0, r.exitCode(), out);
    assertTrue(out.matches("(?s).*master: 3 agent\\(s\\): \\[node[1-3], node[1-3], node[1-3]\\].*"), out);
    assertTrue(out.contains("master: 6 of 6 tasks delivered the right result"), out);
    assertClusterStatistics(out);
  }

  @ParameterizedTest
  @ValueSource(strings = {"jmswk-cluster:ompi4", "jmswk-cluster:ompi5"})
  void theMastersStatusIsTheJobsOnEveryImage(String image) throws Exception {
    Path dir = Files.createDirectories(jobs.resolve(image.replace(':', '-')));
    Files.copy(Path.of(VendorScriptsClusterTest.class.getResource("/org/jmswk/launcher/job/exit_master.c").toURI()),
        dir.resolve("exit_master.c"));
    Path job = Files.write(dir.resolve("status.sh"), List.of("#!/bin/bash", "#PJM -L \"node=3\"",
        "#PJM --mpi \"shape=1\"", "#PJM --mpi \"proc=1\"", "#PJM -s",
        "cd \"$(dirname \"$0\")\"",
        "jmswk-mpicc -o \"$JMSWK_JOB_DIR/master\" exit_master.c || exit 99",
        "mpiexec \"$JMSWK_JOB_DIR/master\" size",
        "mpiexec \"$JMSWK_JOB_DIR/master\" segv; echo \"segv status $?\"",
        "mpiexec -n 2 \"$JMSWK_JAVA\" --enable-native-access=ALL-UNNAMED -cp \"$JMSWK_CLASSPATH\""
            + " org.jmswk.examples.spawn.SpawnMaster; echo \"java master status $?\"",
        "mpiexec \"$JMSWK_JOB_DIR/master\" abort 5"));
    Captured.Run r = Captured.run("sub", "--mswk", "--cluster", "docker:2", "--image", image, job.toString());
    String out = r.output();
    assertEquals(5, r.exitCode(), out);
    assertTrue(out.contains("c master 0: world size 1, universe size 3"), out);
    assertTrue(out.contains("segv status 139"), out);
    assertTrue(out.matches("(?s).*java master status [1-9].*"), "a Java master that fails fails the mpiexec\n" + out);
    assertTrue(out.matches("(?s).*END REASON   : MPI_Abort (on rank 0 \\(MPI_COMM_WORLD\\)|by pid \\d+ on head), errorcode 5\n.*"), out);
  }
}
