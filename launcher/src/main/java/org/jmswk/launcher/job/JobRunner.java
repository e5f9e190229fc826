package org.jmswk.launcher.job;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.jmswk.executor.TimeLimit;
import org.jmswk.launcher.BoundedProcess;
import org.jmswk.launcher.Installation;
import org.jmswk.launcher.Json;

/**
 * Runs a job script as the job script process: the job lives exactly as long as the script.
 * The script runs in its own job directory's environment (the target's hostfile and MPI
 * settings, the -x variables), under the elapse limit; when it ends, every process of the job
 * still running is ended and that none is left is checked. Statistics go to the job directory.
 */
public final class JobRunner {
  /** Used when the script sets no limit, so that no job waits without bound. */
  public static final Duration DEFAULT_LIMIT = Duration.ofHours(24);

  /** A finished job: its statistics, output, and the processes (node:pid) that had to be ended at its end. */
  public record Outcome(JobStats stats, Path jobDir, List<String> output, List<String> leftovers, List<String> survivors) {}

  private JobRunner() {}

  /** The directory that holds every job run from this machine. */
  public static Path jobsRoot() {
    String dir = System.getProperty("jmswk.jobs.dir", System.getenv("JMSWK_JOBS_DIR"));
    return dir != null && !dir.isBlank() ? Path.of(dir)
        : Path.of(System.getProperty("user.home"), ".jmswk", "jobs");
  }

  /** A new job directory with the next free number as its id. */
  public static Path newJobDir() throws IOException {
    Path root = jobsRoot();
    Files.createDirectories(root);
    for (int attempt = 0; attempt < 1000; attempt++) {
      int next = 1;
      try (var dirs = Files.list(root)) {
        next += dirs.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d{1,9}"))
            .mapToInt(Integer::parseInt).max().orElse(0);
      }
      try {
        return Files.createDirectory(root.resolve(Integer.toString(next)));
      } catch (FileAlreadyExistsException raced) {
        // another submit took this number: look again
      }
    }
    throw new IOException("cannot allocate a job directory under " + root);
  }

  /**
   * Runs {@code script} with {@code args} in {@code jobDir} (from {@link #newJobDir()}), with
   * {@code launch} composed for {@code jobDir.resolve("hostfile")}. Each output line also goes
   * to {@code onLine}.
   */
  public static Outcome run(JobSpec spec, Launch launch, Path script, List<String> args, Path jobDir,
                            Consumer<String> onLine) throws IOException {
    return run(spec, launch, ScriptHost.LOCAL, script, args, jobDir, onLine);
  }

