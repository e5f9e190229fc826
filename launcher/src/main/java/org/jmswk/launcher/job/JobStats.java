package org.jmswk.launcher.job;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A job's statistics as the vendor prints them: per resource REQUIRE (asked at submit), ALLOC
 * (given at start) and USE (used, leaving out nodes that failed); the exit code (0 when the job
 * script ended normally, even if slave nodes failed on the way); the end reason ("-" when normal).
 */
public record JobStats(String jobId, String jobName, String script, String target,
                       Instant start, Instant end, int exitCode, String endReason,
                       Resources require, Resources alloc, Resources use, List<String> failedNodes) {

  /** Nodes, slots (processes MPI may place) and cores; -1 where unknown. */
  public record Resources(int nodes, int slots, int cores, long memMiB) {}

  public Duration elapsed() {
    return Duration.between(start, end);
  }

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm:ss").withZone(ZoneId.systemDefault());

  /** The statistics as a table. */
  public String table() {
    StringBuilder t = new StringBuilder();
    t.append(String.format("JOB ID       : %s%n", jobId));
    t.append(String.format("JOB NAME     : %s%n", jobName));
    t.append(String.format("TARGET       : %s%n", target));
    t.append(String.format("EXIT CODE    : %d%n", exitCode));
    t.append(String.format("END REASON   : %s%n", endReason));
    t.append(String.format("START        : %s%n", TIME.format(start)));
    t.append(String.format("END          : %s%n", TIME.format(end)));
    t.append(String.format("ELAPSED      : %s%n", hms(elapsed())));
    t.append(String.format("FAILED NODES : %s%n", failedNodes.isEmpty() ? "-" : String.join(",", failedNodes)));
    t.append(String.format("%-10s %9s %9s %9s%n", "RESOURCE", "REQUIRE", "ALLOC", "USE"));
    t.append(row("node", require.nodes(), alloc.nodes(), use.nodes()));
    t.append(row("slot", require.slots(), alloc.slots(), use.slots()));
    t.append(row("cpu", require.cores(), alloc.cores(), use.cores()));
    t.append(row("mem(MiB)", require.memMiB(), alloc.memMiB(), use.memMiB()));
    return t.toString();
  }

  private static String row(String name, long require, long alloc, long use) {
    return String.format("%-10s %9s %9s %9s%n", name, n(require), n(alloc), n(use));
  }

  private static String n(long v) {
    return v < 0 ? "-" : Long.toString(v);
  }

  static String hms(Duration d) {
    long s = d.toSeconds();
    return String.format("%02d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
  }

  /** The statistics as a JSON-ready map. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("job_id", jobId);
    m.put("job_name", jobName);
    m.put("script", script);
    m.put("target", target);
    m.put("exit_code", exitCode);
    m.put("end_reason", endReason);
    m.put("start", start.toString());
    m.put("end", end.toString());
    m.put("elapsed_seconds", elapsed().toMillis() / 1000.0);
    m.put("failed_nodes", failedNodes);
    m.put("require", resources(require));
    m.put("alloc", resources(alloc));
    m.put("use", resources(use));
    return m;
  }

  private static Map<String, Object> resources(Resources r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("nodes", r.nodes());
    m.put("slots", r.slots());
    m.put("cores", r.cores());
    m.put("mem_mib", r.memMiB());
    return m;
  }
}
