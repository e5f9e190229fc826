package org.jmswk.launcher.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jmswk.launcher.Captured;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job's exit status is its master's, with real mpiexec runs under Open MPI's recovery mode
 * (where mpirun itself exits 0): C and Java masters that exit N, die of a signal or call
 * MPI_Abort, a worker that dies (no change), and a plain mpiexec that starts the job's static
 * processes only.
 */
class MpiexecStatusTest {
  @TempDir static Path jobs;
  static Path cMaster;
  static String java;

  @BeforeAll
  static void build() throws Exception {
    System.setProperty("jmswk.jobs.dir", jobs.toString());
    Path source = Path.of(MpiexecStatusTest.class.getResource("exit_master.c").toURI());
    cMaster = jobs.resolve("exit_master");
    Process cc = new ProcessBuilder("mpicc", "-o", cMaster.toString(), source.toString()).inheritIO().start();
    assertEquals(0, cc.waitFor(), "mpicc exit_master.c");
    java = "\"$JMSWK_JAVA\" --enable-native-access=ALL-UNNAMED -cp \"$JMSWK_CLASSPATH\" " + ExitingMaster.class.getName();
  }

  /** Runs {@code jmswk sub --mswk -s} on a script of the guide's kind: node=2, shape=1, proc=1. */
  private static Captured.Run sub(String... body) throws Exception {
    List<String> lines = new java.util.ArrayList<>(List.of("#!/bin/bash", "#PJM -L \"node=2\"", "#PJM --mpi \"shape=1\"",
        "#PJM --mpi \"proc=1\""));
    lines.addAll(List.of(body));
    Path script = Files.write(jobs.resolve("job-" + System.nanoTime() + ".sh"), lines);
    return Captured.run("sub", "--mswk", "-s", script.toString());
  }

  private static void assertEnded(Captured.Run r, int code, String reason) {
    assertEquals(code, r.exitCode(), r.output());
    assertTrue(r.output().contains("EXIT CODE    : " + code + "\n"), r.output());
    String line = r.output().lines().filter(l -> l.startsWith("END REASON   : ")).findFirst().orElse("");
    assertTrue(line.contains(reason), r.output());
  }

  /**
   * MPI_Abort(MPI_COMM_WORLD, 5): mpirun's report names the rank ("MPI_Abort on rank 0
   * (MPI_COMM_WORLD), errorcode 5"); when Open MPI 4.1 fails to print it, the process's own
   * message names its pid ("MPI_Abort by pid P on HOST, errorcode 5").
   */
  private static void assertAborted(Captured.Run r) {
    assertEnded(r, 5, "MPI_Abort ");
    String line = r.output().lines().filter(l -> l.startsWith("END REASON   : ")).findFirst().orElse("");
    assertTrue(line.matches("END REASON   : MPI_Abort (on rank 0 \\(MPI_COMM_WORLD\\)|by pid \\d+ on \\S+), errorcode 5"), line);
  }

  @Test
  void theIssuesFalseJobFailsWhileMpirunAloneWouldSayZero() throws Exception {
    Captured.Run r = Captured.run("sub", "--mswk",
        Files.writeString(jobs.resolve("e.sh"), "#!/bin/bash\n#PJM -L \"node=2\"\nmpiexec false\n").toString());
    assertEquals(1, r.exitCode(), r.output());
    assertTrue(r.output().contains("exit code 1, end reason mpiexec: rank 0 (false) ended with status 1"), r.output());
    String id = r.output().replaceAll("(?s).*\\[jmswk\\] job (\\d+) ended.*", "$1");
    Captured.Run stat = Captured.run("stat", id);
    assertTrue(stat.output().contains("\"exit_code\": 1"), stat.output());
  }

  @Test
  void cMasterExitCodeSignalAndAbortAreTheJobs() throws Exception {
    assertEnded(sub("mpiexec " + cMaster + " exit 3"), 3, "mpiexec: rank 0");
    Captured.Run segv = sub("mpiexec " + cMaster + " segv");
    assertEnded(segv, 139, "mpiexec: rank 0 (" + cMaster + ") ended with status 139 (signal 11, SIGSEGV)");
    assertAborted(sub("mpiexec " + cMaster + " abort 5"));
  }

  @Test
  void javaMasterExitCodeSignalAndAbortAreTheJobs() throws Exception {
    assertEnded(sub("mpiexec " + java + " exit 3"), 3, "mpiexec: rank 0");
    assertEnded(sub("mpiexec " + java + " killed"), 137, "(signal 9, SIGKILL)");
    assertAborted(sub("mpiexec " + java + " abort 5"));
  }

  @Test
  void aWorkerThatDiesDoesNotChangeTheJobsStatus() throws Exception {
    Captured.Run r = sub("mpiexec " + java + " worker-dies");
    assertTrue(r.output().contains("java worker: killing itself"), r.output());
    assertTrue(r.output().contains("java master: ending normally"), r.output());
    assertEnded(r, 0, "-");
  }

  @Test
  void aPlainMpiexecStartsTheStaticProcessesAndTheUniverseCoversEveryNode() throws Exception {
    Captured.Run r = Captured.run("sub", "--mswk", Files.write(jobs.resolve("dynamic.sh"), List.of("#!/bin/bash",
        "#PJM -L \"node=3\"", "#PJM --mpi \"shape=1\"", "#PJM --mpi \"proc=1\"", "mpiexec " + cMaster)).toString());
    assertEquals(0, r.exitCode(), r.output());
    assertTrue(r.output().contains("c master 0: world size 1, universe size 3"), r.output());
    assertTrue(!r.output().contains("c master 1"), r.output());
    // an explicit count wins; a plain one in a job without --mswk fills the job's slots
    Captured.Run explicit = sub("mpiexec -n 2 " + cMaster);
    assertTrue(explicit.output().contains("c master 1: world size 2"), explicit.output());
    Captured.Run all = Captured.run("sub", Files.write(jobs.resolve("bulk.sh"), List.of("#!/bin/bash",
        "#PJM -L \"node=3\"", "mpiexec " + cMaster)).toString());
    assertTrue(all.output().contains("c master 2: world size 3, universe size 3"), all.output());
  }
}
