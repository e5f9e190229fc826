package org.jmswk.launcher.agent;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts the node ends of direct launch ({@code jmswk agent --serve}) for a job that has none yet,
 * as the vendor's pjaexe needs no set-up in the job script: one per node of the hostfile, each
 * with an mpiexec of its own (a failure domain per node, as in examples/aexe/job.sh). The first
 * caller starts them ({@code jobDir/agents.started} is the lock); they live until the job ends
 * and the launcher ends what is left. Their output goes to {@code jobDir/agents.log}.
 */
final class ServingAgents {
  static final String LOCK = "agents.started";

  private ServingAgents() {}

  /** Starts the serving agents unless some caller of the job did; returns whether this call did. */
  static boolean ensureStarted(Path jobDir, List<String> hosts, Map<String, String> env) throws IOException {
    try {
      Files.createDirectory(jobDir.resolve(LOCK));
    } catch (java.nio.file.FileAlreadyExistsException started) {
      return false;
    }
    String java = env.getOrDefault("JMSWK_JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
    String classpath = env.getOrDefault("JMSWK_CLASSPATH", System.getProperty("java.class.path"));
    File log = jobDir.resolve("agents.log").toFile();
    for (int i = 0; i < (hosts.size() == 1 ? 1 : hosts.size()); i++) {
      List<String> command = new ArrayList<>(List.of("mpiexec", "--enable-recovery", "-n", "1"));
      if (hosts.size() > 1) command.addAll(List.of("--host", hosts.get(i)));
      command.addAll(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp", classpath, "org.jmswk.launcher.Jmswk",
          "agent", "--serve"));
      if (hosts.size() > 1) command.addAll(List.of("--node-index", Integer.toString(i)));
      new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log)).redirectErrorStream(true).start();
    }
    return true;
  }
}
