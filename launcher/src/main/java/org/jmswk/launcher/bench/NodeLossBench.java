package org.jmswk.launcher.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.jmswk.launcher.Installation;
import org.jmswk.launcher.Jmswk;
import org.jmswk.launcher.cluster.Cluster;
import org.jmswk.launcher.cluster.ExecResult;

/**
 * The node-loss half of {@code jmswk bench mswk}: on a container cluster (a head and four
 * worker nodes), how long after a fault the master learns that a worker is lost, per fault kind
 * (node killed, node cut off, the node's MPI launcher killed), and, as the peer measured in the
 * same round, what plain MPI_Comm_spawn workers (one mpiexec job) make of the same fault.
 * Each job is {@code jmswk sub} run as a process of its own, with {@link NodeLossBenchProgram}.
 */
final class NodeLossBench {
  static final List<String> KINDS = List.of("node-kill", "node-cut", "launcher-kill");
  private static final int WORKER_NODES = 4;
  private static final Duration START_BOUND = Duration.ofSeconds(180);
  private static final Duration DETECT_BOUND = Duration.ofSeconds(60);

  /** One fault's outcome: seconds from the fault to the master's worker-lost event, or to the job's end. */
  record Outcome(String kind, double seconds, boolean jobWentOn, String detail) {}

  private NodeLossBench() {}

  /**
   * The failure-domain job (jmswk sub --mswk: an mpiexec per worker): the three kinds one after
   * the other, each on a node holding a worker, then the job is told to stop and must exit 0.
   */
  static List<Outcome> domains() throws IOException, InterruptedException {
    List<Outcome> outcomes = new ArrayList<>();
    try (Job job = Job.start(true)) {
      job.awaitWorkers(WORKER_NODES);
      for (String kind : KINDS) {
        String node = job.nodeHoldingAWorker().orElseThrow(() -> new IllegalStateException("no node holds a worker"));
        int seen = job.lines.size();
        long faultAt = job.fault(kind, node);
        Optional<Long> lostAt = job.awaitLost(node, seen);
        // the master probes a silent node before it excludes it: the network comes back only
        // once it has judged, else a probe after the restore would (rightly) keep the node
        if (kind.equals("node-cut")) {
          job.awaitExcluded(node, seen);
          job.cluster.restoreNetwork(node);
        }
        if (lostAt.isEmpty()) throw new IllegalStateException(kind + " on " + node + ": no worker-lost within " + DETECT_BOUND + "\n" + job.output());
        outcomes.add(new Outcome(kind, (lostAt.get() - faultAt) / 1000.0, true, node));
        job.awaitWorkers(WORKER_NODES); // the replacement is up before the next fault
      }
      int code = job.stop();
      if (code != 0) throw new IllegalStateException("the failure-domain job ended with " + code + "\n" + job.output());
    }
    return outcomes;
  }

  /**
   * The peer: the same program with spawned workers in the master's mpiexec job, one fault per
   * job. Its figure is the time to the master's worker-lost event (or, without one, to the first
   * line Open MPI printed about the fault); it went on only if a replacement started and the job
   * then stopped with exit 0 when asked.
   */
  static Outcome plainSpawn(String kind) throws IOException, InterruptedException {
    try (Job job = Job.start(false)) {
      job.awaitWorkers(WORKER_NODES);
      String node = job.nodeHoldingAWorker().orElseThrow(() -> new IllegalStateException("no node holds a worker"));
      int seen = job.lines.size();
      long faultAt = job.fault(kind, node);
      Optional<Long> lostAt = job.awaitLost(node, seen);
      if (kind.equals("node-cut") && job.process.isAlive()) job.cluster.restoreNetwork(node);
      boolean replaced = lostAt.isPresent() && job.awaitReplacement(seen);
      int code = job.stop();
      boolean wentOn = replaced && code == 0;
      Optional<Line> firstWord = job.lines.subList(seen, job.lines.size()).stream()
          .filter(l -> !l.line().startsWith("EVENT") && !l.line().isBlank() && !l.line().startsWith("---")).findFirst();
      long at = lostAt.orElse(firstWord.map(Line::epochMillis).orElse(System.currentTimeMillis()));
      String detail = wentOn ? "job went on"
          : (lostAt.isEmpty() ? "loss not seen" : replaced ? "replaced" : "no replacement started") + ", "
              + (code == -1 ? "job did not end when asked" : "job exit " + code)
              + firstWord.map(l -> " (Open MPI: " + l.line().strip() + ")").orElse("");
      return new Outcome(kind, (at - faultAt) / 1000.0, wentOn, detail);
    }
  }

