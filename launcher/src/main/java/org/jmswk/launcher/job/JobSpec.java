package org.jmswk.launcher.job;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What a job script asks for, from either dialect. {@code nodes} counts every node of the job,
 * those for static processes and those for dynamic workers; {@code staticProcs} is how many
 * processes mpiexec starts ({@code proc=} / Slurm's task count).
 *
 * @param nodes        nodes in all (node=N, the product of a shape, or --nodes)
 * @param shape        node shape such as [12, 8], or empty when none was given
 * @param staticProcs  processes mpiexec starts; 0 when not given (then one per node)
 * @param procsPerNode slots per node (--ntasks-per-node / max-proc-per-node); 0 when not given
 * @param masterOnFirstNode shape=1: the single static process sits on the first node
 * @param elapse       the time limit, or null for none
 * @param resourceGroup rscgrp= or --partition
 * @param group        -g (vendor) / --account
 * @param jobName      -N / --job-name, or null
 * @param printStats   -s / -S (print job statistics at the end)
 * @param environment  -x VAR=value, in order
 * @param warnings     things accepted but ignored, each naming file:line
 * @param mpiShapeProcs the --mpi shape= process count, 0 when not given
 * @param tasks        Slurm's --ntasks (the allocation's task count), 0 when not given
 * @param resources    per-task cores and per-node memory, where they were asked for
 * @param output       where the job's output goes besides the job directory
 */
public record JobSpec(int nodes, List<Integer> shape, int staticProcs, int procsPerNode,
                      boolean masterOnFirstNode, Duration elapse, String resourceGroup, String group,
                      String jobName, boolean printStats, boolean mswk, Map<String, String> environment,
                      List<String> warnings, int mpiShapeProcs, int tasks, Asked resources, Output output) {

  /**
   * Cores per task (--cpus-per-task) and memory per node in MiB (--mem), 0 when not asked;
   * {@code where} names each directive (file:line) for the warning that it is not enforced.
   */
  public record Asked(int cpusPerTask, long memMiB, List<String> where) {
    public static final Asked NONE = new Asked(0, 0, List.of());
  }

  /**
   * Output directives (#PJM -o/-e/-j, #SBATCH -o/-e): file patterns ({@code %j} = job id),
   * relative to the submit directory; null when not given. {@code joined}: stderr goes with stdout.
   */
  public record Output(String stdout, String stderr, boolean joined) {
    public static final Output NONE = new Output(null, null, false);
  }

  /** Slots each node offers: procsPerNode, or 1. */
  public int slotsPerNode() {
    return procsPerNode > 0 ? procsPerNode : 1;
  }

  /** The same job with {@code n} nodes in all (and no shape). */
  public JobSpec withNodes(int n) {
    return new JobSpec(n, List.of(), staticProcs, procsPerNode, masterOnFirstNode, elapse, resourceGroup, group,
        jobName, printStats, mswk, environment, warnings, mpiShapeProcs, tasks, resources, output);
  }

  /**
   * How many processes a plain mpiexec (no count of its own) starts, as on the vendor's system:
   * proc=, else the shape= count, else for a master-worker job one (the master); 0: every slot.
   */
  public int plainMpiexecProcs() {
    if (staticProcs > 0) return staticProcs;
    if (mpiShapeProcs > 0) return mpiShapeProcs;
    return mswk ? 1 : 0;
  }

  /** Static processes mpiexec starts: staticProcs, or one per node. */
  public int effectiveStaticProcs() {
    return staticProcs > 0 ? staticProcs : nodes;
  }
}
