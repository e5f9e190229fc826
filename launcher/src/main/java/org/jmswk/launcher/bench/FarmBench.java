package org.jmswk.launcher.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jmswk.launcher.BoundedProcess;
import org.jmswk.launcher.Installation;
import org.jmswk.launcher.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jmswk bench farm}: the task-farm executor against mpi4py.futures on the same Open MPI,
 * in the same run, alternating per round; medians of tasks/s and the ratios.
 */
@Command(name = "farm", mixinStandardHelpOptions = true,
    description = {"Task-farm executor throughput vs mpi4py.futures, and kill-to-re-run time.", "",
        "Each round runs, for 1, 2 and 4 workers, one master under mpirun on this machine with",
        "that many spawned workers: the executor (org.jmswk.launcher.bench.FarmBenchProgram) and",
        "mpi4py.futures' MPIPoolExecutor (Debian's python3-mpi4py, /usr/bin/python3; installed",
        "with apt-get when missing), in alternating order. Tiny tasks (x -> x*x): submit, one",
        "future per task, and map (the executor chooses its own chunks; mpi4py at chunksize 10,",
        "100 and 1000, its best reported); with 2 workers also 64 KiB and 1 MiB echo tasks, and",
        "the time from a worker's SIGKILL to its task running again on another worker (the",
        "executor only: mpi4py.futures does not survive a worker's death). Prints the median",
        "tasks/s per figure and the median of the per-round ratios executor/peer.",
        "Targets: submit >= 5x, map >= 1x the peer's best map, 1 MiB >= 1x, kill -> re-run < 1 s."})
public final class FarmBench implements Callable<Integer> {
  static final List<Integer> WORKERS = List.of(1, 2, 4);
  static final String PYTHON = "/usr/bin/python3";

  @Option(names = "--rounds", defaultValue = "3", description = "Rounds (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--tasks", defaultValue = "200000", description = "Tiny tasks per map (default: ${DEFAULT-VALUE}).")
  int mapTasks;

  @Option(names = "--submit-tasks", defaultValue = "5000",
      description = "Tiny tasks submitted one by one (default: ${DEFAULT-VALUE}; the executor runs 10x as many).")
  int submitTasks;

  @Option(names = "--scale", description = {"Instead: the scale mode. The real master (this process) against",
      "--simulated workers (virtual threads in one other JVM, loopback TCP): master CPU per dispatched",
      "task at 10^3, 10^5 and 10^6 tasks, and master heap per queued task (10^6 queued, no worker).",
      "Goals: CPU per task flat (10^6 vs 10^3 <= 1.2x), heap <= 200 bytes beyond the payload."})
  boolean scale;

  @Option(names = "--simulated", defaultValue = "10000", description = "Simulated workers for --scale (default: ${DEFAULT-VALUE}).")
  int simulated;

  @Option(names = "--json", description = "Also write the figures as JSON to this file.")
  Path json;

