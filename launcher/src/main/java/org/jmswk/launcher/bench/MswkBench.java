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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jmswk.launcher.Installation;
import org.jmswk.launcher.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jmswk bench mswk}: one Mswk exchange (connect + send + recv + disconnect) in Java and
 * in C through the drop-ins, and the failure-detection latency per kill case, in the same run.
 */
@Command(name = "mswk", mixinStandardHelpOptions = true,
    description = {"Mswk exchange cost and failure-detection latency, Java vs C.", "",
        "Each round runs, under mpirun --enable-recovery on this machine: the C drop-in program",
        "(libexec/mswk_ft: plain MPI exchanges, Mswk exchanges, then each kill case) and the Java",
        "program (org.jmswk.launcher.bench.MswkBenchProgram: Mswk exchanges, then each kill case).",
        "Kill cases: a worker SIGKILLed while idle (the master's next connect fails), while the",
        "master receives from it, while the master waits in accept for it; the figure is the time",
        "from the kill to the master's call failing. Prints medians over the rounds and the",
        "median of the per-round Java/C ratios. Target: Java exchange <= 1.1x C.", "",
        "Also, per round, the Java exchange with a worker of another MPI job (an mpirun of its own",
        "joined through an ompi-server, as TaskFarm's failure domains are): over a link (TCP, the",
        "default there) and over an Open MPI intercommunicator (JMSWK_MSWK_LINK=0).", "",
        "With --cluster, also node loss on a container cluster (a head and 4 nodes; Docker and",
        "ci/cluster-setup needed): per round, one jmswk sub --mswk job (a failure domain per",
        "worker) takes a node kill, a network cut and a killed MPI launcher in turn; the figure is",
        "the time from the fault to the master's worker-lost event. The peer, measured in the same",
        "round: the same program with plain MPI_Comm_spawn workers (one mpiexec job), one job per",
        "fault: when its master learned of the loss, and whether the job went on (a replacement",
        "started and the job ended 0 when asked).", "",
        "With --cluster, also the cost of a failure domain per MPI_Comm_spawn worker: per round, a",
        "master in the vendor guide's style (one worker per spawn call, then Mswk exchanges; C:",
        "spawn_domains, Java: GuideSpawnMaster) in two jmswk sub --mswk jobs, with Open MPI's own",
        "spawn into the master's job (before: JMSWK_DOMAIN_SPAWN=0) and with libjmswk's domain-split",
        "spawn (after); the figures are the spawn time of one worker and one exchange, and (\"Java, 4",
        "per call\") the spawn time of 4 workers in one call, the reference flow's way."})
public final class MswkBench implements Callable<Integer> {
  private static final Pattern MEDIAN = Pattern.compile("^MEDIAN (\\S+) ([0-9.]+) ms");
  private static final List<String> FIGURES =
      List.of("exchange", "plain-exchange", "kill-idle", "kill-recv", "kill-accept");

  @Option(names = "--rounds", defaultValue = "5", description = "Rounds (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--exchanges", defaultValue = "200", description = "Timed exchanges per round (default: ${DEFAULT-VALUE}).")
  int exchanges;

  @Option(names = "--cluster", description = "Also measure, on a container cluster, node loss (kill, cut, launcher kill) and the cost of a failure"
      + " domain per spawned worker (spawn, exchange).")
  boolean cluster;

  @Option(names = "--cluster-rounds", defaultValue = "3", description = "Rounds of the cluster jobs (default: ${DEFAULT-VALUE}).")
  int clusterRounds;

  @Option(names = "--cluster-figures", split = ",", defaultValue = "node-loss,spawn",
      description = "With --cluster, which figures: node-loss, spawn, or both (default: ${DEFAULT-VALUE}).")
  List<String> clusterFigures;

  @Option(names = "--json", description = "Also write the figures as JSON to this file.")
  Path json;

