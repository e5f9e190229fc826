package org.jmswk.launcher.slurm;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jmswk.launcher.job.JobRecord;

/** What {@code jmswk stat} shows of jobs submitted with {@code --scheduler slurm}: Slurm's word on them. */
public final class SlurmJobView {
  private SlurmJobView() {}

  /**
   * {@code jobs} with every Slurm job's state replaced by Slurm's (squeue while queued, else
   * sacct's last run), plus the Slurm jobs that have not started yet (no record of their own).
   */
  public static List<JobRecord> withSlurmStates(List<JobRecord> jobs, Path root) throws IOException {
    if (!Files.isDirectory(root)) return jobs;
    Map<String, JobRecord> byId = jobs.stream().collect(Collectors.toMap(JobRecord::id, Function.identity()));
    List<JobRecord> all = new ArrayList<>(jobs);
    try (Stream<Path> dirs = Files.list(root)) {
      for (Path dir : dirs.filter(d -> d.getFileName().toString().matches("\\d+")).toList()) {
        Optional<String> slurmId = SlurmSubmit.slurmJobId(dir);
        if (slurmId.isEmpty()) continue;
        String state = state(slurmId.get()).orElse(null);
        JobRecord r = byId.get(dir.getFileName().toString());
        JobRecord shown = r != null
            ? new JobRecord(r.id(), r.name(), state != null ? state : r.state(), r.target(), r.cluster(), r.nodes(),
                r.start(), r.end(), r.exitCode(), r.endReason(), r.dir())
            : new JobRecord(dir.getFileName().toString(), SlurmSubmit.name(dir), state != null ? state : "SUBMITTED",
                "slurm", "slurm", List.of(), submitted(dir), null, null, null, dir);
        all.remove(r);
        all.add(shown);
      }
    }
    all.sort(Comparator.comparingInt(j -> Integer.parseInt(j.id())));
    return all;
  }

  /** Slurm's state of a job: squeue's while it is queued or running, else sacct's for its last run. */
  public static Optional<String> state(String slurmJobId) {
    try {
      Optional<String[]> queued = Slurm.queued(slurmJobId);
      if (queued.isPresent()) return Optional.of(queued.get()[0]);
      List<Slurm.Run> runs = Slurm.runs(slurmJobId);
      return runs.isEmpty() ? Optional.empty() : Optional.of(runs.getLast().state());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Lines for {@code jmswk stat ID}: the Slurm job, its queue state, and every run sacct has. */
  public static List<String> describe(Path jobDir) {
    List<String> lines = new ArrayList<>();
    String id = SlurmSubmit.slurmJobId(jobDir).orElseThrow();
    lines.add("SLURM JOB " + id);
    try {
      Slurm.queued(id).ifPresent(q -> lines.add("QUEUE     : " + q[0] + (q.length > 2 && !q[2].isBlank() ? " on " + q[2]
          : q.length > 1 ? " (" + q[1] + ")" : "")));
      List<Slurm.Run> runs = Slurm.runs(id);
      lines.add(String.format("%-6s %-12s %-6s %-19s %-19s %5s %s", "RUN", "STATE", "EXIT", "START", "END", "NODES", "NODELIST"));
      int n = 1;
      for (Slurm.Run r : runs) {
        lines.add(String.format("run %-2d %-12s %-6s %-19s %-19s %5d %s", n++, r.state(), r.exitCode(), r.start(), r.end(),
            r.allocNodes(), r.nodeList()));
      }
    } catch (IOException e) {
      lines.add("(Slurm does not answer: " + e.getMessage() + ")");
    }
    return lines;
  }

  private static Instant submitted(Path dir) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(dir.resolve(SlurmSubmit.SLURM_PROPERTIES), StandardCharsets.UTF_8)) {
      p.load(r);
      return Instant.parse(p.getProperty("submitted"));
    } catch (IOException | RuntimeException e) {
      return Instant.EPOCH;
    }
  }
}
