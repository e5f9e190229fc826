package org.jmswk.launcher.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jmswk.launcher.Captured;
import org.jmswk.launcher.Installation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running {@code jmswk sub --mswk --cluster docker:3} executor job (the sweep on FarmExecutor,
 * started with 2 workers on slave nodes of 3 slots each) steered from the host with
 * {@code jmswk ctl}, as a separate process, through the address the job publishes: a grow onto
 * two slave nodes that is done only when the new workers serve tasks there, a shrink back, the
 * refusals (an unknown node, more workers than a node's free slots, a node excluded after it was
 * killed), and the job still ends 0 with every point delivered exactly once (and, up to the
 * kill, executed exactly once). The job's Prometheus endpoint is scraped from the host too.
 */
class ElasticClusterTest {
  private static final int POINTS = 1200;
  private static final int SLOTS = 3;
  private static final Pattern STARTED_ON = Pattern.compile("master: worker-started WorkerInfo\\[id=(\\d+), [^\\]]*host=(node\\d)\\]");

  @TempDir Path jobs;

  @Test
  void ctlFromTheHostGrowsAndShrinksAClusterJobAndRefusesWhatCannotBeDone() throws Exception {
    ClusterTestSupport.requireEngine();
    System.setProperty("jmswk.jobs.dir", jobs.toString());
    Path log = jobs.resolve("executions.log");
    Path script = Files.writeString(jobs.resolve("sweep.sh"), String.join("\n", List.of("#!/bin/bash",
        "#PJM -L \"node=4\"", "#PJM --mpi \"max-proc-per-node=" + SLOTS + "\"",
        "#PJM -x JMSWK_TASK_SECONDS=0.1", "#PJM -x JMSWK_SWEEP_LOG=" + log,
        // a loaded 2-core machine can stall a worker JVM past the default 2 s liveness bound
        "#PJM -x JMSWK_MSWK_TIMEOUT_MS=10000", "#PJM -x JMSWK_METRICS_BIND=0.0.0.0",
        "mpiexec --novm -n 1 \"${JMSWK_JAVA:-java}\" --enable-native-access=ALL-UNNAMED"
            + " -cp \"${JMSWK_CLASSPATH:-/opt/jmswk/lib/jmswk.jar}\" org.jmswk.examples.farm.SweepMaster \"$@\"")) + "\n");
    String clusterName = "jmswk-job1-" + ProcessHandle.current().pid();
    Captured c = Captured.start("sub", "--mswk", "--cluster", "docker:3", script.toString(), Integer.toString(POINTS), "2");
    try (c) {
      Path jobDir = jobs.resolve("1");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
      while (workersStarted(c.output()).size() < 2 || !Files.exists(jobDir.resolve("control"))) {
        assertTrue(System.nanoTime() < deadline && !c.job().isDone(), "the job starts 2 workers and its endpoint\n" + c.output());
        Thread.sleep(200);
      }
      String published = Files.readString(jobDir.resolve("control")).strip();
      // an address, not the head container's name (which the host cannot resolve)
      assertTrue(published.matches("tcp:\\d+\\.\\d+\\.\\d+\\.\\d+:\\d+"), published);

      Map<String, Integer> original = perNode(workersStarted(c.output()).values());
      String empty = List.of("node1", "node2", "node3").stream().filter(n -> !original.containsKey(n)).findFirst().orElseThrow();
      String other = original.keySet().iterator().next();

      Ctl stats = ctl(jobDir, "3");
      assertEquals(0, stats.code(), stats.output() + notSweep(c.output()));
      assertTrue(stats.output().contains("pool size              2 (started with 2)"), stats.output());

      String grow = "6:" + empty + ":2:" + other + ":1";
      Ctl grown = ctl(jobDir, grow);
      assertEquals(0, grown.code(), grown.output() + notSweep(c.output()));
      assertTrue(grown.output().matches("(?s).*accepted.*done: workers \\d+,\\d+,\\d+ serving in \\d+ ms; pool size 5.*"), grown.output());
      Map<String, Integer> now = perNode(workersStarted(c.output()).values());
      assertEquals(2, now.getOrDefault(empty, 0), "2 new workers on " + empty + ": " + now);
      assertEquals(original.get(other) + 1, now.get(other), "1 new worker on " + other + ": " + now);

      // the new workers serve: tasks done on the node that had none before, in the monitoring stream
      Ctl watch = ctl(jobDir, "watch", "--interval", "500", "--count", "4");
      assertEquals(0, watch.code(), watch.output());
      long doneOnEmpty = 0;
      int samples = 0;
      for (String s : watch.output().lines().filter(l -> l.startsWith("{")).toList()) {
        JsonNode m = new ObjectMapper().readTree(s);
        samples++;
        assertEquals(5, m.path("pool_size").asInt(), s);
        for (JsonNode n : m.path("nodes")) if (n.path("node").asText().equals(empty)) doneOnEmpty += n.path("tasks_done").asLong();
      }
      assertEquals(4, samples, watch.output());
      assertTrue(doneOnEmpty > 0, "the workers grown on " + empty + " serve tasks\n" + watch.output());

      // the Prometheus endpoint, scraped from the host at its published URL
      String url = Files.readString(jobDir.resolve("metrics.url")).strip();
      assertTrue(url.matches("http://\\d+\\.\\d+\\.\\d+\\.\\d+:\\d+/metrics"), url);
      HttpResponse<String> scrape = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()
          .send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, scrape.statusCode());
      assertTrue(scrape.body().contains("node=\"" + empty + "\""), scrape.body());

      Ctl tooMany = ctl(jobDir, "6:" + other + ":" + SLOTS);
      assertEquals(1, tooMany.code(), tooMany.output());
      int free = SLOTS - now.get(other);
      assertTrue(tooMany.output().contains("node " + other + " has " + free + " free worker slot" + (free == 1 ? "" : "s") + " (" + SLOTS + " slots, "
          + now.get(other) + " workers), not " + SLOTS), tooMany.output());
      Ctl unknown = ctl(jobDir, "6:node9:1");
      assertEquals(1, unknown.code(), unknown.output());
      assertTrue(unknown.output().contains("unknown node node9 (the job's worker nodes: "), unknown.output());

      Ctl shrunk = ctl(jobDir, "--json", "6:" + empty + ":-2:" + other + ":-1");
      assertEquals(0, shrunk.code(), shrunk.output() + notSweep(c.output()));
      assertTrue(shrunk.output().contains("\"state\":\"done\"") && shrunk.output().contains("\"pool_size\":2"), shrunk.output());
      Ctl after = ctl(jobDir, "3");
      assertTrue(after.output().contains("pool size              2 (started with 2)"), after.output());

      // up to here no point ran twice: a shrink hands back what its workers had not started
      List<String> executedBeforeKill = Files.readAllLines(log);
      assertEquals(executedBeforeKill.size(), new HashSet<>(executedBeforeKill).size(), "no point executed twice before the kill");

      // a node lost is excluded, and a grow onto it refused
      String victim = original.keySet().stream().filter(n -> !n.equals(other)).findFirst().orElse(other);
      assertFalse(c.job().isDone(), "the job still runs before the node is killed\n" + notSweep(c.output()));
      Cluster.attach(clusterName).orElseThrow(() -> new AssertionError("no cluster " + clusterName)).killNode(victim);
      deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!c.output().contains("master: node-excluded null " + victim)) {
        assertTrue(System.nanoTime() < deadline && !c.job().isDone(), victim + " excluded\n" + notSweep(c.output()));
        Thread.sleep(200);
      }
      Ctl excluded = ctl(jobDir, "6:" + victim + ":1");
      assertEquals(1, excluded.code(), excluded.output());
      assertTrue(excluded.output().contains("node " + victim + " is excluded (lost earlier in this job)"), excluded.output());

