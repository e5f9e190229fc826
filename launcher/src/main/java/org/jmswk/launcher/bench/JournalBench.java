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

/** {@code jmswk bench journal}: executor throughput with the job journal against without it, in the same run. */
@Command(name = "journal", mixinStandardHelpOptions = true,
    description = {"Executor throughput with the job journal vs without it, in the same run.", "",
        "One mpirun on this machine runs the rounds; in each, three executors in turn (2 spawned",
        "workers, tiny tasks x -> x*x, one future per task after a warm-up): without a journal,",
        "with a journal at JMSWK_JOURNAL_SYNC=full (an fsync per group commit: a result is on disk",
        "before its future completes) and at normal (durable across a crash of the master, not of",
        "the machine). The journal files go to --dir, which should be on the file system jobs use",
        "(a tmpfs would hide the fsync). --work-us gives tasks a grain (busy work on the worker).",
        "Prints medians of tasks/s and the ratio to no journal. Target: full >= 0.9x no journal."})
public final class JournalBench implements Callable<Integer> {
  @Option(names = "--rounds", defaultValue = "5", description = "Rounds (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--tasks", defaultValue = "50000", description = "Timed tasks per executor (default: ${DEFAULT-VALUE}).")
  int tasks;

  @Option(names = "--workers", defaultValue = "2", description = "Workers (default: ${DEFAULT-VALUE}).")
  int workers;

  @Option(names = "--work-us", defaultValue = "0",
      description = "Busy work per task on the worker, in microseconds (default: ${DEFAULT-VALUE}: tiny tasks).")
  int workUs;

  @Option(names = "--dir", defaultValue = ".", description = "Where the journals are written (default: the current directory).")
  Path dir;

  @Option(names = "--json", description = "Also write the figures as JSON to this file.")
  Path json;

  @Override
  public Integer call() throws IOException {
    if (rounds < 1 || tasks < 1 || workers < 1 || workUs < 0) {
      System.err.println("bench journal: --rounds, --tasks and --workers must be >= 1, --work-us >= 0");
      return 2;
    }
    if (!Files.isDirectory(dir)) {
      System.err.println("bench journal: --dir " + dir + " is not a directory");
      return 2;
    }
    String classpath = Installation.jar().map(Path::toString).orElse(System.getProperty("java.class.path"));
    List<String> program = List.of(Installation.java(), "--enable-native-access=ALL-UNNAMED", "-cp", classpath,
        JournalBenchProgram.class.getName(), Integer.toString(rounds), Integer.toString(tasks),
        Integer.toString(workers), dir.toAbsolutePath().toString(), Integer.toString(workUs));
    System.err.println("bench journal: " + rounds + " rounds of " + tasks + " tasks of " + workUs + " us, 3 executors each ...");
    List<String> lines = LocalMpirun.run(List.of("--oversubscribe", "-np", "1", "--host", "localhost:64"), program,
        Duration.ofSeconds(120L + rounds * (30L + tasks / 1000 + (long) tasks * workUs / 500_000)));
    Map<String, List<Double>> rates = new LinkedHashMap<>();
    for (String l : lines) {
      String[] f = l.split(" ");
      if (f.length == 3 && f[0].equals("ROUND")) rates.computeIfAbsent(f[1], k -> new ArrayList<>()).add(Double.parseDouble(f[2]));
    }
    double none = Stats.median(rates.getOrDefault("none", List.of()));
    Map<String, Object> doc = new LinkedHashMap<>();
    System.out.printf("%-22s %12s %8s%n", "executor", "tasks/s", "ratio");
    for (var e : rates.entrySet()) {
      double m = Stats.median(e.getValue());
      String name = e.getKey().equals("none") ? "no journal" : "journal sync=" + e.getKey();
      System.out.printf("%-22s %12.0f %8.2f%n", name, m, m / none);
      doc.put(e.getKey(), Map.of("median_tasks_per_s", m, "ratio", m / none, "rounds", e.getValue()));
    }
    if (json != null) {
      Files.writeString(json, Json.write(doc));
      System.out.println("wrote " + json);
    }
    return 0;
  }
}
