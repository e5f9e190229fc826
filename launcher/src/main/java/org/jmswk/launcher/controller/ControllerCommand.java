package org.jmswk.launcher.controller;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jmswk.control.CommandParser;
import org.jmswk.control.CommandRefusedException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jmswk controller WORKLOAD}: runs several applications as jobs and steers them from one terminal. */
@Command(name = "controller", mixinStandardHelpOptions = true,
    description = {"Run the applications of a workload file as jobs, forward commands to them, show their monitoring.", "",
        "WORKLOAD holds one application a line, as the malleable-MPI runtime's controller reads it:",
        "  name:node:nprocs[:node:nprocs...]     e.g.  sweep:node1:2:node2:1",
        "Applications are numbered from 0 in file order. Each is started as a job,",
        "jmswk sub --mswk SCRIPT, where SCRIPT is NAME.sh (else NAME) in --scripts (default: the",
        "workload file's directory); the job's environment carries JMSWK_APP_ID, JMSWK_APP_NAME,",
        "JMSWK_APP_NODES (node1:2:node2:1) and JMSWK_APP_WORKERS (their sum) for the script to use.",
        "A bad line, or an application without a script, is an error naming file:line and nothing starts.",
        "",
        "Once a job publishes its control endpoint the controller connects (proving the job's secret)",
        "and turns monitoring on. Standard output: one JSON line per monitoring sample and per reply,",
        "with \"app\" and \"app_name\" first (--format line: plain lines). Standard error: each job's start and end.",
        "",
        "Type commands on standard input as  APP COMMAND  (APP: the number or the name), e.g.",
        "  0 6:localhost:2      grow application 0 by 2 workers on localhost",
        "  sweep 3              statistics of application sweep",
        "COMMAND is any jmswk ctl command (see jmswk help ctl); a bad one is refused here, unsent.",
        "The controller ends when every job has ended. Exit status: 0 if every job ended with 0, 1 if",
        "one did not, 2 for a bad command line or workload file."})
public final class ControllerCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "WORKLOAD", description = "The workload file.")
  Path workload;

  @Option(names = "--scripts", paramLabel = "DIR", description = "Where the applications' job scripts are (default: the workload file's directory).")
  Path scripts;

  @Option(names = "--interval", paramLabel = "MS", description = "Monitoring interval (default: the jobs', 1000 ms).")
  Long intervalMs;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "json", description = {"json (default): one JSON",
      "line per sample and reply; line: as jmswk ctl prints them (a sample: time, tasks done, compute s,",
      "communication s, I/O s, pool size, queued, failures), each after \"[APP NAME]\"."})
  String format;

  @Option(names = "--connect-timeout", paramLabel = "SECONDS", defaultValue = "120",
      description = "How long a job may take to open its control endpoint (default: ${DEFAULT-VALUE}).")
  long connectTimeoutSeconds;

  @Override
  public Integer call() throws IOException, InterruptedException {
    if (connectTimeoutSeconds < 1) throw new IllegalArgumentException("--connect-timeout must be at least 1 s, not " + connectTimeoutSeconds);
    if (intervalMs != null && intervalMs < 1) throw new IllegalArgumentException("--interval must be at least 1 ms, not " + intervalMs);
    if (!format.equals("json") && !format.equals("line")) throw new IllegalArgumentException("--format is json or line, not '" + format + "'");
    if (!Files.isRegularFile(workload)) throw new IllegalArgumentException("no workload file " + workload);
    List<Workload.App> apps = Workload.read(workload);
    Path dir = scripts != null ? scripts : workload.toAbsolutePath().getParent();
    List<Path> scriptOf = new ArrayList<>();
    for (Workload.App a : apps) scriptOf.add(script(dir, a)); // every script found before any job starts

    PrintStream out = System.out;
    PrintStream log = System.err;
    List<AppJob> jobs = new ArrayList<>();
    try {
      for (int i = 0; i < apps.size(); i++) jobs.add(AppJob.start(apps.get(i), scriptOf.get(i), out, log, format.equals("line")));
      for (AppJob j : jobs) {
        Thread.ofVirtual().name("jmswk-controller-connect-" + j.app.id())
            .start(() -> j.connect(Duration.ofSeconds(connectTimeoutSeconds), intervalMs));
      }
      Thread input = Thread.ofPlatform().daemon().name("jmswk-controller-input").start(() -> forwardInput(jobs, log));
      int status = 0;
      for (AppJob j : jobs) {
        int code = j.await();
        log.println("[" + j.app.id() + " " + j.app.name() + "] exit status " + code);
        if (code != 0) status = 1;
      }
      input.interrupt();
      return status;
    } finally {
      for (AppJob j : jobs) j.stop();
    }
  }

  private Path script(Path dir, Workload.App a) {
    for (Path p : List.of(dir.resolve(a.name() + ".sh"), dir.resolve(a.name()))) {
      if (Files.isRegularFile(p)) return p.toAbsolutePath();
    }
    throw new IllegalArgumentException(workload + ":" + a.line() + ": no job script for application '" + a.name()
        + "' (looked for " + dir.resolve(a.name() + ".sh") + " and " + dir.resolve(a.name()) + ")");
  }

  /** Standard input, line by line: APP COMMAND, checked here, then sent to that application's job. */
  private static void forwardInput(List<AppJob> jobs, PrintStream log) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        String problem = forward(jobs, line.strip());
        if (problem != null) log.println("jmswk controller: " + problem);
      }
    } catch (IOException e) {
      log.println("jmswk controller: cannot read standard input: " + e.getMessage());
    }
  }

  /** Sends one typed line; the problem (nothing sent) or null. */
  static String forward(List<AppJob> jobs, String line) {
    if (line.isEmpty() || line.startsWith("#")) return null;
    String[] f = line.split("\\s+", 2);
    if (f.length < 2) return "'" + line + "': type APP COMMAND (e.g. 0 3)";
    AppJob job = find(jobs, f[0]);
    if (job == null) return "no application '" + f[0] + "', or several of that name (" + names(jobs) + ")";
    try {
      CommandParser.parse(f[1]);
    } catch (CommandRefusedException e) {
      return "application " + job.app.id() + ": " + e.getMessage();
    }
    if (!job.running()) return "application " + job.app.id() + " (" + job.app.name() + ") has ended";
    if (!job.send(f[1])) return "application " + job.app.id() + " (" + job.app.name() + ") is not connected (yet)";
    return null;
  }

  private static AppJob find(List<AppJob> jobs, String id) {
    for (AppJob j : jobs) if (id.equals(Integer.toString(j.app.id()))) return j;
    List<AppJob> named = jobs.stream().filter(j -> j.app.name().equals(id)).toList();
    return named.size() == 1 ? named.getFirst() : null;
  }

  private static String names(List<AppJob> jobs) {
    List<String> s = new ArrayList<>();
    for (AppJob j : jobs) s.add(j.app.id() + " " + j.app.name());
    return "applications: " + String.join(", ", s);
  }
}