  /** A line of the job's output and when it arrived. */
  private record Line(String line, long epochMillis) {}

  /** One {@code jmswk sub --cluster docker:4} process and its output as it arrives. */
  private static final class Job implements AutoCloseable {
    final Process process;
    final Path jobs;
    final List<Line> lines = new CopyOnWriteArrayList<>();
    final Cluster cluster;

    private Job(Process process, Path jobs) throws InterruptedException {
      this.process = process;
      this.jobs = jobs;
      Thread reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          for (String l; (l = r.readLine()) != null; ) lines.add(new Line(l, System.currentTimeMillis()));
        } catch (IOException ignored) {
          // the process ended
        }
      }, "bench-job-output");
      reader.setDaemon(true);
      reader.start();
      String name = "jmswk-job1-" + process.pid(); // a fresh jobs root: the job is job 1
      // the job's containers start one after the other: attach once all of them are there, or the
      // cluster handle would lack the nodes started later
      Optional<Cluster> c = Optional.empty();
      long deadline = System.nanoTime() + START_BOUND.toNanos();
      while ((c.isEmpty() || c.get().nodes().size() < WORKER_NODES) && process.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(500);
        c = Cluster.attach(name);
      }
      this.cluster = c.filter(full -> full.nodes().size() == WORKER_NODES)
          .orElseThrow(() -> new IllegalStateException("the bench job's cluster did not come up\n" + output()));
    }

    /** {@code domains}: jmswk sub --mswk (a failure domain per worker); else plain spawn. */
    static Job start(boolean domains) throws IOException, InterruptedException {
      Path jobs = Files.createTempDirectory("jmswk-bench-jobs");
      Path script = jobs.resolve("node-loss.sh");
      // --novm keeps the master's mpiexec to the head, needed for failure domains; plain spawn needs the full VM
      Files.writeString(script, String.join("\n", "#!/bin/bash", "#PJM -L node=" + (WORKER_NODES + 1),
          "exec mpiexec " + (domains ? "--novm " : "") + "-n 1 \"$JMSWK_JAVA\" --enable-native-access=ALL-UNNAMED"
              + " -cp \"$JMSWK_CLASSPATH\" " + NodeLossBenchProgram.class.getName(), ""));
      String classpath = Installation.jar().map(Path::toString).orElse(System.getProperty("java.class.path"));
      List<String> command = new ArrayList<>(List.of(Installation.java(), "--enable-native-access=ALL-UNNAMED",
          "-Djmswk.jobs.dir=" + jobs, "-cp", classpath, Jmswk.class.getName(), "sub"));
      if (domains) command.add("--mswk");
      command.addAll(List.of("--cluster", "docker:" + WORKER_NODES, script.toString()));
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      return new Job(p, jobs);
    }

    void awaitWorkers(int count) throws InterruptedException {
      long deadline = System.nanoTime() + START_BOUND.toNanos();
      while (live().size() < count && process.isAlive() && System.nanoTime() < deadline) Thread.sleep(100);
      if (live().size() < count) throw new IllegalStateException(count + " workers did not come up\n" + output());
      Thread.sleep(1000); // every worker holds a task
    }

    /** Live workers by id, with their hosts, from the master's events so far. */
    Map<String, String> live() {
      Map<String, String> live = new LinkedHashMap<>();
      for (Line l : lines) {
        String[] w = l.line().split(" ");
        if (w.length == 5 && w[0].equals("EVENT") && w[1].equals("worker-started")) live.put(w[2], w[3]);
        if (w.length == 5 && w[0].equals("EVENT") && w[1].equals("worker-lost")) live.remove(w[2]);
      }
      return live;
    }

    /** The first worker node, in name order, that holds a live worker. */
    Optional<String> nodeHoldingAWorker() {
      return live().values().stream().filter(n -> n.startsWith("node")).sorted().findFirst();
    }

    /**
     * Applies the fault; returns the wall-clock time (ms) it counts from: for a node kill, just
     * before {@code docker kill} (its processes die during the call, so the figure includes the
     * client's own time); for a cut, when the iptables rules are in place; for a killed launcher,
     * the node's own clock right after pkill (containers share the host's clock).
     */
    long fault(String kind, String node) {
      switch (kind) {
        case "node-kill" -> {
          long before = System.currentTimeMillis();
          cluster.killNode(node);
          return before;
        }
        case "node-cut" -> cluster.cutNetwork(node);
        case "launcher-kill" -> {
          ExecResult r = cluster.exec(node, Duration.ofSeconds(20), "/", Map.of(), null,
              List.of("bash", "-c", "pkill -KILL -f '^mpiexec|^/usr/bin/orted|^orted' && date +%s%3N"));
          if (r.exitCode() != 0) throw new IllegalStateException("no MPI launcher to kill on " + node + ": " + r.output());
          return Long.parseLong(r.output().strip().lines().reduce((a, b) -> b).orElseThrow());
        }
        default -> throw new IllegalArgumentException(kind);
      }
      return System.currentTimeMillis();
    }

    /** The master's time for the first worker-lost event on {@code node} after line {@code from}; empty if the job ended first. */
    Optional<Long> awaitLost(String node, int from) throws InterruptedException {
      long deadline = System.nanoTime() + DETECT_BOUND.toNanos();
      while (System.nanoTime() < deadline) {
        for (Line l : lines.subList(from, lines.size())) {
          String[] w = l.line().split(" ");
          if (w.length == 5 && w[0].equals("EVENT") && w[1].equals("worker-lost") && w[3].equals(node)) {
            return Optional.of(Long.parseLong(w[4]));
          }
        }
        if (!process.isAlive()) return Optional.empty();
        Thread.sleep(50);
      }
      return Optional.empty();
    }

    /** Waits (bounded by the detection bound) for the master to exclude {@code node} after line {@code from}. */
    void awaitExcluded(String node, int from) throws InterruptedException {
      long deadline = System.nanoTime() + DETECT_BOUND.toNanos();
      while (process.isAlive() && System.nanoTime() < deadline) {
        for (Line l : lines.subList(from, lines.size())) {
          String[] w = l.line().split(" ");
          if (w.length == 5 && w[0].equals("EVENT") && w[1].equals("node-excluded") && w[3].equals(node)) return;
        }
        Thread.sleep(50);
      }
    }

    /** True once a worker started after line {@code from}, within 30 s (a JVM starts in a few). */
    boolean awaitReplacement(int from) throws InterruptedException {
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (process.isAlive() && System.nanoTime() < deadline) {
        if (lines.subList(from, lines.size()).stream().anyMatch(l -> l.line().startsWith("EVENT worker-started "))) return true;
        Thread.sleep(100);
      }
      return false;
    }

    /** Asks the master to finish; the job's exit code, or -1 if it did not end within 30 s. */
    int stop() throws IOException, InterruptedException {
      Files.writeString(jobs.resolve("1").resolve("stop"), "");
      return process.waitFor(30, TimeUnit.SECONDS) ? process.exitValue() : -1;
    }

    String output() {
      StringBuilder s = new StringBuilder();
      for (Line l : lines) s.append(l.line()).append('\n');
      return s.toString();
    }

    /** Ends what is left: the job's process (its shutdown hook ends the job) and its cluster. */
    @Override
    public void close() throws InterruptedException {
      if (process.isAlive()) {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) process.destroyForcibly();
      }
      Cluster.remove(cluster.name());
    }
  }

  /** Medians by kind: the failure-domain job's detection and the peer's, with the peer's outcome. */
  static Map<String, Object> summary(String kind, List<Outcome> domains, List<Outcome> peers) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("kind", kind);
    row.put("jmswk_s", Stats.median(domains.stream().filter(o -> o.kind().equals(kind)).map(Outcome::seconds).toList()));
    row.put("jmswk_rounds_s", domains.stream().filter(o -> o.kind().equals(kind)).map(Outcome::seconds).toList());
    List<Outcome> p = peers.stream().filter(o -> o.kind().equals(kind)).toList();
    row.put("plain_spawn_s", Stats.median(p.stream().map(Outcome::seconds).toList()));
    row.put("plain_spawn_job_went_on", p.stream().allMatch(Outcome::jobWentOn));
    row.put("plain_spawn_outcome", p.isEmpty() ? "" : p.getLast().detail());
    return row;
  }
}
