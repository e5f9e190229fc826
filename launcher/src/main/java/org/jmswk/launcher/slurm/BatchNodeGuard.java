package org.jmswk.launcher.slurm;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Requeues the job when its batch node is lost, for jobs submitted with {@code --no-kill}.
 *
 * <p>Why: with {@code --no-kill} Slurm 22.05 keeps a job running when one of its nodes fails by
 * removing that node from the job — also when it is the node holding the batch script (seen on
 * the container cluster: the job went RESIZING and ran on without its script, until its time
 * limit). Without {@code --no-kill} any lost slave node would end or requeue the whole job. So
 * a master-worker job keeps {@code --no-kill} and runs this guard: one small shell loop per
 * other node, as a Slurm step ({@code srun --overlap --no-kill}, ended by Slurm with the job),
 * that watches the job's node list and, once the batch node has left it, asks Slurm to requeue
 * the job ({@code scontrol requeue}; {@code scancel} when the job may not be requeued).
 */
public final class BatchNodeGuard {
  /** $1 = Slurm job id, $2 = batch node; a constant script, the values only as arguments. */
  static final String LOOP = """
      while :; do
        nodes=$(squeue -h -j "$1" -o %N 2>/dev/null)
        if [ -n "$nodes" ] && ! scontrol show hostnames "$nodes" | grep -qx "$2"; then
          scontrol requeue "$1" 2>/dev/null || scancel "$1"
          exit 0
        fi
        sleep 2
      done
      """;

  private BatchNodeGuard() {}

  /** The srun argument vector that starts the guard on every node but the batch node. */
  public static List<String> command(String slurmJobId, String batchNode, int nodes) {
    if (!slurmJobId.matches("\\d{1,12}")) throw new IllegalArgumentException("not a Slurm job id: " + slurmJobId);
    List<String> argv = new ArrayList<>(List.of("srun", "--overlap", "--no-kill", "--job-name", "jmswk-guard",
        "--nodes", Integer.toString(nodes - 1), "--ntasks-per-node", "1", "--ntasks", Integer.toString(nodes - 1),
        "--exclude", batchNode, "--output", "/dev/null", "--error", "/dev/null",
        "sh", "-c", LOOP, "jmswk-guard", slurmJobId, batchNode));
    return argv;
  }

  /**
   * Starts the guard in the background when the allocation spans several nodes; null when
   * there is nothing to guard. The caller destroys it when the job script ends.
   */
  public static Process start(String slurmJobId, String batchNode, int nodes) {
    if (nodes < 2 || batchNode == null) return null;
    try {
      return new ProcessBuilder(command(slurmJobId, batchNode, nodes))
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    } catch (IOException e) {
      System.err.println("[jmswk] WARNING: cannot start the batch-node guard (srun): " + e.getMessage()
          + "; a lost batch node will not requeue this job");
      return null;
    }
  }
}
