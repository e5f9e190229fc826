package org.jmswk.launcher;

import java.util.List;
import java.util.concurrent.Callable;
import org.jmswk.launcher.job.JobProcesses;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jmswk reap JOB_ID}: ends every process of a job on this node. Run by the launcher on
 * each node of a cluster when the job script ends; prints {@code ended PIDS} and {@code left PIDS}.
 */
@Command(name = "reap", hidden = true, description = "End every process of a job on this node (used by jmswk sub).")
public final class ReapCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "JOB_ID")
  String jobId;

  @Option(names = "--job-dir", paramLabel = "DIR", description = "only processes of the job in this directory (JMSWK_JOB_DIR)")
  String jobDir;

  @Override
  public Integer call() {
    if (!jobId.matches("[0-9A-Za-z._-]{1,64}")) {
      System.err.println("jmswk reap: not a job id: " + jobId);
      return 2;
    }
    List<Long> ended = JobProcesses.endAll(jobId, jobDir, 2000);
    List<Long> left = JobProcesses.find(jobId, jobDir).stream().map(ProcessHandle::pid).toList();
    System.out.println("ended " + join(ended));
    System.out.println("left " + join(left));
    return 0;
  }

  private static String join(List<Long> pids) {
    return String.join(" ", pids.stream().map(String::valueOf).toList());
  }
}
