package org.jmswk.examples.spawn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.jmswk.testkit.MpiRun;
import org.jmswk.testkit.DomainJob;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java master in the guide's style (GuideSpawnMaster: one worker per MPI.COMM_SELF.spawn,
 * Mswk exchanges with plain send/probe/recv) on one host: with Open MPI's own spawn, and with
 * the domain-split spawn of a multi-node --mswk job (the job's environment, a hostfile naming
 * "localhost" as the worker node, a local shell standing in for ssh), where each worker starts
 * through a launcher of its own. The reference flow's spawn of several workers in one call is
 * refused there with MPI_ERR_SPAWN and the reason in the exception. Node loss:
 * SpawnDomainsClusterTest on the container cluster.
 */
class GuideSpawnExampleTest {
  @TempDir Path dir;
  private DomainJob job;

  @BeforeEach
  void jobEnvironment() throws Exception {
    job = DomainJob.start(dir);
  }

  @AfterEach
  void stopServer() throws InterruptedException {
    if (job != null) job.close();
  }

  /** The environment jmswk sub --mswk gives a multi-node job, with the local shell for ssh. */
  private MpiRun inDomainJob(MpiRun run) {
    run.mpirunArgs("--enable-recovery", "--ompi-server", "file:" + job.uri());
    job.environment().forEach(run::env);
    return run;
  }

  private List<String> launches() throws IOException {
    return job.launches();
  }

  private static void assertEveryTaskOnce(MpiRun.Result r, int tasks, int workers) {
    r.assertOutputContains("master: " + tasks + " of " + tasks + " tasks done, 0 workers lost");
    List<String> results = r.stdoutLines().stream().filter(l -> l.startsWith("result ")).toList();
    assertEquals(tasks, results.size(), r::describe);
    assertEquals(tasks, results.stream().map(l -> l.split(" ")[1]).distinct().count(), r::describe);
    assertEquals(workers, r.stdoutLines().stream()
        .filter(l -> l.startsWith("worker started on ") && l.endsWith("(parent group of 1)")).count(), r::describe);
  }

  @Test
  void withOpenMpisSpawnEveryTaskIsDone() throws Exception {
    MpiRun.Result r = MpiRun.main(GuideSpawnMaster.class, "2", "6", "20").np(1).slots(3).run().assertExitCode(0);
    assertEveryTaskOnce(r, 6, 2);
    assertEquals(List.of(), launches(), "no launcher of jmswk's outside a multi-node --mswk job\n" + r.describe());
  }

  @Test
  void inADomainJobEachWorkerGetsALauncherOfItsOwn() throws Exception {
    MpiRun.Result r = inDomainJob(MpiRun.main(GuideSpawnMaster.class, "2", "6", "20").np(1).slots(1)).run()
        .assertExitCode(0);
    assertEveryTaskOnce(r, 6, 2);
    assertEquals(List.of("localhost", "localhost"), launches(), r.describe());
  }

  @Test
  void inADomainJobTheReferenceFlowsSpawnOfThreeInOneCallIsRefusedWithItsReason() throws Exception {
    MpiRun.Result r = inDomainJob(MpiRun.main(SpawnMaster.class).np(1).slots(4)).run();
    r.assertOutputContains("master: MPI_Comm_spawn(").assertOutputContains("[jmswk: MPI_Comm_spawn of 3 processes in one call")
        .assertOutputContains("spawn one process per call, or set JMSWK_DOMAIN_SPAWN=0").assertOutputContains("ERR_SPAWN");
    assertTrue(r.stdoutLines().stream().noneMatch(l -> l.startsWith("worker ")), r::describe);
    assertEquals(List.of(), launches(), r.describe());
  }
}