  @Override
  public Integer call() throws IOException, InterruptedException {
    if (rounds < 1 || exchanges < 1 || clusterRounds < 1) {
      System.err.println("bench mswk: --rounds, --exchanges and --cluster-rounds must be >= 1");
      return 2;
    }
    for (String f : clusterFigures) {
      if (!f.equals("node-loss") && !f.equals("spawn")) {
        System.err.println("bench mswk: --cluster-figures takes node-loss and/or spawn, not " + f);
        return 2;
      }
    }
    Path cProgram = Installation.require("libexec/mswk_ft", "the C Mswk program (mswk_ft)");
    String classpath = Installation.jar().map(Path::toString).orElse(System.getProperty("java.class.path"));
    List<String> java = List.of(Installation.java(), "--enable-native-access=ALL-UNNAMED", "-cp", classpath,
        MswkBenchProgram.class.getName());
    int perCase = Math.max(1, exchanges / 20);
    Map<String, List<Double>> c = new LinkedHashMap<>();
    Map<String, List<Double>> j = new LinkedHashMap<>();
    int steps = rounds * 5, step = 0;
    try (OmpiServer server = OmpiServer.start()) {
      for (int round = 0; round < rounds; round++) {
        System.err.printf("\r%s round %d/%d", Stats.bar(step, steps, 30), round + 1, rounds);
        collect(c, run(cat(List.of(cProgram.toString(), "bench"), List.of(Integer.toString(Math.max(1, exchanges / 20))))));
        System.err.printf("\r%s round %d/%d", Stats.bar(++step, steps, 30), round + 1, rounds);
        collect(j, run(cat(java, List.of("exchange", Integer.toString(exchanges)))));
        System.err.printf("\r%s round %d/%d", Stats.bar(++step, steps, 30), round + 1, rounds);
        for (String kase : List.of("kill-idle", "kill-recv", "kill-accept")) {
          collect(c, run(List.of(cProgram.toString(), kase, Integer.toString(perCase))));
        }
        System.err.printf("\r%s round %d/%d", Stats.bar(++step, steps, 30), round + 1, rounds);
        collect(j, run(cat(java, List.of("kill", Integer.toString(perCase)))));
        System.err.printf("\r%s round %d/%d", Stats.bar(++step, steps, 30), round + 1, rounds);
        for (String link : List.of("1", "0")) {
          collect(j, LocalMpirun.run(List.of("--ompi-server", "file:" + server.uri(), "-np", "1"),
              cat(java, List.of("across", Integer.toString(exchanges), server.uri().toString())),
              Map.of("JMSWK_MSWK_LINK", link), Duration.ofSeconds(300)));
        }
        System.err.printf("\r%s round %d/%d", Stats.bar(++step, steps, 30), round + 1, rounds);
      }
    }
    System.err.println();
    List<Map<String, Object>> nodeLoss = cluster && clusterFigures.contains("node-loss") ? nodeLoss() : List.of();
    List<Map<String, Object>> spawnCost = cluster && clusterFigures.contains("spawn") ? spawnCost() : List.of();
    report(c, j, nodeLoss, spawnCost);
    return 0;
  }

  /** The node-loss rounds; one row per kind. */
  private List<Map<String, Object>> nodeLoss() throws IOException, InterruptedException {
    List<NodeLossBench.Outcome> domains = new ArrayList<>();
    List<NodeLossBench.Outcome> peers = new ArrayList<>();
    int steps = clusterRounds * (1 + NodeLossBench.KINDS.size()), step = 0;
    for (int round = 0; round < clusterRounds; round++) {
      System.err.printf("\r%s node-loss round %d/%d", Stats.bar(step, steps, 30), round + 1, clusterRounds);
      domains.addAll(NodeLossBench.domains());
      System.err.printf("\r%s node-loss round %d/%d", Stats.bar(++step, steps, 30), round + 1, clusterRounds);
      for (String kind : NodeLossBench.KINDS) {
        peers.add(NodeLossBench.plainSpawn(kind));
        System.err.printf("\r%s node-loss round %d/%d", Stats.bar(++step, steps, 30), round + 1, clusterRounds);
      }
    }
    System.err.println();
    return NodeLossBench.KINDS.stream().map(k -> NodeLossBench.summary(k, domains, peers)).toList();
  }

  /** The spawn-cost rounds: per round and language, a job with Open MPI's spawn and one with failure domains. */
  private List<Map<String, Object>> spawnCost() throws IOException, InterruptedException {
    Map<String, List<SpawnCostBench.Figures>> openMpi = new LinkedHashMap<>();
    Map<String, List<SpawnCostBench.Figures>> domains = new LinkedHashMap<>();
    int steps = clusterRounds * 2 * SpawnCostBench.LANGUAGES.size(), step = 0;
    for (int round = 0; round < clusterRounds; round++) {
      for (String language : SpawnCostBench.LANGUAGES) {
        for (boolean split : List.of(false, true)) {
          System.err.printf("\r%s spawn-cost round %d/%d", Stats.bar(step++, steps, 30), round + 1, clusterRounds);
          (split ? domains : openMpi).computeIfAbsent(language, k -> new ArrayList<>())
              .add(SpawnCostBench.run(language, split));
        }
      }
    }
    System.err.printf("\r%s spawn-cost round %d/%d%n", Stats.bar(step, steps, 30), clusterRounds, clusterRounds);
    return SpawnCostBench.summary(openMpi, domains);
  }

  private static List<String> cat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static void collect(Map<String, List<Double>> into, List<String> lines) {
    for (String line : lines) {
      Matcher m = MEDIAN.matcher(line);
      if (m.find()) into.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(Double.parseDouble(m.group(2)));
    }
  }

  private List<String> run(List<String> program) throws IOException {
    return LocalMpirun.run(List.of("--oversubscribe", "--enable-recovery", "-np", "1", "--host", "localhost:64"),
        program, Duration.ofSeconds(300));
  }

