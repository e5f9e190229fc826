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
 * through a launcher of its own; the reference flow (SpawnMaster: all workers in one call, which
 * then act as one world with a root) and GuideSpawnMaster's "all" mode start a call's workers
 * under one launcher. Node loss:
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
  void inADomainJobTheReferenceFlowsThreeWorkersStartUnderOneLauncherAsOneWorld() throws Exception {
    MpiRun.Result r = inDomainJob(MpiRun.main(SpawnMaster.class).np(1).slots(4)).run().assertExitCode(0);
    r.assertOutputContains("master: connected to the workers' port and sent \"Hello\" to 3 workers");
    for (int rank = 0; rank < 3; rank++) {
      int k = rank;
      assertTrue(r.stdoutLines().stream().anyMatch(l -> l.startsWith("worker " + k + "/3 on ") && l.endsWith("received \"Hello\"")),
          r::describe);
    }
    assertEquals(List.of("localhost"), launches(), "one launcher for the call's three workers\n" + r.describe());
  }

  @Test
  void inADomainJobAllWorkersInOneCallThenEveryTaskIsDone() throws Exception {
    MpiRun.Result r = inDomainJob(MpiRun.main(GuideSpawnMaster.class, "3", "9", "20", "all").np(1).slots(1)).run()
        .assertExitCode(0);
    r.assertOutputContains("master: 9 of 9 tasks done, 0 workers lost");
    assertEquals(3, r.stdoutLines().stream().filter(l -> l.startsWith("worker started on ") && l.endsWith("(parent group of 1)")).count(),
        r::describe);
    assertEquals(List.of("localhost"), launches(), r.describe());
  }
}
