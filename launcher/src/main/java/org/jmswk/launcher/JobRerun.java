package org.jmswk.launcher;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.jmswk.launcher.job.JobRecord;
import org.jmswk.launcher.job.JobRunner;
import org.jmswk.launcher.job.SlurmLists;
import org.jmswk.launcher.slurm.BatchNodeGuard;
import org.jmswk.launcher.slurm.SlurmSubmit;
import picocli.CommandLine;

/**
 * {@code jmswk sub --rerun ID}: a job run again in its own directory, with the same job id, as
 * it was submitted (recorded in {@code submission.properties} when it was first submitted).
 */
final class JobRerun {
  static final String SUBMISSION = "submission.properties";

  private JobRerun() {}

  /** Records the {@code jmswk sub} arguments that run the job in {@code jobDir} again. */
  static void record(Path jobDir, List<String> subArgs) throws IOException {
    Properties p = new Properties();
    p.setProperty("argc", Integer.toString(subArgs.size()));
    for (int i = 0; i < subArgs.size(); i++) p.setProperty("arg." + i, subArgs.get(i));
    try (Writer w = Files.newBufferedWriter(jobDir.resolve(SUBMISSION), StandardCharsets.UTF_8)) {
      p.store(w, "jmswk sub arguments of this job (for jmswk sub --rerun)");
    }
  }

  static int rerun(String id) throws IOException {
    return rerun(id, false);
  }

  /**
   * What jmswk's Slurm batch script runs: job {@code id} as submitted, in this allocation. A
   * requeued run (SLURM_RESTART_COUNT above 0) may find the job RUNNING: its earlier run died
   * with its node and this run takes over the job directory and its journal.
   */
  static int runInSlurmAllocation(String id) throws IOException {
    String slurmId = System.getenv("SLURM_JOB_ID");
    if (slurmId == null || System.getenv("SLURM_JOB_NODELIST") == null) {
      System.err.println("jmswk sub: --slurm-run is for jmswk's Slurm batch script: not inside a Slurm allocation");
      return 2;
    }
    Path dir = JobRunner.jobsRoot().resolve(id);
    if (id.matches("\\d+") && Files.isDirectory(dir) && !SlurmSubmit.slurmJobId(dir).equals(Optional.of(slurmId))) {
      SlurmSubmit.record(dir, slurmId, SlurmSubmit.name(dir));
    }
    String restarts = System.getenv().getOrDefault("SLURM_RESTART_COUNT", "0");
    int nodes = SlurmLists.expandNodes(System.getenv("SLURM_JOB_NODELIST")).size();
    Process guard = BatchNodeGuard.start(slurmId, System.getenv("SLURMD_NODENAME"), nodes);
    try {
      return rerun(id, !restarts.equals("0"));
    } finally {
      if (guard != null) guard.destroy();
    }
  }

  private static int rerun(String id, boolean requeued) throws IOException {
    Path dir = JobRunner.jobsRoot().resolve(id);
    if (!id.matches("\\d+") || !Files.isDirectory(dir)) {
      System.err.println("jmswk sub: no job " + id + " under " + JobRunner.jobsRoot());
      return 2;
    }
    Path submission = dir.resolve(SUBMISSION);
    if (!Files.isRegularFile(submission)) {
      System.err.println("jmswk sub: job " + id + " has no " + SUBMISSION + " (submitted by an older jmswk); submit it anew");
      return 2;
    }
    Optional<JobRecord> record = JobRecord.read(dir);
    if (record.isPresent() && record.get().state().equals("RUNNING") && !requeued) {
      System.err.println("jmswk sub: job " + id + " is still running; it can be run again once it has ended");
      return 2;
    }
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(submission, StandardCharsets.UTF_8)) {
      p.load(r);
    }
    List<String> args = new ArrayList<>();
    int argc = Integer.parseInt(p.getProperty("argc", "0"));
    for (int i = 0; i < argc; i++) args.add(p.getProperty("arg." + i));
    if (record.isPresent()) {
      keepOutput(dir);
      System.err.println("[jmswk] job " + id + " runs again in " + dir
          + (requeued ? " (requeued by Slurm, restart " + System.getenv("SLURM_RESTART_COUNT") + ")" : ""));
    }
    SubCommand again = new SubCommand();
    again.rerunDir = dir;
    return new CommandLine(again).execute(args.toArray(String[]::new));
  }

  /**
   * The earlier run's output becomes output.run-N.txt (N: 1 for the first run), its statistics
   * stats.run-N.json (none when that run died with its node).
   */
  private static void keepOutput(Path dir) throws IOException {
    int n = 1;
    while (Files.exists(dir.resolve("output.run-" + n + ".txt"))) n++;
    Path output = dir.resolve("output.txt");
    if (Files.exists(output)) Files.move(output, dir.resolve("output.run-" + n + ".txt"), StandardCopyOption.REPLACE_EXISTING);
    Path stats = dir.resolve("stats.json");
    if (Files.exists(stats)) Files.move(stats, dir.resolve("stats.run-" + n + ".json"), StandardCopyOption.REPLACE_EXISTING);
  }
}
