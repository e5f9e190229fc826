package org.jmswk.launcher.slurm;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jmswk.launcher.BoundedProcess;
import org.jmswk.launcher.job.ResourceView;
import org.jmswk.launcher.job.SlurmLists;

/**
 * What Slurm's own commands say (sinfo, squeue, sacct), each run as an argument vector with a
 * bounded wait; the parsing is pure and tested on its own. A command that is missing, fails or
 * does not answer yields empty / an {@link IOException} naming it, never a guess.
 */
public final class Slurm {
  /** Bound on every Slurm command (slurmctld answers in milliseconds when it is up). */
  static final Duration COMMAND_WAIT = Duration.ofSeconds(20);

  /** One run of a job as sacct records it (a requeued job has one row per run, with --duplicates). */
  public record Run(String jobId, String state, String exitCode, String start, String end, String nodeList,
      int allocNodes, int allocCpus) {}

  private Slurm() {}

  /** True when sinfo answers here: this machine is part of a Slurm cluster. */
  public static boolean available() {
    try {
      return run(List.of("sinfo", "-h", "-o", "%P")).exitCode() == 0;
    } catch (IOException e) {
      return false;
    }
  }

  static BoundedProcess.Result run(List<String> command) throws IOException {
    BoundedProcess.Result r = BoundedProcess.run(command, null, null, COMMAND_WAIT, line -> {});
    if (r.timedOut()) throw new IOException(command.getFirst() + " did not answer within " + COMMAND_WAIT.toSeconds() + " s");
    return r;
  }

  private static String ok(List<String> command) throws IOException {
    BoundedProcess.Result r = run(command);
    if (r.exitCode() != 0) throw new IOException(String.join(" ", command) + " failed (exit " + r.exitCode() + "): " + r.output());
    return r.output();
  }

  /** sinfo's nodes: name, state, CPUs, memory (MiB); one per node. */
  public static List<SinfoNode> nodes() throws IOException {
    return parseSinfo(ok(List.of("sinfo", "-h", "-N", "-o", "%N|%t|%c|%m")));
  }

  /** A node as sinfo reports it; {@code state} is sinfo's short state (idle, alloc, mix, down*, ...). */
  public record SinfoNode(String name, String state, int cpus, long memMiB) {
    /** Down, drained, failing or not responding: no job can use it. */
    public boolean usable() {
      return !(state.startsWith("down") || state.startsWith("drain") || state.startsWith("fail")
          || state.endsWith("*") || state.startsWith("unk"));
    }

    public boolean allocated() {
      return state.startsWith("alloc") || state.startsWith("mix") || state.startsWith("comp");
    }
  }

  static List<SinfoNode> parseSinfo(String text) {
    Map<String, SinfoNode> nodes = new LinkedHashMap<>();
    for (String line : text.strip().split("\n")) {
      String[] f = line.strip().split("\\|");
      if (f.length < 4) continue;
      // a node in two partitions is listed twice
      nodes.putIfAbsent(f[0], new SinfoNode(f[0], f[1], parseInt(f[2]), parseLong(f[3])));
    }
    return List.copyOf(nodes.values());
  }

  /** The job's runs, oldest first (sacct --duplicates: a requeued job's earlier runs too). */
  public static List<Run> runs(String slurmJobId) throws IOException {
    requireId(slurmJobId);
    return parseSacct(ok(List.of("sacct", "-a", "-X", "-D", "-n", "-P", "-j", slurmJobId,
        "-o", "JobID,State,ExitCode,Start,End,NodeList,AllocNodes,AllocCPUS")));
  }

  static List<Run> parseSacct(String text) {
    List<Run> runs = new ArrayList<>();
    for (String line : text.strip().split("\n")) {
      String[] f = line.strip().split("\\|", -1);
      if (f.length < 8) continue;
      runs.add(new Run(f[0], f[1], f[2], f[3], f[4], f[5], parseInt(f[6]), parseInt(f[7])));
    }
    return runs;
  }

  /** squeue's state and reason (or the node list while running) for a job still in the queue. */
  public static Optional<String[]> queued(String slurmJobId) throws IOException {
    requireId(slurmJobId);
    BoundedProcess.Result r = run(List.of("squeue", "-h", "-j", slurmJobId, "-o", "%T|%r|%N"));
    // squeue fails ("Invalid job id") once the job has left the queue
    if (r.exitCode() != 0 || r.output().isBlank()) return Optional.empty();
    return Optional.of(r.output().strip().split("\n")[0].split("\\|", -1));
  }

  /** Of {@code nodes}, those Slurm counts as down (down, drained, failing, not responding). */
  public static List<String> downNodes(List<String> nodes) {
    try {
      List<String> down = new ArrayList<>();
      for (SinfoNode n : nodes()) if (nodes.contains(n.name()) && !n.usable()) down.add(n.name());
      return down;
    } catch (IOException e) {
      return List.of();
    }
  }

  /** The resource view's nodes: usable ones up; and the names of the allocated ones. */
  public static List<ResourceView.Node> viewNodes(List<SinfoNode> nodes) {
    return nodes.stream().map(n -> new ResourceView.Node(n.name(), n.usable(), n.cpus(), n.memMiB())).toList();
  }

  /** sbatch --parsable prints "ID" or "ID;cluster". */
  public static String parseSubmitted(String output) {
    for (String line : output.strip().split("\n")) {
      String id = line.strip().split(";")[0];
      if (id.matches("\\d+")) return id;
    }
    throw new IllegalArgumentException("sbatch printed no job id: " + output.strip());
  }

  /** Expands a node list as Slurm prints it. */
  public static List<String> expand(String nodeList) {
    return nodeList.isBlank() || nodeList.equals("None assigned") ? List.of() : SlurmLists.expandNodes(nodeList);
  }

  private static void requireId(String id) {
    if (!id.matches("\\d{1,12}")) throw new IllegalArgumentException("not a Slurm job id: " + id);
  }

  private static int parseInt(String s) {
    try {
      return Integer.parseInt(s.strip().replaceAll("[^0-9].*$", ""));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static long parseLong(String s) {
    try {
      return Long.parseLong(s.strip().replaceAll("[^0-9].*$", ""));
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
