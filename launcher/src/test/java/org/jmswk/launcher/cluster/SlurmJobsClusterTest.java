package org.jmswk.launcher.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jmswk sub --scheduler slurm} on the container cluster's Slurm (head + 5 slave nodes):
 * jobs submitted from the head (the login node) with sbatch, run by Slurm on the slave nodes,
 * their job directories on storage every node shares. Node faults are real: {@code docker kill}.
 * The kill tests run last (each costs the cluster a node for good); the requeue test needs 3 of
 * the 4 nodes left.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SlurmJobsClusterTest {
  private static final Pattern SUBMITTED = Pattern.compile("\\[jmswk] job (\\d+) submitted to Slurm as job (\\d+)");
  private static final Pattern WORKER_ON = Pattern.compile("master: worker-started WorkerInfo\\[[^\\]]*host=(node\\d)\\]");
  @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS) static Path jobs;
  private static Cluster cluster;

  @BeforeAll
  static void start() throws IOException {
    ClusterTestSupport.requireEngine();
    // Job ids unlike those of other jmswk jobs on this machine: a job's end-of-job cleanup ends
    // every process on the machine (containers included) whose JMSWK_JOB_ID is its id
    Files.createDirectory(jobs.resolve(Integer.toString(100_000 + new java.util.Random().nextInt(800_000))));
    cluster = Cluster.start(ClusterSpec.defaults().withNodes(5).withSlurm(true).withShared(jobs), System.out);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) cluster.close();
  }

  /** A submitted job: jmswk's id, Slurm's id, what the submission printed and returned. */
  private record Submitted(String id, String slurmId, int exitCode, String output) {
    Path dir() {
      return jobs.resolve(id);
    }
  }

  /** {@code command...} on the head, as a user logged in there, with the shared jobs directory. */
  private static ExecResult onHead(Duration timeout, String... command) {
    return cluster.exec(Cluster.HEAD, timeout, jobs.toString(), Map.of("JMSWK_JOBS_DIR", jobs.toString()), null,
        List.of(command));
  }

  private static Submitted submit(Duration timeout, String... command) {
    ExecResult r = onHead(timeout, command);
    Matcher m = SUBMITTED.matcher(r.output());
    assertTrue(m.find(), "a submission\n" + r.output());
    return new Submitted(m.group(1), m.group(2), r.exitCode(), r.output());
  }

  private static Path script(String name, String... lines) throws IOException {
    Path file = jobs.resolve(name);
    Files.write(file, List.of(lines));
    return file;
  }

  /** The farm example with the journal, {@code nodes} nodes in all; one line per evaluation in sweep-N.log. */
  private static Path farmScript(String name, int nodes) throws IOException {
    return script(name, "#!/bin/bash", "#SBATCH --nodes=" + nodes, "#SBATCH --ntasks-per-node=1",
        "#SBATCH --time=10:00",
        "mpiexec --novm -n 1 \"$JMSWK_JAVA\" --enable-native-access=ALL-UNNAMED -cp \"$JMSWK_CLASSPATH\""
            + " org.jmswk.examples.farm.SweepMaster \"$@\"");
  }

  /** sacct's runs of the job: "State|ExitCode|AllocNodes" per run, oldest first. */
  private static List<String> sacct(String slurmId) {
    ExecResult r = onHead(Duration.ofSeconds(30), "sacct", "-a", "-X", "-D", "-n", "-P", "-j", slurmId,
        "-o", "State,ExitCode,AllocNodes").orThrow("sacct");
    return r.stdout().strip().lines().toList();
  }

  /** Waits (bounded) until Slurm has the job in a final state; returns sacct's runs. */
  private static List<String> awaitEnd(String slurmId, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    List<String> runs = List.of();
    while (System.nanoTime() < deadline) {
      runs = sacct(slurmId);
      String last = runs.isEmpty() ? "" : runs.getLast();
      if (last.matches("(COMPLETED|FAILED|CANCELLED|TIMEOUT|OUT_OF_MEMORY|NODE_FAIL)\\b.*")
          && onHead(Duration.ofSeconds(20), "squeue", "-h", "-j", slurmId).stdout().isBlank()) {
        return runs;
      }
      Thread.sleep(1000);
    }
    throw new AssertionError("Slurm job " + slurmId + " did not end within " + limit.toSeconds() + " s: " + runs);
  }

  private static String read(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file) : "";
  }

  /** Waits until {@code file} holds {@code pattern}; returns the first match. */
  private static Matcher awaitIn(Path file, Pattern pattern, Duration limit) throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      Matcher m = pattern.matcher(read(file));
      if (m.find()) return m;
      Thread.sleep(300);
    }
    throw new AssertionError(pattern + " not in " + file + " within " + limit.toSeconds() + " s:\n" + read(file));
  }

  /** What Slurm and the batch output say about a job, for a failure message. */
  private static String slurmSays(Submitted s) throws IOException {
    StringBuilder t = new StringBuilder();
    for (List<String> c : List.of(List.of("scontrol", "show", "job", s.slurmId()), List.of("sinfo", "-N"),
        List.of("sacct", "-a", "-D", "-j", s.slurmId(), "-o", "JobID,State,ExitCode,NodeList"),
        List.of("tail", "-30", "/var/log/slurm/slurmctld.log"))) {
      t.append("$ ").append(String.join(" ", c)).append('\n')
          .append(onHead(Duration.ofSeconds(30), c.toArray(String[]::new)).output()).append('\n');
    }
    try (var files = Files.list(s.dir())) {
      for (Path f : files.filter(f -> f.getFileName().toString().startsWith("slurm-") && f.toString().endsWith(".out")).toList()) {
        t.append("--- ").append(f).append('\n').append(read(f));
      }
    }
    return t.toString();
  }

  private static String batchHost(String slurmId) {
    return onHead(Duration.ofSeconds(20), "squeue", "-h", "-j", slurmId, "-o", "%B").orThrow("squeue").stdout().strip();
  }

  @Test
  @Order(1)
  void aFarmJobRunsThroughSbatchAcrossFourNodes() throws Exception {
    Path job = farmScript("farm4.sh", 4);
    Submitted s = submit(Duration.ofMinutes(5), "jmswk", "sub", "--scheduler", "slurm", "--mswk", "--wait", "-s",
        "-x", "JMSWK_TASK_SECONDS=1", job.toString(), "24");
    String out = read(s.dir().resolve("output.txt"));
    String batchOut = read(s.dir().resolve("slurm-" + s.slurmId() + ".out"));
    assertEquals(0, s.exitCode(), s.output() + "\n" + out + batchOut);
    assertEquals(List.of("COMPLETED|0:0|4"), sacct(s.slurmId()));
    assertTrue(out.contains("master: 24 of 24 points done"), out);
    // the hostfile: the 4 allocated nodes, the batch node (the master's) first
    List<String> hosts = read(s.dir().resolve("hostfile")).lines().map(l -> l.split(" ")[0]).toList();
    assertEquals(4, new TreeSet<>(hosts).size(), hosts.toString());
    Set<String> workerNodes = new TreeSet<>();
    Matcher m = WORKER_ON.matcher(out);
    while (m.find()) workerNodes.add(m.group(1));
    assertTrue(workerNodes.size() >= 2 && hosts.containsAll(workerNodes) && !workerNodes.contains(hosts.getFirst()),
        "workers on the other allocated nodes, not the master's: " + workerNodes + " of " + hosts + "\n" + out);
    assertTrue(batchOut.contains("TARGET       : slurm"), batchOut);
    assertTrue(batchOut.matches("(?s).*\nnode\\s+4\\s+4\\s+4\n.*"), "REQUIRE / ALLOC / USE 4 nodes\n" + batchOut);
    // the batch script asked Slurm for the room the dynamic workers need, and to requeue
    String sbatch = s.output();
    assertTrue(sbatch.contains("--nodes 4 --ntasks-per-node 1"), sbatch);
    assertTrue(sbatch.contains("--requeue --no-kill"), sbatch);
    // jmswk stat reads Slurm for a Slurm job
    ExecResult stat = onHead(Duration.ofSeconds(60), "jmswk", "stat", s.id()).orThrow("jmswk stat");
    assertTrue(stat.stdout().contains("SLURM JOB " + s.slurmId()), stat.output());
    assertTrue(stat.stdout().matches("(?s).*run 1\\s+COMPLETED\\s+0:0.*"), stat.output());
  }

  @Test
  @Order(2)
  void aPjmScriptGoesThroughPjsubToSlurm() throws Exception {
    Path job = script("spawn-pjm.sh", "#!/bin/bash", "#PJM -L \"node=3\"", "#PJM --mpi \"proc=1\"",
        "#PJM -L \"elapse=5:00\"", "#PJM -s",
        // the reference flow, as examples/spawn/job.sh: both workers in one call, one failure domain
        "mpiexec -n 1 \"$JMSWK_JAVA\" --enable-native-access=ALL-UNNAMED -cp \"$JMSWK_CLASSPATH\""
            + " org.jmswk.examples.spawn.SpawnMaster Ahoy");
    Submitted s = submit(Duration.ofMinutes(5), "pjsub", "--scheduler", "slurm", "--mswk", "--wait", job.toString());
    String out = read(s.dir().resolve("output.txt"));
    assertEquals(0, s.exitCode(), s.output() + "\n" + out);
    assertTrue(s.output().contains("--time 0-00:06:00"), "elapse 5:00 + a minute\n" + s.output());
    assertEquals(List.of("COMPLETED|0:0|3"), sacct(s.slurmId()));
    assertTrue(out.contains("universe size 3"), out);
    for (int rank = 0; rank < 2; rank++) assertTrue(out.matches("(?s).*worker " + rank + "/2 on node\\d: received \"Ahoy\".*"), out);
  }

  @Test
  @Order(3)
  void aFailingMasterIsFailedInSacctWithItsExitCode() throws Exception {
    Files.copy(Path.of(getClass().getResource("/org/jmswk/launcher/job/exit_master.c").toURI()),
        jobs.resolve("exit_master.c"));
    Path job = script("fail.sh", "#!/bin/bash", "#SBATCH --nodes=2", "#SBATCH --time=5:00",
        "jmswk-mpicc -o \"$JMSWK_JOB_DIR/master\" " + jobs.resolve("exit_master.c") + " || exit 99",
        "mpiexec \"$JMSWK_JOB_DIR/master\" abort 5");
    Submitted s = submit(Duration.ofMinutes(5), "jmswk", "sub", "--scheduler", "slurm", "--mswk", "--wait", job.toString());
    String out = read(s.dir().resolve("output.txt"));
    assertEquals(5, s.exitCode(), s.output() + "\n" + out);
    assertEquals(List.of("FAILED|5:0|2"), sacct(s.slurmId()), out);
  }

  @Test
  @Order(4)
  void aKilledSlaveNodeLeavesTheJobRunningAndIsMarkedDown() throws Exception {
    Path job = farmScript("farm-slave.sh", 4);
    Submitted s = submit(Duration.ofMinutes(1), "jmswk", "sub", "--scheduler", "slurm", "--mswk", "-s",
        "-x", "JMSWK_TASK_SECONDS=1", job.toString(), "30");
    Path output = s.dir().resolve("output.txt");
    awaitIn(output, WORKER_ON, Duration.ofMinutes(2));
    String batch = batchHost(s.slurmId());
    // a node with a worker that is not the batch script's
    String victim = null;
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (victim == null && System.nanoTime() < deadline) {
      Matcher m = WORKER_ON.matcher(read(output));
      while (m.find()) if (!m.group(1).equals(batch)) victim = m.group(1);
      if (victim == null) Thread.sleep(300);
    }
    assertTrue(victim != null, "a worker away from the batch node " + batch + "\n" + read(output));
    Thread.sleep(2000);
    cluster.killNode(victim);
    List<String> runs = awaitEnd(s.slurmId(), Duration.ofMinutes(4));
    String out = read(output);
    String table = read(s.dir().resolve("slurm-" + s.slurmId() + ".out"));
    assertEquals(List.of("COMPLETED|0:0|4"), runs, out);
    assertTrue(out.contains("master: 30 of 30 points done"), out);
    assertTrue(table.contains("FAILED NODES : " + victim), table);
    assertTrue(table.matches("(?s).*\nnode\\s+4\\s+4\\s+3\n.*"), "USE leaves the lost node out\n" + table);
    String state = "";
    deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!state.startsWith("down") && System.nanoTime() < deadline) {
      state = onHead(Duration.ofSeconds(20), "sinfo", "-h", "-n", victim, "-o", "%t").stdout().strip();
      Thread.sleep(500);
    }
    assertTrue(state.startsWith("down"), "Slurm marks " + victim + " down: " + state);
    // showrsc reads sinfo: the down node leaves TOTAL and the listing
    String rsc = onHead(Duration.ofSeconds(60), "jmswk", "showrsc", "-v").orThrow("jmswk showrsc").stdout();
    String slurmView = rsc.substring(rsc.indexOf("[ CLUSTER: slurm ]"));
    assertTrue(slurmView.matches("(?s)\\[ CLUSTER: slurm ]\n.*\nslurm\\s+4\\s+4\\s+0\n.*"), rsc);
    assertTrue(!slurmView.contains(victim + " "), rsc);
  }

  @Test
  @Order(5)
  void aKilledBatchNodeRequeuesTheJobWhichResumesFromItsJournal() throws Exception {
    int points = 24;
    Path job = farmScript("farm-requeue.sh", 3);
    Path log = jobs.resolve("sweep-requeue.log");
    Submitted s = submit(Duration.ofMinutes(1), "jmswk", "sub", "--scheduler", "slurm", "--mswk", "-s",
        "-x", "JMSWK_TASK_SECONDS=1", "-x", "JMSWK_SWEEP_LOG=" + log, job.toString(), Integer.toString(points));
    Path output = s.dir().resolve("output.txt");
    // a few points done (and journalled) before the batch node goes
    awaitIn(log, Pattern.compile("(?s)(x=.*\n){6}"), Duration.ofMinutes(3));
    String batch = batchHost(s.slurmId());
    assertTrue(batch.matches("node\\d"), "batch host " + batch);
    cluster.killNode(batch);
    // the requeued run moves the first run's output aside when it starts
    try {
      awaitIn(s.dir().resolve("output.run-1.txt"), Pattern.compile("master"), Duration.ofMinutes(4));
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\n" + slurmSays(s), e);
    }
    Thread.sleep(2000); // workers of the first run on surviving nodes: their lines (if any) are in by now
    List<String> firstRun = read(log).lines().toList();
    List<String> runs = awaitEnd(s.slurmId(), Duration.ofMinutes(4));
    String out = read(output);
    // Slurm 22.05 lists the run it shrank (RESIZING) and the requeued one
    assertTrue(runs.getLast().matches("COMPLETED\\|0:0\\|\\d"), runs + "\n" + out);
    assertTrue(runs.subList(0, runs.size() - 1).stream().anyMatch(r -> r.matches("(RESIZING|REQUEUED|NODE_FAIL)\\|.*")),
        "both runs in sacct: " + runs);
    assertTrue(!out.contains("on " + batch) && !read(s.dir().resolve("hostfile")).contains(batch + " "),
        "the requeued run is on other nodes\n" + out);
    assertTrue(out.contains("master: " + points + " of " + points + " points done"), out);
    Matcher journal = Pattern.compile("master: journal run (\\d+): (\\d+) points re-delivered, (\\d+) executed").matcher(out);
    assertTrue(journal.find(), out);
    int redelivered = Integer.parseInt(journal.group(2));
    int executed = Integer.parseInt(journal.group(3));
    assertEquals(points, redelivered + executed, out);
    assertTrue(redelivered > 0, "the second run resumed from the journal\n" + out);
    // count executions: the second run evaluated exactly the points not journalled, each once
    List<String> all = read(log).lines().toList();
    List<String> secondRun = all.subList(firstRun.size(), all.size());
    assertEquals(points - redelivered, secondRun.size(), "second run: " + secondRun);
    assertEquals(secondRun.size(), new TreeSet<>(secondRun).size(), "no point twice in the second run: " + secondRun);
    Map<String, Integer> times = new HashMap<>();
    for (String line : all) times.merge(line, 1, Integer::sum);
    assertEquals(points, times.size(), "every point evaluated");
    // a point evaluated in both runs was in flight (evaluated, not yet journalled) when the node
    // died; every other point of the first run was re-delivered
    long twice = times.values().stream().filter(n -> n > 1).count();
    assertTrue(twice <= 4, "at most the in-flight points (2 workers, 2 prefetched each) ran twice: " + times);
    assertEquals(firstRun.size(), redelivered + twice, "first run: " + firstRun + "\n" + out);
    // both runs in jmswk stat
    ExecResult stat = onHead(Duration.ofSeconds(60), "jmswk", "stat", s.id()).orThrow("jmswk stat");
    assertTrue(stat.stdout().matches("(?s).*run 1\\s+(RESIZING|REQUEUED|NODE_FAIL).*run \\d+\\s+COMPLETED\\s+0:0.*"), stat.output());
  }
}