  private void report(Map<String, List<Double>> c, Map<String, List<Double>> j, List<Map<String, Object>> nodeLoss,
      List<Map<String, Object>> spawnCost) throws IOException {
    System.out.printf("Mswk, milliseconds, median of %d rounds (%s)%n", rounds, PingPongBench.mpiLibrary());
    System.out.printf("%-16s %10s %10s %8s%n", "figure", "C", "Java", "Java/C");
    List<Map<String, Object>> rows = new ArrayList<>();
    for (String f : FIGURES) {
      List<Double> cv = c.getOrDefault(f, List.of());
      List<Double> jv = j.getOrDefault(f, List.of());
      List<Double> ratios = new ArrayList<>();
      for (int i = 0; i < Math.min(cv.size(), jv.size()); i++) ratios.add(jv.get(i) / cv.get(i));
      double ratio = Stats.median(ratios);
      System.out.printf("%-16s %10s %10s %8s%n", f, fmt(Stats.median(cv)), fmt(Stats.median(jv)),
          Double.isNaN(ratio) ? "-" : String.format("%.2fx", ratio));
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("figure", f);
      row.put("c_ms", Stats.median(cv));
      row.put("java_ms", Stats.median(jv));
      row.put("java_over_c", ratio);
      row.put("c_rounds", cv);
      row.put("java_rounds", jv);
      rows.add(row);
    }
    double exchangeRatio = (double) rows.getFirst().get("java_over_c");
    System.out.printf("target: Java exchange %.2fx C (<= 1.10x: %s)%n", exchangeRatio, exchangeRatio <= 1.1 ? "met" : "NOT met");
    List<Double> overLink = j.getOrDefault("across-link", List.of());
    List<Double> overMpi = j.getOrDefault("across-mpi", List.of());
    List<Double> linkRatios = new ArrayList<>();
    for (int i = 0; i < Math.min(overLink.size(), overMpi.size()); i++) linkRatios.add(overLink.get(i) / overMpi.get(i));
    System.out.printf("%nJava exchange with a worker of another MPI job (an mpirun of its own, as in failure domains)%n");
    System.out.printf("%-16s %10s %10s %8s%n", "figure", "MPI", "link", "link/MPI");
    System.out.printf("%-16s %10s %10s %8s%n", "exchange", fmt(Stats.median(overMpi)), fmt(Stats.median(overLink)),
        linkRatios.isEmpty() ? "-" : String.format("%.2fx", Stats.median(linkRatios)));
    Map<String, Object> across = new LinkedHashMap<>();
    across.put("mpi_intercomm_ms", Stats.median(overMpi));
    across.put("link_ms", Stats.median(overLink));
    across.put("link_over_mpi", Stats.median(linkRatios));
    across.put("mpi_intercomm_rounds", overMpi);
    across.put("link_rounds", overLink);
    if (!nodeLoss.isEmpty()) {
      System.out.printf("%nNode loss on a container cluster (head + 4 nodes), seconds from the fault to the master"
          + " knowing, median of %d rounds%n", clusterRounds);
      System.out.printf("%-14s %-30s %s%n", "kind", "jmswk (mpiexec per worker)", "plain MPI_Comm_spawn (one mpiexec job)");
      for (Map<String, Object> row : nodeLoss) {
        System.out.printf("%-14s %-30s %s%n", row.get("kind"), fmt((double) row.get("jmswk_s")) + " s, job went on",
            fmt((double) row.get("plain_spawn_s")) + " s, " + row.get("plain_spawn_outcome"));
      }
    }
    if (!spawnCost.isEmpty()) {
      System.out.printf("%nMPI_Comm_spawn workers on a container cluster (head + 4 nodes), one worker per call"
          + " unless said, milliseconds, median of %d rounds%n", clusterRounds);
      System.out.printf("%-30s %16s %16s %10s%n", "figure", "Open MPI spawn", "failure domains", "domains/OMPI");
      for (Map<String, Object> row : spawnCost) {
        double ratio = (double) row.get("domains_over_open_mpi");
        System.out.printf("%-30s %16s %16s %10s%n", row.get("figure"), fmt((double) row.get("open_mpi_spawn_ms")),
            fmt((double) row.get("failure_domains_ms")), Double.isNaN(ratio) ? "-" : String.format("%.2fx", ratio));
      }
    }
    if (json != null) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("benchmark", "mswk");
      doc.put("mpi", PingPongBench.mpiLibrary());
      doc.put("rounds", rounds);
      doc.put("figures", rows);
      doc.put("across_jobs", across);
      if (!nodeLoss.isEmpty()) doc.put("node_loss", nodeLoss);
      if (!spawnCost.isEmpty()) doc.put("spawn_domains", spawnCost);
      Files.writeString(json, Json.write(doc));
      System.out.println("wrote " + json);
    }
  }

  private static String fmt(double v) {
    return Double.isNaN(v) ? "-" : String.format("%.3f", v);
  }
}
