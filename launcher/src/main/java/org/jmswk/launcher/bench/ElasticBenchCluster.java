package org.jmswk.launcher.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.jmswk.launcher.Installation;
import org.jmswk.launcher.Jmswk;
import org.jmswk.launcher.cluster.Cluster;

/**
 * The {@code --cluster} run of {@code jmswk bench elastic}: {@link ElasticBenchProgram} as the
 * master of a {@code jmswk sub --mswk --cluster docker:4} job (a process of its own), on the head;
 * its grows and shrinks spread over the 4 slave nodes.
 */
final class ElasticBenchCluster {
  private ElasticBenchCluster() {}

  /** The job's output lines once it has ended with 0; otherwise an error carrying its output. */
  static List<String> run(int rounds, List<Integer> sizes, long taskUs, int biggest, Duration limit)
      throws IOException {
    Path jobs = Files.createTempDirectory("jmswk-bench-elastic");
    // a job id no other job on this machine has (job ids start at 1 in every jobs directory):
    // jobs are found machine-wide by id, and another job's cleanup must spare this one
    int jobId = 1 + ThreadLocalRandom.current().nextInt(100_000, 900_000_000);
    Files.createDirectories(jobs.resolve(Integer.toString(jobId - 1)));
    // the base worker and the biggest grow, spread evenly, plus one slot to spare per node
    int slotsPerNode = (biggest + 1 + ElasticBench.CLUSTER_NODES - 1) / ElasticBench.CLUSTER_NODES + 1;
    List<String> nodes = new ArrayList<>();
    for (int i = 1; i <= ElasticBench.CLUSTER_NODES; i++) nodes.add("node" + i);
    Path script = jobs.resolve("elastic.sh");
    Files.writeString(script, String.join("\n", "#!/bin/bash", "#PJM -L node=" + (ElasticBench.CLUSTER_NODES + 1),
        "#PJM --mpi max-proc-per-node=" + slotsPerNode, "#PJM -x JMSWK_CONTROL_GROW_TIMEOUT_S=120",
        // --novm: the master's mpiexec stays on the head; each worker gets an mpiexec on its node
        "exec mpiexec --novm -n 1 \"$JMSWK_JAVA\" --enable-native-access=ALL-UNNAMED -cp \"$JMSWK_CLASSPATH\" "
            + ElasticBenchProgram.class.getName() + " \"$@\"", ""));
    String classpath = Installation.jar().map(Path::toString).orElse(System.getProperty("java.class.path"));
    Path log = jobs.resolve("output");
    Process p = new ProcessBuilder(Installation.java(), "--enable-native-access=ALL-UNNAMED", "-Djmswk.jobs.dir=" + jobs,
        "-cp", classpath, Jmswk.class.getName(), "sub", "--mswk", "--cluster", "docker:" + ElasticBench.CLUSTER_NODES,
        script.toString(), Integer.toString(rounds), String.join(",", sizes.stream().map(String::valueOf).toList()),
        Long.toString(taskUs), String.join(",", nodes))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      boolean ended = p.waitFor(limit.toSeconds(), TimeUnit.SECONDS);
      String out = Files.readString(log, StandardCharsets.UTF_8);
      if (!ended) throw new IllegalStateException("bench elastic --cluster: no end within " + limit.toSeconds() + " s\n" + out);
      if (p.exitValue() != 0 || out.lines().anyMatch(l -> l.startsWith("FAIL"))) {
        throw new IllegalStateException("bench elastic --cluster: job exit " + p.exitValue() + "\n" + out);
      }
      return out.lines().toList();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } finally {
      if (p.isAlive()) {
        p.destroy(); // its shutdown hook ends the job
        try {
          if (!p.waitFor(60, TimeUnit.SECONDS)) p.destroyForcibly();
        } catch (InterruptedException e) {
          p.destroyForcibly();
        }
      }
      Cluster.remove("jmswk-job" + jobId + "-" + p.pid());
    }
  }
}