      int code = c.job().get(300, TimeUnit.SECONDS);
      String out = c.output();
      assertEquals(0, code, notSweep(out));
      assertTrue(out.contains("master: " + POINTS + " of " + POINTS + " points done"), notSweep(out));
      List<String> results = out.lines().filter(l -> l.startsWith("x=")).map(l -> l.substring(0, l.indexOf(' '))).toList();
      assertEquals(POINTS, results.size(), "every point delivered once");
      assertEquals(POINTS, new HashSet<>(results).size(), "every point delivered once");
      Set<String> executed = new HashSet<>(Files.readAllLines(log));
      assertEquals(POINTS, executed.size(), "every point executed");
    } finally {
      ClusterTestSupport.endJob(c, clusterName);
      System.clearProperty("jmswk.jobs.dir");
    }
  }

  private record Ctl(int code, String output) {}

  /** {@code jmswk ctl JOBDIR ARGS...} as a process of its own on this host, as a user runs it. */
  private static Ctl ctl(Path jobDir, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Installation.java(), "-cp", System.getProperty("java.class.path"),
        "org.jmswk.launcher.Jmswk", "ctl", jobDir.toString()));
    // options go before the command (picocli takes them anywhere, but "6:x:-1" must stay an argument)
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(150, TimeUnit.SECONDS), "jmswk ctl " + String.join(" ", args) + " ends");
    return new Ctl(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  /** Worker id to node, from the job's worker-started lines. */
  private static Map<String, String> workersStarted(String out) {
    Map<String, String> w = new LinkedHashMap<>();
    Matcher m = STARTED_ON.matcher(out);
    while (m.find()) w.put(m.group(1), m.group(2));
    return w;
  }

  private static Map<String, Integer> perNode(java.util.Collection<String> nodes) {
    Map<String, Integer> n = new LinkedHashMap<>();
    for (String node : nodes) n.merge(node, 1, Integer::sum);
    return n;
  }

  private static String notSweep(String out) {
    return String.join("\n", out.lines().filter(l -> !l.startsWith("x=")).toList());
  }
}