  @Option(names = "--timeout", defaultValue = "600", description = "Seconds one run may take (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Override
  public Integer call() throws IOException {
    if (rounds < 1 || mapTasks < 1000 || submitTasks < 100) {
      System.err.println("bench farm: --rounds must be >= 1, --tasks >= 1000, --submit-tasks >= 100");
      return 2;
    }
    if (scale) return scale();
    if (!ensureMpi4py()) return 1;
    String classpath = Installation.jar().map(Path::toString).orElse(System.getProperty("java.class.path"));
    Path tmp = Files.createTempDirectory("jmswk-bench-farm-");
    Path script = tmp.resolve("mpi4py_farm.py");
    try (InputStream in = FarmBench.class.getResourceAsStream("mpi4py_farm.py")) {
      if (in == null) throw new IllegalStateException("mpi4py_farm.py is missing from the jar");
      Files.copy(in, script);
    }
    // "executor"/"mpi4py" -> workers -> figure -> rounds
    Map<String, Map<Integer, Map<String, List<Double>>>> figures = new LinkedHashMap<>();
    int steps = rounds * WORKERS.size() * 2, step = 0;
    boolean failed = false;
    for (int round = 0; round < rounds; round++) {
      for (int w : WORKERS) {
        boolean payloads = w == 2;
        List<List<String>> programs = List.of(
            List.of(Installation.java(), "--enable-native-access=ALL-UNNAMED", "-cp", classpath,
                FarmBenchProgram.class.getName(), Integer.toString(w), Integer.toString(submitTasks * 10),
                Integer.toString(mapTasks), payloads ? "2000" : "0", payloads ? "300" : "0", payloads ? "1" : "0",
                tmp.toString()),
            List.of(PYTHON, script.toString(), Integer.toString(w), Integer.toString(submitTasks),
                Integer.toString(mapTasks), payloads ? "2000" : "0", payloads ? "300" : "0"));
        for (int k = 0; k < 2; k++) {
          int which = (k + round) % 2; // alternate who goes first against drift
          String side = which == 0 ? "executor" : "mpi4py";
          System.err.printf("\r%s round %d/%d %d worker(s) %-8s", Stats.bar(step++, steps, 30), round + 1, rounds, w, side);
          try {
            List<String> lines = LocalMpirun.run(List.of("--oversubscribe", "--enable-recovery", "-np", "1",
                "--host", "localhost:" + (w + 1)), programs.get(which), Duration.ofSeconds(timeoutSeconds));
            for (String line : lines) {
              String[] f = line.trim().split("\\s+");
              if (f.length == 3 && f[0].equals("FIGURE")) {
                figures.computeIfAbsent(side, s -> new LinkedHashMap<>()).computeIfAbsent(w, x -> new LinkedHashMap<>())
                    .computeIfAbsent(f[1], x -> new ArrayList<>()).add(Double.parseDouble(f[2]));
              }
            }
          } catch (IllegalStateException e) {
            System.err.println();
            System.err.println("bench farm: a measurement failed: " + e.getMessage());
            failed = true;
          }
        }
      }
    }
    System.err.printf("\r%s%n", Stats.bar(steps, steps, 30));
    report(figures);
    try (var files = Files.list(tmp)) {
      for (Path p : files.toList()) Files.deleteIfExists(p);
    }
    Files.deleteIfExists(tmp);
    return failed ? 1 : 0;
  }

  private int scale() throws IOException {
    if (simulated < 1 || simulated > 100_000) {
      System.err.println("bench farm: --simulated must be from 1 to 100000");
      return 2;
    }
    Map<String, Object> figures;
    try {
      figures = FarmScale.run(simulated, List.of(1_000, 100_000, 1_000_000), 1_000_000);
    } catch (Exception e) {
      System.err.println("bench farm --scale: the measurement failed: " + e.getMessage());
      return 1;
    }
    System.out.printf("task farm at scale: %d simulated workers (one JVM, loopback TCP), the real master%n", simulated);
    System.out.printf("%10s %22s %14s%n", "tasks", "master CPU ns/task", "tasks/s");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> rows = (List<Map<String, Object>>) figures.get("rows");
    for (Map<String, Object> r : rows) {
      System.out.printf("%10d %22.0f %14.0f%n", (int) r.get("tasks"), (double) r.get("master_cpu_ns_per_task"),
          (double) r.get("tasks_per_s"));
    }
    double flat = (double) rows.getLast().get("master_cpu_ns_per_task") / (double) rows.getFirst().get("master_cpu_ns_per_task");
    double heap = (double) figures.get("heap_bytes_per_queued_task");
    figures.put("cpu_ratio_last_over_first", flat);
    System.out.printf("master heap per queued task: %.0f bytes beyond its 8-byte payload array (10^6 queued)%n", heap);
    System.out.printf("goals: CPU per task 10^6 / 10^3 = %.2fx (<= 1.2x: %s), heap %.0f B (<= 200 B: %s)%n", flat,
        met(flat <= 1.2), heap, met(heap <= 200));
    if (json != null) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("benchmark", "farm-scale");
      doc.putAll(figures);
      Files.writeString(json, Json.write(doc));
      System.out.println("wrote " + json);
    }
    return 0;
  }

  /** Debian's python3-mpi4py importable from /usr/bin/python3, installed with apt-get when it is not. */
  private static boolean ensureMpi4py() throws IOException {
    if (importable()) return true;
    System.err.println("bench farm: installing python3-mpi4py (apt-get) for the peer");
    BoundedProcess.Result r = BoundedProcess.run(List.of("apt-get", "install", "-y", "-q", "python3-mpi4py"),
        Map.of("DEBIAN_FRONTEND", "noninteractive"), null, Duration.ofSeconds(600), null);
    if (r.exitCode() == 0 && importable()) return true;
    System.err.println("bench farm: mpi4py.futures is not importable from " + PYTHON
        + " and apt-get install python3-mpi4py failed (exit " + r.exitCode() + ")");
    return false;
  }

  private static boolean importable() throws IOException {
    if (!Files.isExecutable(Path.of(PYTHON))) return false;
    return BoundedProcess.run(List.of(PYTHON, "-c", "import mpi4py.futures"), null, null, Duration.ofSeconds(60), null)
        .exitCode() == 0;
  }

