package org.jmswk.agent;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jmswk.testkit.MpiRun;

/** Starts {@link AgentMain} processes for tests and ends them all, bounded. */
public final class AgentProcesses implements AutoCloseable {
  private final List<Process> started = new ArrayList<>();
  private final Path logDir;

  public AgentProcesses() throws IOException {
    logDir = Files.createTempDirectory("agents-");
  }

  static List<String> java(Class<?> main, String... args) {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp",
        MpiRun.absoluteClassPath(), main.getName()));
    cmd.addAll(List.of(args));
    return cmd;
  }

  public Process start(int port, String node, Map<String, String> env) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(java(AgentMain.class, "127.0.0.1", Integer.toString(port), node))
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(logDir.resolve(node + ".out").toFile())
        .redirectError(logDir.resolve(node + ".err").toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    started.add(p);
    return p;
  }

  String log(String node) {
    try {
      return Files.readString(logDir.resolve(node + ".err"));
    } catch (IOException e) {
      return "";
    }
  }

  @Override
  public void close() {
    for (Process p : started) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.toHandle().destroyForcibly();
      // a stopped process cannot die until continued
      try {
        new ProcessBuilder("kill", "-CONT", Long.toString(p.pid())).start().waitFor(5, TimeUnit.SECONDS);
        p.waitFor(5, TimeUnit.SECONDS);
      } catch (IOException | InterruptedException ignored) {
        // best effort
      }
    }
  }
}
