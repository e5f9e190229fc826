package org.jmswk.launcher.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A job's processes are found by their JMSWK_JOB_ID, in the launcher's own PID namespace only:
 * a process of a container (another PID namespace, visible to root in /proc) with the same job
 * id is another job's (container cluster jobs number from 1 too) and must never be ended.
 */
class JobProcessesTest {
  @Test
  void onlyProcessesOfThisPidNamespaceBelongToTheJob() throws Exception {
    String jobId = "ns-test-" + System.nanoTime();
    Process here = start(List.of("sleep", "60"), jobId);
    Process elsewhere = start(List.of("unshare", "--pid", "--fork", "sleep", "60"), jobId);
    try {
      Thread.sleep(500); // unshare has forked its sleep
      List<Long> found = JobProcesses.find(jobId).stream().map(ProcessHandle::pid).toList();
      // here: sleep; elsewhere: unshare itself (this namespace), not its child in the new one
      assertEquals(List.of(here.pid(), elsewhere.pid()).stream().sorted().toList(), found.stream().sorted().toList());
      long inOtherNamespace = elsewhere.descendants().count();
      assertEquals(1, inOtherNamespace, "unshare's child runs");
    } finally {
      here.destroyForcibly();
      elsewhere.descendants().forEach(ProcessHandle::destroyForcibly);
      elsewhere.destroyForcibly();
    }
  }

  private static Process start(List<String> command, String jobId) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("JMSWK_JOB_ID", jobId);
    return pb.start();
  }
}