  private static double best(Map<String, List<Double>> peer, List<String> names) {
    double best = Double.NaN;
    for (String n : names) {
      double m = Stats.median(peer.getOrDefault(n, List.of()));
      if (Double.isNaN(best) || m > best) best = m;
    }
    return best;
  }

  /** The per-round ratios executor/peer (the peer's best chunk size in each round for map). */
  private static List<Double> ratios(List<Double> ours, Map<String, List<Double>> peer, List<String> peerNames) {
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < ours.size(); i++) {
      double p = Double.NaN;
      for (String n : peerNames) {
        List<Double> v = peer.getOrDefault(n, List.of());
        if (i < v.size() && (Double.isNaN(p) || v.get(i) > p)) p = v.get(i);
      }
      if (!Double.isNaN(p)) out.add(ours.get(i) / p);
    }
    return out;
  }

  private void report(Map<String, Map<Integer, Map<String, List<Double>>>> figures) throws IOException {
    Map<Integer, Map<String, List<Double>>> ours = figures.getOrDefault("executor", Map.of());
    Map<Integer, Map<String, List<Double>>> peer = figures.getOrDefault("mpi4py", Map.of());
    System.out.printf("task farm, tasks/s, median of %d rounds (%s; peer mpi4py.futures)%n", rounds, PingPongBench.mpiLibrary());
    System.out.printf("%-8s %-16s %14s %14s %9s%n", "workers", "figure", "executor", "mpi4py", "ratio");
    List<Map<String, Object>> rows = new ArrayList<>();
    Map<String, Double> targets = new LinkedHashMap<>();
    for (int w : WORKERS) {
      Map<String, List<Double>> o = ours.getOrDefault(w, Map.of());
      Map<String, List<Double>> p = peer.getOrDefault(w, Map.of());
      for (String fig : List.of("submit", "map", "payload-65536", "payload-1048576")) {
        if (!o.containsKey(fig) && !p.containsKey(fig) && !fig.equals("map")) continue;
        List<String> peerNames = fig.equals("map") ? List.of("map-c10", "map-c100", "map-c1000") : List.of(fig);
        double mine = Stats.median(o.getOrDefault(fig, List.of()));
        double theirs = best(p, peerNames);
        double ratio = Stats.median(ratios(o.getOrDefault(fig, List.of()), p, peerNames));
        String label = fig.equals("map") ? "map (peer best)" : fig;
        System.out.printf("%-8d %-16s %14.0f %14.0f %8.2fx%n", w, label, mine, theirs, ratio);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("workers", w);
        row.put("figure", fig);
        row.put("executor_tasks_per_s", mine);
        row.put("mpi4py_tasks_per_s", theirs);
        row.put("ratio", ratio);
        row.put("executor_rounds", o.getOrDefault(fig, List.of()));
        for (String n : peerNames) row.put("mpi4py_" + n + "_rounds", p.getOrDefault(n, List.of()));
        rows.add(row);
        if (w == 2) targets.put(fig, ratio);
      }
    }
    List<Double> kill = ours.getOrDefault(2, Map.of()).getOrDefault("kill-rerun-ms", List.of());
    double killMs = Stats.median(kill);
    System.out.printf("kill -> re-run elsewhere (2 workers): %.0f ms median (rounds %s)%n", killMs, kill);
    System.out.printf("targets (2 workers): submit %.2fx (>= 5x: %s), map %.2fx (>= 1x: %s), 1 MiB %.2fx (>= 1x: %s),"
            + " kill -> re-run %.0f ms (< 1000 ms: %s)%n",
        targets.getOrDefault("submit", Double.NaN), met(targets.getOrDefault("submit", Double.NaN) >= 5),
        targets.getOrDefault("map", Double.NaN), met(targets.getOrDefault("map", Double.NaN) >= 1),
        targets.getOrDefault("payload-1048576", Double.NaN), met(targets.getOrDefault("payload-1048576", Double.NaN) >= 1),
        killMs, met(killMs < 1000));
    if (json != null) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("benchmark", "farm");
      doc.put("mpi", PingPongBench.mpiLibrary());
      doc.put("rounds", rounds);
      doc.put("map_tasks", mapTasks);
      doc.put("unit", "tasks per second; ratios are medians of per-round executor/mpi4py (map: the peer's best chunksize)");
      doc.put("rows", rows);
      doc.put("kill_rerun_ms", killMs);
      doc.put("kill_rerun_ms_rounds", kill);
      Files.writeString(json, Json.write(doc));
      System.out.println("wrote " + json);
    }
  }

  private static String met(boolean ok) {
    return ok ? "met" : "NOT met";
  }
}
