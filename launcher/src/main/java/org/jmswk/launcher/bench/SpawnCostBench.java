package org.jmswk.launcher.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jmswk.launcher.Installation;
import org.jmswk.launcher.Jmswk;
import org.jmswk.launcher.cluster.Cluster;

/**
 * The spawn half of {@code jmswk bench mswk --cluster}: what a failure domain per spawned worker
 * costs a master in the vendor guide's style (MPI_Comm_spawn of one worker per call, then Mswk
 * exchanges), in C (spawn_domains) and Java (GuideSpawnMaster). Per round and language, two
 * {@code jmswk sub --mswk --cluster docker:4} jobs: one with libjmswk's domain-split spawn (an
 * mpiexec per worker, the master under {@code mpiexec --novm}), one with Open MPI's own spawn
 * into the master's job ({@code JMSWK_DOMAIN_SPAWN=0}, a plain mpiexec). Each job prints its
 * median spawn time of one worker and its median exchange (accept + send + recv + disconnect,
 * tasks of 0 ms); the figures are medians of those over the rounds. "Java, 4 per call" is
 * GuideSpawnMaster spawning its 4 workers in one call (one world; with failure domains one
 * mpiexec across the 4 nodes): its spawn figure is that call's time.
 */
final class SpawnCostBench {
  static final String ALL_IN_ONE_CALL = "Java, 4 per call";
  static final List<String> LANGUAGES = List.of("C", "Java", ALL_IN_ONE_CALL);
  private static final int WORKER_NODES = 4;
  private static final int TASKS = 40;
  private static final long JOB_BOUND_S = 300;
  private static final Pattern MEDIANS =
      Pattern.compile("master: median spawn ([0-9.]+) ms \\(\\d+ spawns\\), median exchange ([0-9.]+) ms");

  /** One job's medians, milliseconds. */
  record Figures(double spawnMs, double exchangeMs) {}

  private SpawnCostBench() {}

  /** Runs one job: {@code language} C or Java, {@code domains} a failure domain per worker or Open MPI's spawn. */
  static Figures run(String language, boolean domains) throws IOException, InterruptedException {
    Path jobs = Files.createTempDirectory("jmswk-bench-spawn");
    // a job id no other job on this machine has (job ids start at 1 in every jobs directory)
    int jobId = 1 + ThreadLocalRandom.current().nextInt(100_000, 900_000_000);
    Files.createDirectories(jobs.resolve(Integer.toString(jobId - 1)));
    Path script = jobs.resolve("spawn-cost.sh");
    String program = language.equals("C") ? "\"${JMSWK_HOME:-/opt/jmswk}/bin/spawn_domains\""
        : "\"$JMSWK_JAVA\" --enable-native-access=ALL-UNNAMED -cp \"$JMSWK_CLASSPATH\" org.jmswk.examples.spawn.GuideSpawnMaster";
    String mode = language.equals(ALL_IN_ONE_CALL) ? " all" : "";
    // domains: --novm keeps the master's job to the head; Open MPI's spawn needs the full VM
    Files.writeString(script, String.join("\n", "#!/bin/bash", "#PJM -L node=" + (WORKER_NODES + 1),
        domains ? "" : "export JMSWK_DOMAIN_SPAWN=0",
        "exec mpiexec " + (domains ? "--novm " : "") + "-n 1 " + program + " " + WORKER_NODES + " " + TASKS + " 0" + mode, ""));
    String classpath = Installation.jar().map(Path::toString).orElse(System.getProperty("java.class.path"));
    Path log = jobs.resolve("output");
    Process p = new ProcessBuilder(Installation.java(), "--enable-native-access=ALL-UNNAMED", "-Djmswk.jobs.dir=" + jobs,
        "-cp", classpath, Jmswk.class.getName(), "sub", "--mswk", "--cluster", "docker:" + WORKER_NODES, script.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      boolean ended = p.waitFor(JOB_BOUND_S, TimeUnit.SECONDS);
      String out = Files.readString(log, StandardCharsets.UTF_8);
      String what = language + (domains ? " master, failure domains" : " master, Open MPI's spawn");
      if (!ended) throw new IllegalStateException(what + ": no end within " + JOB_BOUND_S + " s\n" + out);
      Matcher m = MEDIANS.matcher(out);
      if (p.exitValue() != 0 || !out.contains(TASKS + " of " + TASKS + " tasks done") || !m.find()) {
        throw new IllegalStateException(what + ": job exit " + p.exitValue() + "\n" + out);
      }
      return new Figures(Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)));
    } finally {
      if (p.isAlive()) {
        p.destroy(); // its shutdown hook ends the job
        if (!p.waitFor(60, TimeUnit.SECONDS)) p.destroyForcibly();
      }
      Cluster.remove("jmswk-job" + jobId + "-" + p.pid());
    }
  }

  /**
   * The table rows: per language, spawn and exchange with Open MPI's spawn and with failure
   * domains, medians over the rounds and the median of the per-round ratios.
   */
  static List<Map<String, Object>> summary(Map<String, List<Figures>> openMpi, Map<String, List<Figures>> domains) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (String language : LANGUAGES) {
      for (String figure : List.of("spawn", "exchange")) {
        List<Double> before = pick(openMpi.getOrDefault(language, List.of()), figure);
        List<Double> after = pick(domains.getOrDefault(language, List.of()), figure);
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < Math.min(before.size(), after.size()); i++) ratios.add(after.get(i) / before.get(i));
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("figure", figure + " (" + language + ")");
        row.put("open_mpi_spawn_ms", Stats.median(before));
        row.put("failure_domains_ms", Stats.median(after));
        row.put("domains_over_open_mpi", Stats.median(ratios));
        row.put("open_mpi_spawn_rounds", before);
        row.put("failure_domains_rounds", after);
        rows.add(row);
      }
    }
    return rows;
  }

  private static List<Double> pick(List<Figures> figures, String figure) {
    return figures.stream().map(f -> figure.equals("spawn") ? f.spawnMs() : f.exchangeMs()).toList();
  }
}
