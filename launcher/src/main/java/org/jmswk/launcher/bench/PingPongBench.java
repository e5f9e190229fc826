package org.jmswk.launcher.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.jmswk.launcher.BoundedProcess;
import org.jmswk.launcher.Json;
import org.jmswk.launcher.Installation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jmswk bench pingpong}: a 2-rank ping-pong in C and through the Java binding (heap
 * arrays and off-heap segments), alternating within each round, medians and Java/C ratios.
 */
@Command(name = "pingpong", mixinStandardHelpOptions = true,
    description = {"Two-rank ping-pong latency, Java binding vs C.", "",
        "Two-rank ping-pong, 8 B to 1 MiB: C, Java with byte[] (copied through native",
        "memory) and Java with off-heap MemorySegments (zero copy), run in turn under mpirun on",
        "this machine. Prints the median one-way latency per size over the rounds and the median",
        "of the per-round Java/C ratios. Targets: off-heap <= 1.05x C at 1 MiB, <= 1.5x at 8 B."})
public final class PingPongBench implements Callable<Integer> {
  static final List<String> VARIANTS = List.of("c", "java-heap", "java-offheap");

  @Option(names = "--rounds", defaultValue = "5", description = "Rounds; each runs every variant once (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--max-bytes", defaultValue = "1048576", description = "Largest message (default: ${DEFAULT-VALUE}).")
  int maxBytes;

  @Option(names = "--json", description = "Also write the figures as JSON to this file.")
  Path json;

  @Option(names = "--timeout", defaultValue = "180", description = "Seconds one run may take (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Override
  public Integer call() throws IOException {
    if (rounds < 1 || maxBytes < 8) {
      System.err.println("bench pingpong: --rounds must be >= 1 and --max-bytes >= 8");
      return 2;
    }
    Path cProgram = Installation.require("libexec/pingpong_c", "the C ping-pong (pingpong_c)");
    String classpath = Installation.jar().map(Path::toString).orElse(System.getProperty("java.class.path"));
    // variant -> size -> one value per round
    Map<String, Map<Long, List<Double>>> usec = new LinkedHashMap<>();
    VARIANTS.forEach(v -> usec.put(v, new TreeMap<>()));
    int total = rounds * VARIANTS.size(), done = 0;
    for (int round = 0; round < rounds; round++) {
      for (int k = 0; k < VARIANTS.size(); k++) {
        String variant = VARIANTS.get((k + round) % VARIANTS.size()); // rotate against drift
        System.err.printf("\r%s round %d/%d %-13s", Stats.bar(done, total, 30), round + 1, rounds, variant);
        List<String> program = variant.equals("c")
            ? List.of(cProgram.toString(), Integer.toString(maxBytes))
            : List.of(Installation.java(), "--enable-native-access=ALL-UNNAMED", "-cp", classpath,
                PingPong.class.getName(), variant.equals("java-heap") ? "heap" : "offheap", Integer.toString(maxBytes));
        Map<Long, Double> figures = runOnce(program);
        figures.forEach((size, t) -> usec.get(variant).computeIfAbsent(size, s -> new ArrayList<>()).add(t));
        done++;
      }
    }
    System.err.printf("\r%s%n", Stats.bar(total, total, 30));
    report(usec);
    return 0;
  }

  private Map<Long, Double> runOnce(List<String> program) throws IOException {
    List<String> lines = LocalMpirun.run(List.of("-np", "2", "--host", "localhost:2"), program,
        Duration.ofSeconds(timeoutSeconds));
    Map<Long, Double> figures = new TreeMap<>();
    for (String line : lines) {
      String[] f = line.trim().split("\\s+");
      if (f.length == 2 && f[0].matches("\\d+")) figures.put(Long.parseLong(f[0]), Double.parseDouble(f[1]));
    }
    if (figures.isEmpty()) throw new IllegalStateException("no figures from " + String.join(" ", program) + "\n" + lines);
    return figures;
  }

  private void report(Map<String, Map<Long, List<Double>>> usec) throws IOException {
    Map<Long, List<Double>> c = usec.get("c");
    System.out.printf("ping-pong, one-way latency in microseconds, median of %d rounds (%s)%n", rounds, mpiLibrary());
    System.out.printf("%10s %12s %12s %9s %12s %9s%n", "bytes", "C", "Java heap", "heap/C", "Java offheap", "offheap/C");
    List<Map<String, Object>> rows = new ArrayList<>();
    for (long size : c.keySet()) {
      List<Double> heap = usec.get("java-heap").getOrDefault(size, List.of());
      List<Double> off = usec.get("java-offheap").getOrDefault(size, List.of());
      double heapRatio = Stats.median(ratios(heap, c.get(size)));
      double offRatio = Stats.median(ratios(off, c.get(size)));
      System.out.printf("%10d %12.3f %12.3f %8.2fx %12.3f %8.2fx%n", size, Stats.median(c.get(size)),
          Stats.median(heap), heapRatio, Stats.median(off), offRatio);
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("bytes", size);
      row.put("c_usec", Stats.median(c.get(size)));
      row.put("java_heap_usec", Stats.median(heap));
      row.put("java_offheap_usec", Stats.median(off));
      row.put("heap_over_c", heapRatio);
      row.put("offheap_over_c", offRatio);
      row.put("c_rounds", c.get(size));
      row.put("java_heap_rounds", heap);
      row.put("java_offheap_rounds", off);
      rows.add(row);
    }
    double small = rows.isEmpty() ? Double.NaN : (double) rows.getFirst().get("offheap_over_c");
    double large = rows.isEmpty() ? Double.NaN : (double) rows.getLast().get("offheap_over_c");
    System.out.printf("targets: off-heap at %d B %.2fx (<= 1.50x: %s), at %d B %.2fx (<= 1.05x: %s)%n",
        rows.getFirst().get("bytes"), small, small <= 1.5 ? "met" : "NOT met",
        rows.getLast().get("bytes"), large, large <= 1.05 ? "met" : "NOT met");
    if (json != null) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("benchmark", "pingpong");
      doc.put("mpi", mpiLibrary());
      doc.put("rounds", rounds);
      doc.put("unit", "one-way latency, microseconds; ratios are medians of per-round Java/C");
      doc.put("sizes", rows);
      Files.writeString(json, Json.write(doc));
      System.out.println("wrote " + json);
    }
  }

  private static List<Double> ratios(List<Double> java, List<Double> c) {
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < Math.min(java.size(), c.size()); i++) out.add(java.get(i) / c.get(i));
    return out;
  }

  static String mpiLibrary() {
    try {
      BoundedProcess.Result r = BoundedProcess.run(List.of("mpirun", "--version"), null, null, Duration.ofSeconds(20), null);
      return r.lines().isEmpty() ? "unknown MPI" : r.lines().getFirst().trim();
    } catch (IOException e) {
      return "unknown MPI";
    }
  }
}
