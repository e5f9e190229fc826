package org.jmswk.launcher.slurm;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jmswk.launcher.job.JobSpec;

/**
 * A job script's directives (either dialect, already parsed into a {@link JobSpec}) as an
 * {@code sbatch} argument vector: no shell ever sees a user's string. The batch script is
 * jmswk's own ({@link #BATCH_SCRIPT}); it runs {@code jmswk sub --slurm-run ID} inside the
 * allocation, which runs the user's script as {@code jmswk sub} does (mpiexec inside the
 * allocation, the failure isolation settings, a failure domain per worker).
 *
 * <p>The allocation has room for the dynamic workers: every slot of every node the job asks
 * for ({@code --nodes} x {@code --ntasks-per-node}, or the script's own {@code --ntasks}).
 * Master-worker jobs get {@code --requeue} (the job starts again, on other nodes, when the node
 * holding the batch script is lost, and resumes from its journal) and {@code --no-kill} (a lost
 * slave node does not end the job: the runtime re-runs its tasks elsewhere).
 *
 * @param jobName  Slurm's job name
 * @param requeue  --requeue, else --no-requeue
 * @param waitForEnd --wait: sbatch returns when the job ends, with its exit code
 */
public record SbatchRequest(JobSpec spec, String jobName, Path jobDir, Path workDir, boolean requeue, boolean waitForEnd) {
  /** What Slurm runs: jmswk's batch script, given the job's id. Written into the job directory. */
  public static final String BATCH_SCRIPT = """
      #!/bin/sh
      # jmswk: runs job $1 (a directory under $JMSWK_JOBS_DIR) in this Slurm allocation; a
      # requeued run of the same Slurm job resumes it from its journal.
      exec "$JMSWK_HOME/bin/jmswk" sub --slurm-run "$1"
      """;
  public static final String BATCH_SCRIPT_FILE = "slurm-batch.sh";
  /** Slurm's output of the batch step (every run appended), in the job directory. */
  public static final String SLURM_OUTPUT = "slurm-%j.out";
  /**
   * Slurm's limit is the job's plus this: jmswk's own limit ends the job first and records the
   * reason "elapse limit exceeded" in its statistics.
   */
  static final Duration LIMIT_GRACE = Duration.ofMinutes(1);

  /** The sbatch arguments, after "sbatch". */
  public List<String> arguments() {
    List<String> a = new ArrayList<>(List.of("--parsable", "--job-name", jobName,
        "--chdir", workDir.toString(), "--output", jobDir.resolve(SLURM_OUTPUT).toString(), "--open-mode", "append",
        "--nodes", Integer.toString(spec.nodes())));
    if (spec.tasks() > 0) {
      a.addAll(List.of("--ntasks", Integer.toString(spec.tasks())));
    } else {
      a.addAll(List.of("--ntasks-per-node", Integer.toString(spec.slotsPerNode())));
    }
    if (spec.elapse() != null) a.addAll(List.of("--time", slurmTime(spec.elapse().plus(LIMIT_GRACE))));
    a.add(requeue ? "--requeue" : "--no-requeue");
    if (spec.mswk()) a.add("--no-kill");
    if (waitForEnd) a.add("--wait");
    a.add(jobDir.resolve(BATCH_SCRIPT_FILE).toString());
    a.add(jobDir.getFileName().toString());
    return a;
  }

  /** Slurm's days-hours:minutes:seconds, whole minutes rounded up. */
  static String slurmTime(Duration d) {
    long minutes = (d.toSeconds() + 59) / 60;
    return String.format("%d-%02d:%02d:00", minutes / 1440, (minutes / 60) % 24, minutes % 60);
  }
}
