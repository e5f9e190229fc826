package org.jmswk.launcher.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jmswk.launcher.Installation;
import org.jmswk.launcher.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jmswk bench elastic}: how long a grow and a shrink take, against starting the same workers one by one. */
@Command(name = "elastic", mixinStandardHelpOptions = true,
    description = {"Grow and shrink of a running executor's pool, against one-by-one starts, in the same run.", "",
        "One mpirun on this machine runs an executor (1 spawned worker, kept busy with tasks of",
        "--task-us) in a job directory of its own and steers it through its control endpoint, as",
        "jmswk ctl does. Per round and size K: a grow of K (from the command to the reply 'done':",
        "every new worker connected and serving; one MPI_Comm_spawn_multiple), a shrink of K (to",
        "'done': drained, i.e. handed back or finished their tasks, and told to stop), the same K grown one",
        "by one (K grows of 1). Also the tasks/s while the grow of K is under way against the",
        "second before it. Prints medians. Targets: a grow of 16 well under 16 grows of 1; a grow",
        "of 4 within 2 s; a shrink within one task's length plus 100 ms; throughput dip <= 10 %%.", "",
        "With --cluster, the same on a container cluster (Docker and ci/cluster-setup needed): the",
        "bench runs as a jmswk sub --mswk --cluster docker:4 job, its master on the head, every",
        "grow spread over the 4 slave nodes (each worker an mpiexec of its own on its node)."})
public final class ElasticBench implements Callable<Integer> {
  @Option(names = "--rounds", defaultValue = "3", description = "Rounds (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--sizes", defaultValue = "1,4,16", split = ",", description = "Grow sizes (default: ${DEFAULT-VALUE}).")
  List<Integer> sizes;

  @Option(names = "--task-us", defaultValue = "20000", description = "Task length in microseconds (default: ${DEFAULT-VALUE}).")
  long taskUs;

  @Option(names = "--json", description = "Also write the figures as JSON to this file.")
  Path json;

  @Option(names = "--cluster", description = "Run on a container cluster (a head and 4 nodes) instead of this machine.")
  boolean cluster;

  /** Slave nodes of the --cluster run. */
  static final int CLUSTER_NODES = 4;

  @Override
  public Integer call() throws IOException {
    if (rounds < 1 || taskUs < 1 || sizes.isEmpty() || sizes.stream().anyMatch(k -> k < 1 || k > 60)) {
      System.err.println("bench elastic: --rounds and --task-us must be >= 1, --sizes 1 to 60 each");
      return 2;
    }
    int total = sizes.stream().mapToInt(Integer::intValue).sum();
    int biggest = sizes.stream().mapToInt(Integer::intValue).max().orElse(1);
    // a loaded machine starts JVMs slowly
    Duration limit = Duration.ofSeconds((cluster ? 240L : 120L) + rounds * (60L + 20L * total));
    System.err.println("bench elastic: " + rounds + " rounds of grow/shrink " + sizes + " (tasks of " + taskUs + " us)"
        + (cluster ? " on a container cluster (head + " + CLUSTER_NODES + " nodes)" : "") + " ...");
    List<String> lines = cluster ? ElasticBenchCluster.run(rounds, sizes, taskUs, biggest, limit) : runLocally(biggest, limit);
    Map<Integer, List<double[]>> rows = new LinkedHashMap<>();
    // found anywhere in a line: a worker's stderr may share the line (mpirun merges the streams)
    java.util.regex.Pattern round = java.util.regex.Pattern.compile("ROUND (\\d+)((?: [-\\d.]+){5})");
    for (String l : lines) {
      if (l.contains("GROW-FAILED")) System.out.println(l.substring(l.indexOf("GROW-FAILED")));
      java.util.regex.Matcher m = round.matcher(l);
      if (!m.find()) continue;
      String[] f = m.group(2).strip().split(" ");
      double[] v = new double[5];
      for (int i = 0; i < 5; i++) v[i] = Double.parseDouble(f[i]);
      rows.computeIfAbsent(Integer.parseInt(m.group(1)), k -> new ArrayList<>()).add(v);
    }
    if (rows.isEmpty()) {
      System.err.println("bench elastic: no round finished; the run's output:\n" + String.join("\n", lines));
      return 1;
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    System.out.printf("%8s %12s %14s %10s %12s %10s %14s%n", "workers", "grow ms", "one by one ms", "ratio",
        "shrink ms", "task ms", "tasks/s dip");
    for (var e : rows.entrySet()) {
      double grow = Stats.median(column(e.getValue(), 0));
      double shrink = Stats.median(column(e.getValue(), 1));
      double oneByOne = Stats.median(column(e.getValue(), 2));
      List<Double> dips = new ArrayList<>();
      for (double[] v : e.getValue()) dips.add(v[3] <= 0 ? 0 : 1 - v[4] / v[3]);
      double dip = Stats.median(dips);
      System.out.printf("%8d %12.0f %14.0f %10.2f %12.0f %10.1f %13.0f%%%n", e.getKey(), grow, oneByOne, grow / oneByOne,
          shrink, taskUs / 1000.0, dip * 100);
      doc.put(Integer.toString(e.getKey()), Map.of("grow_ms_median", grow, "one_by_one_ms_median", oneByOne,
          "ratio", grow / oneByOne, "shrink_ms_median", shrink, "throughput_dip_median", dip, "rounds", e.getValue().size()));
    }
    if (json != null) {
      Files.writeString(json, Json.write(doc));
      System.out.println("wrote " + json);
    }
    return 0;
  }

  private List<String> runLocally(int biggest, Duration limit) throws IOException {
    int slots = 2 + 2 * biggest;
    Path jobDir = Files.createTempDirectory("jmswk-bench-elastic-");
    Files.writeString(jobDir.resolve("hostfile"), "localhost slots=" + slots + "\n");
    String classpath = Installation.jar().map(Path::toString).orElse(System.getProperty("java.class.path"));
    List<String> program = List.of(Installation.java(), "--enable-native-access=ALL-UNNAMED", "-cp", classpath,
        ElasticBenchProgram.class.getName(), Integer.toString(rounds),
        String.join(",", sizes.stream().map(String::valueOf).toList()), Long.toString(taskUs), "localhost");
    try {
      return LocalMpirun.run(List.of("--oversubscribe", "-np", "1", "--host", "localhost:" + slots), program,
          // recovery as in jobs: a worker that fails (a grow rolled back) must not end the mpirun
          Map.of("JMSWK_JOB_DIR", jobDir.toString(), "JMSWK_CONTROL_GROW_TIMEOUT_S", "120", "OMPI_MCA_orte_enable_recovery", "1"),
          limit);
    } finally {
      try (var files = Files.list(jobDir)) {
        for (Path p : files.toList()) Files.deleteIfExists(p);
      }
      Files.deleteIfExists(jobDir);
    }
  }

  private static List<Double> column(List<double[]> rows, int i) {
    List<Double> c = new ArrayList<>();
    for (double[] r : rows) c.add(r[i]);
    return c;
  }
}
