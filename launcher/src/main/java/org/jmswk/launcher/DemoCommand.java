package org.jmswk.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jmswk.launcher.job.LocalTarget;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jmswk demo}: the dynamic-spawn example as a job on this machine, and what happened. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {
        "Runs the dynamic-spawn example (examples/spawn/job.sh) as a job on this machine:",
        "one Java master started by mpiexec spawns Java workers with MPI_Comm_spawn, they",
        "exchange port names over connect/accept/disconnect, and the master sends each",
        "worker a message. Prints the job's output live, then a summary per worker."})
public final class DemoCommand implements Callable<Integer> {
  private static final Pattern RECEIVED =
      Pattern.compile("worker (\\d+)/(\\d+) on (\\S+): received \"(.*)\"");

  @Option(names = "--workers", defaultValue = "3", description = "Workers to spawn (default: ${DEFAULT-VALUE}).")
  int workers;

  @Option(names = "--message", defaultValue = "Hello", description = "What the master sends (default: ${DEFAULT-VALUE}).")
  String message;

  @Option(names = "--timeout", defaultValue = "120", description = "Seconds before the job is ended (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Override
  public Integer call() throws IOException {
    if (workers < 1) throw new picocli.CommandLine.ParameterException(
        new picocli.CommandLine(this), "--workers must be at least 1");
    Path jobDir = Files.createTempDirectory("jmswk-demo-");
    Path script = jobDir.resolve("job.sh");
    try (InputStream in = DemoCommand.class.getResourceAsStream("/org/jmswk/examples/spawn/job.sh")) {
      if (in == null) throw new IllegalStateException("the spawn example's job script is not in this jar");
      Files.copy(in, script);
    }
    script.toFile().setExecutable(true);
    Path hostfile = Files.writeString(jobDir.resolve("hostfile"), LocalTarget.hostfile(workers + 1));
    Map<String, String> env = LocalTarget.environment(hostfile, Installation.home().orElse(null));
    env.put("JMSWK_JAVA", Installation.java());
    env.put("JMSWK_CLASSPATH", Installation.jar().map(Path::toString)
        .orElse(System.getProperty("java.class.path")));

    System.out.printf("jmswk demo: 1 master + %d workers on this machine (job dir %s)%n%n", workers, jobDir);
    BoundedProcess.Result r = BoundedProcess.run(List.of("bash", script.toString(), message), env, jobDir,
        Duration.ofSeconds(timeoutSeconds), line -> System.out.println("  | " + line));

    Map<Integer, String[]> received = new TreeMap<>();
    for (String line : r.lines()) {
      Matcher m = RECEIVED.matcher(line);
      if (m.find()) received.put(Integer.parseInt(m.group(1)), new String[] {m.group(3), m.group(4)});
    }
    System.out.println();
    System.out.printf("%-8s %-20s %s%n", "WORKER", "HOST", "RECEIVED");
    for (int rank = 0; rank < workers; rank++) {
      String[] got = received.get(rank);
      System.out.printf("%-8d %-20s %s%n", rank, got == null ? "-" : got[0], got == null ? "(nothing)" : "\"" + got[1] + "\"");
    }
    boolean ok = r.exitCode() == 0 && received.size() == workers
        && received.values().stream().allMatch(g -> g[1].equals(message));
    String end = r.timedOut() ? "ended after the " + timeoutSeconds + " s limit" : "exit code " + r.exitCode();
    System.out.printf("%njob: %s, %d of %d workers got the message, %.1f s%n", end, received.size(), workers,
        r.elapsed().toMillis() / 1000.0);
    System.out.println(ok ? "demo: OK" : "demo: FAILED");
    return ok ? 0 : 1;
  }
}
