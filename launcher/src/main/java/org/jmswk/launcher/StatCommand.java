package org.jmswk.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jmswk.launcher.job.JobRecord;
import org.jmswk.launcher.job.JobRunner;
import org.jmswk.launcher.timeline.JobTimeline;
import org.jmswk.launcher.slurm.SlurmJobView;
import org.jmswk.launcher.slurm.SlurmSubmit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jmswk stat}: the jobs run from this machine. */
@Command(name = "stat", mixinStandardHelpOptions = true,
    description = {"List the jobs run from this machine, or one job's statistics.", "",
        "Lists the jobs run from this machine (~/.jmswk/jobs, or JMSWK_JOBS_DIR): id, name,",
        "state (RUNNING, END, or LOST when the launcher died), target, nodes, start, elapsed time, exit",
        "code and end reason. With a job id, prints that job's statistics as JSON; with --journal its task",
        "figures and resume history; with --timeline the path of its timeline picture.",
        "For a job submitted with --scheduler slurm the state is Slurm's (squeue, else sacct:",
        "PENDING, RUNNING, COMPLETED, FAILED, ...), and with its id every run Slurm made of it",
        "(a requeued job has several) is listed from sacct before the statistics of the last run;",
        "those of earlier runs are kept as stats.run-N.json."})
public final class StatCommand implements Callable<Integer> {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("MM/dd HH:mm:ss").withZone(ZoneId.systemDefault());

  @Parameters(index = "0", arity = "0..1", paramLabel = "JOB_ID", description = "Show this job's statistics.")
  String jobId;

  @Option(names = "--json", description = "Print the list (or with --journal the job's figures) as JSON.")
  boolean json;

  @Option(names = "--journal", description = "With a job id: the job's task figures (done, failed, retried, time lost"
      + " to failures) and its resume history (each run: re-delivered vs executed) from its journal, as a table (or"
      + " JSON with --json).")
  boolean journal;

  @Option(names = "--timeline", description = "With a job id: print the path of the job's timeline picture"
      + " (timeline.html: a lane per worker, a bar per task attempt, failures and worker/node losses marked;"
      + " timeline.trace.json beside it opens in Perfetto), drawn from its journal first if needed.")
  boolean timeline;

  private static int printTimeline(java.nio.file.Path journal) {
    if (!Files.exists(journal)) {
      System.err.println("jmswk stat: no journal at " + journal + " (the job attached none), so no timeline");
      return 1;
    }
    try {
      System.out.println(JobTimeline.current(journal));
      return 0;
    } catch (IOException | RuntimeException e) {
      System.err.println("jmswk stat: " + e.getMessage());
      return 1;
    }
  }

  @Override
  public Integer call() throws IOException {
    if (jobId != null) {
      var stats = JobRunner.jobsRoot().resolve(jobId).resolve("stats.json");
      if (!jobId.matches("\\d+") || !Files.isDirectory(stats.getParent())) {
        System.err.println("jmswk stat: no job " + jobId + " under " + JobRunner.jobsRoot());
        return 1;
      }
      if (timeline) return printTimeline(stats.getParent().resolve("journal.sqlite"));
      if (journal) return JournalFigures.print(stats.getParent().resolve("journal.sqlite"), json);
      if (SlurmSubmit.slurmJobId(stats.getParent()).isPresent()) {
        SlurmJobView.describe(stats.getParent()).forEach(System.out::println);
      }
      if (!Files.exists(stats)) {
        System.out.println("job " + jobId + " has no statistics yet (still running?)");
        return 0;
      }
      System.out.print(Files.readString(stats));
      return 0;
    }
    List<JobRecord> jobs = SlurmJobView.withSlurmStates(JobRecord.all(JobRunner.jobsRoot()), JobRunner.jobsRoot());
    if (json) {
      List<Object> list = new ArrayList<>();
      for (JobRecord j : jobs) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", j.id());
        m.put("name", j.name());
        m.put("state", j.state());
        m.put("target", j.target());
        m.put("nodes", j.nodes());
        m.put("start", j.start().toString());
        m.put("elapsed_seconds", j.elapsed().toMillis() / 1000.0);
        m.put("exit_code", j.exitCode());
        m.put("end_reason", j.endReason());
        list.add(m);
      }
      System.out.print(Json.write(list));
      return 0;
    }
    System.out.printf("%-6s %-20s %-8s %-7s %5s %-15s %9s %5s %s%n",
        "ID", "NAME", "STATE", "TARGET", "NODES", "START", "ELAPSED", "EXIT", "REASON");
    for (JobRecord j : jobs) {
      long s = j.elapsed().toSeconds();
      System.out.printf("%-6s %-20.20s %-8s %-7s %5d %-15s %02d:%02d:%02d %5s %s%n", j.id(), j.name(), j.state(),
          j.target(), j.nodes().size(), TIME.format(j.start()), s / 3600, (s / 60) % 60, s % 60,
          j.exitCode() == null ? "-" : j.exitCode(), j.endReason() == null ? "-" : j.endReason());
    }
    if (jobs.isEmpty()) System.out.println("(no jobs yet: run one with jmswk sub SCRIPT)");
    return 0;
  }
}
