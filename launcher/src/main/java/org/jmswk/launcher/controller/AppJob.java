package org.jmswk.launcher.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jmswk.agent.JobSecret;
import org.jmswk.control.ControlClient;
import org.jmswk.launcher.Installation;
import org.jmswk.launcher.job.JobRunner;

/**
 * One application of a workload, run as a job ({@code jmswk sub --mswk SCRIPT} in a process of
 * its own, so one application's failure is its own): learns the job's id from the launcher's
 * announcement, connects to the job's control endpoint (authenticated with the job's secret)
 * once it is published, turns monitoring on, and prints every monitoring sample and reply as one
 * JSON line with the application's id and name. Commands are forwarded over the same connection.
 */
final class AppJob {
  private static final Pattern ANNOUNCED = Pattern.compile("^\\[jmswk\\] job (\\d+): .*");

  final Workload.App app;
  private final Process process;
  private final PrintStream out;
  private final PrintStream log;
  private final boolean lines;
  private final CompletableFuture<Path> jobDir = new CompletableFuture<>();
  private volatile ControlClient client;
  private final Object sending = new Object();

  private AppJob(Workload.App app, Process process, PrintStream out, PrintStream log, boolean lines) {
    this.app = app;
    this.process = process;
    this.out = out;
    this.log = log;
    this.lines = lines;
  }

  /**
   * Starts {@code app}'s job from {@code script}. The job's environment carries the
   * application's id, name and placement ({@code JMSWK_APP_ID}, {@code JMSWK_APP_NAME},
   * {@code JMSWK_APP_NODES} as in the workload file, {@code JMSWK_APP_WORKERS} their sum).
   */
  static AppJob start(Workload.App app, Path script, PrintStream out, PrintStream log, boolean lines) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Installation.java(), "--enable-native-access=ALL-UNNAMED"));
    Installation.home().ifPresent(h -> cmd.add("-Djmswk.home=" + h));
    cmd.addAll(List.of("-cp", Installation.jar().map(Path::toString).orElse(System.getProperty("java.class.path")),
        "org.jmswk.launcher.Jmswk", "sub", "--mswk",
        "-x", "JMSWK_APP_ID=" + app.id(), "-x", "JMSWK_APP_NAME=" + app.name(),
        "-x", "JMSWK_APP_NODES=" + app.placementText(), "-x", "JMSWK_APP_WORKERS=" + app.workers(),
        script.toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectErrorStream(true);
    pb.environment().put("JMSWK_JOBS_DIR", JobRunner.jobsRoot().toAbsolutePath().toString());
    AppJob job = new AppJob(app, pb.start(), out, log, lines);
    Thread.ofPlatform().daemon().name("jmswk-controller-output-" + app.id()).start(job::readOutput);
    return job;
  }

  private String who() {
    return "[" + app.id() + " " + app.name() + "]";
  }

  /** The launcher's lines: the job's id, its end; the job's own output stays in its directory. */
  private void readOutput() {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        Matcher m = ANNOUNCED.matcher(line);
        if (m.matches() && !jobDir.isDone()) jobDir.complete(JobRunner.jobsRoot().resolve(m.group(1)));
        if (line.startsWith("[jmswk]") || line.startsWith("jmswk ")) log.println(who() + " " + line);
      }
    } catch (IOException e) {
      log.println(who() + " cannot read the job's output: " + e.getMessage());
    }
    if (!jobDir.isDone()) jobDir.completeExceptionally(new IOException("the job ended before it was announced"));
  }

  /**
   * Waits (up to {@code bound}) for the job's control endpoint, connects, and turns monitoring on
   * ({@code 4:on[:MS]}); the samples and replies are printed as they come. False (with the reason
   * on the log) when the job cannot be reached.
   */
  boolean connect(Duration bound, Long intervalMs) {
    long deadline = System.nanoTime() + bound.toNanos();
    try {
      Path dir = jobDir.get(bound.toMillis(), TimeUnit.MILLISECONDS);
      Path address = dir.resolve(org.jmswk.control.ControlEndpoint.ADDRESS_FILE);
      while (!Files.exists(address)) {
        if (!process.isAlive()) throw new IOException("the job ended before it opened its control endpoint");
        if (System.nanoTime() > deadline) {
          throw new IOException("no control endpoint within " + bound.toSeconds() + " s (" + address + ")");
        }
        Thread.sleep(50);
      }
      client = ControlClient.connect(ControlClient.address(dir), JobSecret.read(dir.resolve(JobSecret.FILE_NAME)),
          Duration.ofSeconds(30));
      Thread.ofPlatform().daemon().name("jmswk-controller-replies-" + app.id()).start(this::readReplies);
      send(intervalMs == null ? "4:on" : "4:on:" + intervalMs);
      log.println(who() + " job " + dir.getFileName() + ": connected, monitoring on");
      return true;
    } catch (Exception e) {
      Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
      log.println(who() + " cannot reach the job: " + (cause instanceof java.util.concurrent.TimeoutException
          ? "not announced within " + bound.toSeconds() + " s" : cause.getMessage()));
      return false;
    }
  }

  /** Forwards one command line (already checked); false when the job cannot be reached any more. */
  boolean send(String command) {
    ControlClient c = client;
    if (c == null) return false;
    synchronized (sending) {
      try {
        c.send(command);
        return true;
      } catch (IOException e) {
        return false;
      }
    }
  }

  private void readReplies() {
    try {
      while (true) {
        JsonNode r = client.next(Duration.ZERO);
        if (r == null) break;
        if (lines) printLines(r);
        else out.println(labelled(r));
        out.flush();
      }
    } catch (IOException e) {
      // the job ended: its end is reported from the launcher's output
    }
    client = null;
  }

  /** As {@code jmswk ctl} prints them (a sample on one line), each line after the application's id and name. */
  private void printLines(JsonNode r) {
    if (r.path("type").asText().equals("monitor")) {
      out.println(who() + " " + org.jmswk.launcher.CtlText.monitorLine(r));
      return;
    }
    java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream();
    org.jmswk.launcher.CtlText.print(r, new PrintStream(text, true, StandardCharsets.UTF_8));
    text.toString(StandardCharsets.UTF_8).lines().forEach(l -> out.println(who() + " " + l));
  }

  /** The line with the application's id and name first. */
  private JsonNode labelled(JsonNode r) {
    if (!(r instanceof ObjectNode o)) return r;
    ObjectNode l = o.objectNode();
    l.put("app", app.id());
    l.put("app_name", app.name());
    l.setAll(o);
    return l;
  }

  boolean running() {
    return process.isAlive();
  }

  /** Waits for the job to end; its exit status (the launcher's, which is the job's). */
  int await() throws InterruptedException {
    return process.waitFor();
  }

  /** Ends the job's launcher (and with it the job) if it still runs, bounded. */
  void stop() throws InterruptedException {
    if (!process.isAlive()) return;
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) process.destroyForcibly();
  }

}
