package org.jmswk.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jmswk.launcher.job.JobRunner;
import org.jmswk.launcher.job.JobScriptException;
import org.jmswk.launcher.job.JobScriptParser;
import org.jmswk.launcher.job.JobSpec;
import org.jmswk.launcher.job.JobStats;
import org.jmswk.launcher.job.Launch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jmswk demo}: the dynamic-spawn example as a job on this machine, and what happened. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {
        "Run the dynamic-spawn example as a job on this machine.",
        "",
        "Runs examples/spawn/job.sh as a job on this machine:",
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

  @Override
  public Integer call() throws IOException, JobScriptException {
    if (workers < 1) throw new picocli.CommandLine.ParameterException(
        new picocli.CommandLine(this), "--workers must be at least 1");
    Path jobDir = JobRunner.newJobDir();
    Path script = jobDir.resolve("job.sh");
    try (InputStream in = DemoCommand.class.getResourceAsStream("/org/jmswk/examples/spawn/job.sh")) {
      if (in == null) throw new IllegalStateException("the spawn example's job script is not in this jar");
      Files.copy(in, script);
    }
    JobSpec spec = JobScriptParser.parse("examples/spawn/job.sh", Files.readAllLines(script), true, List.of())
        .withNodes(workers + 1);
    Launch launch = Launch.local(spec, jobDir.resolve("hostfile"));
    System.out.printf("jmswk demo: job %s, 1 master + %d workers on this machine (job dir %s)%n%n",
        jobDir.getFileName(), workers, jobDir);
    JobRunner.Outcome outcome = JobRunner.run(spec, launch, script, List.of(message), jobDir,
        line -> System.out.println("  | " + line));
    JobStats stats = outcome.stats();

    Map<Integer, String[]> received = new TreeMap<>();
    for (String line : outcome.output()) {
      Matcher m = RECEIVED.matcher(line);
      if (m.find()) received.put(Integer.parseInt(m.group(1)), new String[] {m.group(3), m.group(4)});
    }
    System.out.println();
    System.out.printf("%-8s %-20s %s%n", "WORKER", "HOST", "RECEIVED");
    for (int rank = 0; rank < workers; rank++) {
      String[] got = received.get(rank);
      System.out.printf("%-8d %-20s %s%n", rank, got == null ? "-" : got[0], got == null ? "(nothing)" : "\"" + got[1] + "\"");
    }
    boolean ok = stats.exitCode() == 0 && received.size() == workers && outcome.survivors().isEmpty()
        && received.values().stream().allMatch(g -> g[1].equals(message));
    System.out.printf("%njob: exit code %d, end reason %s, %d of %d workers got the message, %.1f s, %s%n",
        stats.exitCode(), stats.endReason(), received.size(), workers, stats.elapsed().toMillis() / 1000.0,
        outcome.survivors().isEmpty() ? "nothing left running" : "LEFT RUNNING: " + outcome.survivors());
    System.out.println(ok ? "demo: OK" : "demo: FAILED");
    return ok ? 0 : 1;
  }
}
