package org.jmswk.launcher.slurm;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.jmswk.launcher.BoundedProcess;
import org.jmswk.launcher.Installation;
import org.jmswk.launcher.job.JobRunner;

/**
 * {@code jmswk sub --scheduler slurm}: the job handed to Slurm with sbatch. The job directory
 * (on storage every node sees, JMSWK_JOBS_DIR) gets jmswk's batch script and
 * {@value #SLURM_PROPERTIES} (the Slurm job id), which stat and showrsc read.
 */
public final class SlurmSubmit {
  public static final String SLURM_PROPERTIES = "slurm.properties";
  /** How long sbatch may take to answer a submission (without --wait). */
  static final Duration SUBMIT_WAIT = Duration.ofSeconds(60);
  /** With --wait: the job's own limit plus this for queueing and requeues. */
  static final Duration WAIT_MARGIN = Duration.ofMinutes(30);

  private SlurmSubmit() {}

  /** Submits; returns jmswk sub's exit status (with --wait: the job's). */
  public static int submit(SbatchRequest request) throws IOException {
    Path home = Installation.home().orElseThrow(() -> new IllegalStateException(
        "cannot find the jmswk installation the batch script runs (set JMSWK_HOME)"));
    Path batch = request.jobDir().resolve(SbatchRequest.BATCH_SCRIPT_FILE);
    Files.writeString(batch, SbatchRequest.BATCH_SCRIPT);
    List<String> command = new ArrayList<>(List.of("sbatch"));
    command.addAll(request.arguments());
    // sbatch exports the submitting environment (--export=ALL): the batch script finds jmswk
    // and the job directory through these
    Map<String, String> env = new LinkedHashMap<>();
    env.put("JMSWK_JOBS_DIR", JobRunner.jobsRoot().toAbsolutePath().toString());
    env.put("JMSWK_HOME", home.toString());
    Duration limit = request.waitForEnd()
        ? (request.spec().elapse() != null ? request.spec().elapse() : JobRunner.DEFAULT_LIMIT).plus(WAIT_MARGIN)
        : SUBMIT_WAIT;
    String jobId = request.jobDir().getFileName().toString();
    String[] slurmId = new String[1];
    BoundedProcess.Result r;
    try {
      r = BoundedProcess.run(command, env, null, limit, line -> {
        if (slurmId[0] == null && line.strip().matches("\\d+(;.*)?")) {
          slurmId[0] = Slurm.parseSubmitted(line);
          record(request.jobDir(), slurmId[0], request.jobName());
          System.err.printf("[jmswk] job %s submitted to Slurm as job %s (%s)%n", jobId, slurmId[0],
              String.join(" ", command));
        }
      });
    } catch (IOException e) {
      System.err.println("jmswk sub: cannot run sbatch (is this a Slurm submit host?): " + e.getMessage());
      return 3;
    }
    if (slurmId[0] == null) {
      System.err.println("jmswk sub: sbatch refused the job (exit " + r.exitCode() + "): " + r.output().strip());
      return 3;
    }
    if (r.timedOut()) {
      System.err.printf("jmswk sub: stopped waiting for Slurm job %s after %d s%n", slurmId[0], limit.toSeconds());
      return 3;
    }
    if (!request.waitForEnd()) return 0;
    System.err.printf("[jmswk] Slurm job %s ended: exit code %d%n", slurmId[0], r.exitCode());
    return r.exitCode();
  }

  /** Writes the job directory's Slurm record (atomically). */
  public static void record(Path jobDir, String slurmJobId, String name) {
    Properties p = new Properties();
    p.setProperty("slurm_job_id", slurmJobId);
    p.setProperty("name", name);
    p.setProperty("submitted", Instant.now().toString());
    try {
      Path tmp = jobDir.resolve(SLURM_PROPERTIES + ".tmp");
      try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        p.store(w, "the Slurm job of this jmswk job");
      }
      Files.move(tmp, jobDir.resolve(SLURM_PROPERTIES), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The Slurm job id recorded in {@code jobDir}, if the job was submitted to Slurm. */
  public static Optional<String> slurmJobId(Path jobDir) {
    Path file = jobDir.resolve(SLURM_PROPERTIES);
    if (!Files.isRegularFile(file)) return Optional.empty();
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException e) {
      return Optional.empty();
    }
    return Optional.ofNullable(p.getProperty("slurm_job_id"));
  }

  /** The recorded name of a Slurm-submitted job. */
  public static String name(Path jobDir) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(jobDir.resolve(SLURM_PROPERTIES), StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException e) {
      return "?";
    }
    return p.getProperty("name", "?");
  }
}