  /** As above, with the script process on {@code host}. */
  public static Outcome run(JobSpec spec, Launch launch, ScriptHost host, Path script, List<String> args,
                            Path jobDir, Consumer<String> onLine) throws IOException {
    String jobId = jobDir.getFileName().toString();
    Files.writeString(jobDir.resolve("hostfile"), launch.hostfile());
    Map<String, String> env = new LinkedHashMap<>(launch.environment());
    env.put(EndReason.ABORT_DELAY, "1");
    // On this machine every node of the job is this one host: the agents mpiexec starts here
    // play the nodes (rank 0 the master's), as jmswk agent --emulated-nodes
    if (launch.target().equals("local") && spec.nodes() > 1) env.put("JMSWK_AGENT_EMULATED_NODES", "1");
    env.putAll(spec.environment());
    env.put("JMSWK_JOB_ID", jobId);
    env.put("JMSWK_JOB_DIR", jobDir.toString());
    env.put("JMSWK_JAVA", Installation.java());
    env.put("JMSWK_CLASSPATH", Installation.jar().map(Path::toString).orElse(System.getProperty("java.class.path")));
    Installation.home().ifPresent(home -> {
      env.put("JMSWK_HOME", home.toString());
      env.put("PATH", home.resolve("bin") + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    });
    env.putAll(host.environment());
    JobCommands.install(jobDir, spec, env);
    // Processes mpiexec starts on other nodes get only what it forwards: the job's identity
    // (which also marks them for the end-of-job cleanup) and the -x variables.
    List<String> forwarded = new ArrayList<>(List.of("JMSWK_JOB_ID", "JMSWK_JOB_DIR"));
    if (NodeDomains.applies(spec, launch)) {
      NodeDomains.prepare(jobDir, env);
      forwarded.add(NodeDomains.SERVER_VARIABLE);
    }
    forwarded.addAll(spec.environment().keySet());

    Duration limit = spec.elapse() != null ? spec.elapse() : DEFAULT_LIMIT;
    // the master's warning before the limit: the deadline in its environment, and a signal if asked
    // (a malformed JMSWK_TIME_LIMIT_* is an IllegalArgumentException naming it: one line, exit 2, nothing run)
    long asked = System.currentTimeMillis();
    TimeLimit timeLimit = TimeLimitWarning.of(limit, spec.environment(), asked);
    boolean allocationEndsFirst = timeLimit.atMillis() < asked + limit.toMillis();
    env.put(TimeLimit.AT, Long.toString(timeLimit.atMillis()));
    env.put(TimeLimit.LEAD, Long.toString(timeLimit.leadMillis() / 1000));
    if (timeLimit.signal() != null) env.put(TimeLimit.SIGNAL, timeLimit.signal());
    for (String v : List.of(TimeLimit.AT, TimeLimit.LEAD, TimeLimit.SIGNAL)) {
      if (env.containsKey(v) && !forwarded.contains(v)) forwarded.add(v);
    }
    env.put("OMPI_MCA_mca_base_env_list", String.join(";", forwarded));
    TimeLimitWarning.clearRecord(jobDir);
    Duration bound = Duration.ofMillis(Math.max(0, timeLimit.atMillis() - System.currentTimeMillis()));
    String name = spec.jobName() != null ? spec.jobName() : script.getFileName().toString();
    JobOutput output = new JobOutput(jobDir, spec.output(), Path.of("").toAbsolutePath(), jobId, name);
    Instant start = Instant.now();
    writeState(jobDir, spec, launch, host, script, "RUNNING", start, null);
    List<String> command = new ArrayList<>(List.of("bash", script.toAbsolutePath().toString()));
    command.addAll(args);
    BoundedProcess.Result result;
    // If the launcher itself is stopped (Ctrl-C, SIGTERM), the job ends with it: every process
    // carries the job's id, so the job script and all it started are found and ended.
    Thread endJobOnExit = new Thread(() -> host.endLeftovers(jobId, jobDir), "jmswk-end-job-" + jobId);
    Runtime.getRuntime().addShutdownHook(endJobOnExit);
    var warner = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "jmswk-time-limit-" + jobId);
      t.setDaemon(true);
      return t;
    });
    if (timeLimit.signal() != null && host == ScriptHost.LOCAL) {
      warner.schedule(() -> System.err.printf("[jmswk] job %s: SIG%s to its mpiexec (%d), %d s before its time limit%n",
              jobId, timeLimit.signal(), TimeLimitWarning.signalMpiexec(jobId, jobDir, timeLimit.signal()),
              timeLimit.leadMillis() / 1000),
          Math.max(0, timeLimit.warnAt() - System.currentTimeMillis()), java.util.concurrent.TimeUnit.MILLISECONDS);
    }
    try (output) {
      result = host.run(command, env, script.toAbsolutePath().getParent(), bound, output.stdoutLines(onLine),
          output.split() ? output.stderrLines(onLine) : null);
    } finally {
      warner.shutdownNow();
    }
    Runtime.getRuntime().removeShutdownHook(endJobOnExit);
    List<String> down = host.downNodes(launch.nodes());
    List<String> leftovers = host.endLeftovers(jobId, jobDir);
    List<String> survivors = host.survivors(jobId, jobDir);
    Instant end = Instant.now();

    String master = launch.nodes().getFirst();
    String reason;
    int exitCode;
    String timeLimited = TimeLimitWarning.endReason(jobDir);
    if (result.timedOut()) {
      reason = "elapse limit exceeded (" + (allocationEndsFirst ? "the Slurm allocation's end" : JobStats.hms(limit)) + ")"
          + (timeLimited == null ? "" : "; " + timeLimited);
      exitCode = 137;
    } else if (timeLimited != null && !down.contains(master)) {
      // stopped in time with tasks left: one status a batch script can test to run the job again
      exitCode = TimeLimitWarning.EXIT_STATUS;
      reason = timeLimited;
    } else if (down.contains(master)) {
      reason = "job master node " + master + " lost";
      exitCode = result.exitCode() == 0 ? 1 : result.exitCode();
    } else {
      exitCode = result.exitCode();
      reason = EndReason.of(exitCode, result.lines(), jobDir);
    }
    List<String> failed = new ArrayList<>(down);
    for (String n : reportedFailedNodes(jobDir)) if (!failed.contains(n) && launch.nodes().contains(n)) failed.add(n);
    JobStats stats = stats(spec, launch, script, jobId, start, end, exitCode, reason, failed);
    Files.writeString(jobDir.resolve("stats.json"), Json.write(stats.toMap()));
    writeState(jobDir, spec, launch, host, script, "END", start, stats);
    return new Outcome(stats, jobDir, result.lines(), leftovers, survivors);
  }

  static JobStats stats(JobSpec spec, Launch launch, Path script, String jobId, Instant start, Instant end,
                        int exitCode, String reason, List<String> failedNodes) {
    int cores = Runtime.getRuntime().availableProcessors();
    int requiredSlots = Launch.slotsFor(spec, spec.nodes()).stream().mapToInt(Integer::intValue).sum();
    var asked = spec.resources();
    var require = new JobStats.Resources(spec.nodes(), requiredSlots,
        asked.cpusPerTask() > 0 ? requiredSlots * asked.cpusPerTask() : -1,
        asked.memMiB() > 0 ? asked.memMiB() * spec.nodes() : -1);
    int allocNodes = launch.nodes().size();
    boolean local = launch.target().equals("local");
    int allocCores = local ? cores : -1;
    long allocMem = local ? memTotalMiB() : -1;
    var alloc = new JobStats.Resources(allocNodes, launch.universeSize(), allocCores, allocMem);
    int usedSlots = 0;
    for (int i = 0; i < allocNodes; i++) if (!failedNodes.contains(launch.nodes().get(i))) usedSlots += launch.slots().get(i);
    var use = new JobStats.Resources(allocNodes - failedNodes.size(), usedSlots,
        allocCores < 0 ? -1 : allocCores * (allocNodes - failedNodes.size()) / Math.max(allocNodes, 1),
        allocMem < 0 ? -1 : allocMem * (allocNodes - failedNodes.size()) / Math.max(allocNodes, 1));
    String name = spec.jobName() != null ? spec.jobName() : script.getFileName().toString();
    return new JobStats(jobId, name, script.toString(), launch.target(), start, end, exitCode, reason,
        require, alloc, use, failedNodes);
  }

  /** Nodes the job's runtime fenced as failed: one name a line in $JMSWK_JOB_DIR/failed-nodes. */
  static List<String> reportedFailedNodes(Path jobDir) {
    Path file = jobDir.resolve("failed-nodes");
    try {
      return Files.exists(file) ? Files.readAllLines(file).stream().map(String::strip).filter(l -> !l.isEmpty()).toList()
          : List.of();
    } catch (IOException e) {
      return List.of();
    }
  }

  /** MemTotal of this machine in MiB, or -1. */
  public static long memTotalMiB() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }

  private static void writeState(Path jobDir, JobSpec spec, Launch launch, ScriptHost host, Path script, String state,
                                 Instant start, JobStats stats) throws IOException {
    Properties p = new Properties();
    p.setProperty("state", state);
    p.setProperty("pid", Long.toString(ProcessHandle.current().pid()));
    p.setProperty("script", script.toAbsolutePath().toString());
    p.setProperty("name", spec.jobName() != null ? spec.jobName() : script.getFileName().toString());
    p.setProperty("target", launch.target());
    p.setProperty("cluster", host.cluster());
    p.setProperty("nodes", String.join(",", launch.nodes()));
    p.setProperty("start", start.toString());
    if (stats != null) {
      p.setProperty("end", stats.end().toString());
      p.setProperty("exit_code", Integer.toString(stats.exitCode()));
      p.setProperty("end_reason", stats.endReason());
    }
    Path tmp = jobDir.resolve("job.properties.tmp");
    try (var w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      p.store(w, "jmswk job state");
    }
    Files.move(tmp, jobDir.resolve("job.properties"), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }
}
