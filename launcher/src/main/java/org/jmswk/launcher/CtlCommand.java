package org.jmswk.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.jmswk.agent.JobSecret;
import org.jmswk.control.CommandParser;
import org.jmswk.control.CommandRefusedException;
import org.jmswk.control.ControlClient;
import org.jmswk.launcher.job.JobRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jmswk ctl JOB COMMAND}: sends a control command to a running job and prints the replies. */
@Command(name = "ctl", mixinStandardHelpOptions = true,
    description = {"Grow, shrink, monitor, question or end a running job.", "",
        "Sends COMMAND to the control endpoint of job JOB (its id, or its directory) and prints the",
        "replies. Every --mswk job whose master runs a FarmExecutor has one; the connection proves the",
        "job's secret ($JOB_DIR/secret), so only its owner can steer it. COMMAND in the malleable-MPI",
        "runtime's syntax, or the same as JSON:",
        "  6:node1:2:node2:1   start 2 workers on node1 and 1 on node2 (done when they serve tasks)",
        "  6:node1:-1          drain and stop 1 worker on node1 (it finishes its tasks first)",
        "  3                   the job's statistics      5   end the job cleanly (waiting tasks fail)",
        "  4:on[:MS] / 4:off   monitoring (see watch)    2   load balance now",
        "  8:rank:core[:...]   pin worker RANK to CPU core CORE (workers on the master's host, Linux)",
        "  watch               follow the monitoring stream (one line per interval) until interrupted",
        "                      or --count; status 1 if the job is silent for 3 intervals + 10 s",
        "",
        "Exit status: 0 done, 1 failed (the reply's reason on stderr), 2 bad command line,",
        "3 busy (another grow or shrink is under way), 4 the job cannot be reached or refused us."})
public final class CtlCommand implements Callable<Integer> {
  static final int EXIT_BUSY = 3;
  static final int EXIT_UNREACHABLE = 4;

  @Parameters(index = "0", paramLabel = "JOB", description = "The job's id (as jmswk stat lists it) or its directory.")
  String job;

  @Parameters(index = "1", paramLabel = "COMMAND", description = "The command (see above), or watch.")
  String command;

  @Option(names = "--json", description = "Print every reply as it comes, one JSON object a line.")
  boolean json;

  @Option(names = "--format", paramLabel = "FORMAT", description = {"watch: json (default: newline-delimited JSON)",
      "or line (one plain line per interval: time, tasks done, compute s, communication s, I/O s, pool size,",
      "tasks queued, failures)."})
  String format = "json";

  @Option(names = "--interval", paramLabel = "MS", description = "watch: the monitoring interval (default: the job's, 1000 ms).")
  Long intervalMs;

  @Option(names = "--count", paramLabel = "N", description = "watch: stop after N intervals (default: until interrupted).")
  Long count;

  @Option(names = "--timeout", paramLabel = "SECONDS", description = "How long to wait for the job's reply (default 120;"
      + " a grow may take its deadline, JMSWK_CONTROL_GROW_TIMEOUT_S, plus a drain).")
  long timeoutSeconds = 120;

  @Override
  public Integer call() throws IOException {
    boolean watch = command.equals("watch");
    if (!format.equals("json") && !format.equals("line")) throw new IllegalArgumentException("--format is json or line, not '" + format + "'");
    if (timeoutSeconds < 1) throw new IllegalArgumentException("--timeout must be at least 1 s, not " + timeoutSeconds);
    if (count != null && count < 1) throw new IllegalArgumentException("--count must be at least 1, not " + count);
    String line = watch ? "4:on" + (intervalMs == null ? "" : ":" + intervalMs) : command;
    try {
      CommandParser.parse(line); // refused here with the endpoint's own words, before connecting
    } catch (CommandRefusedException e) {
      throw new IllegalArgumentException(e.getMessage());
    }
    Path dir = jobDir();
    ControlClient client;
    try {
      client = ControlClient.connect(ControlClient.address(dir), JobSecret.read(dir.resolve(JobSecret.FILE_NAME)),
          Duration.ofSeconds(Math.min(timeoutSeconds, 30)));
    } catch (IOException | RuntimeException e) {
      System.err.println("jmswk ctl: cannot reach job " + job + ": " + e.getMessage());
      return EXIT_UNREACHABLE;
    }
    try (client) {
      client.send(line);
      return watch ? watch(client) : replies(client);
    } catch (java.net.SocketTimeoutException e) {
      System.err.println("jmswk ctl: no reply from job " + job + " within " + timeoutSeconds + " s");
      return 1;
    }
  }

  private Path jobDir() {
    Path dir = job.matches("\\d{1,9}") ? JobRunner.jobsRoot().resolve(job) : Path.of(job);
    if (!Files.isDirectory(dir)) throw new IllegalArgumentException("no job " + job + " (no directory " + dir + ")");
    return dir;
  }

  /** Prints the replies to the one request sent until its final state; the exit status follows that state. */
  private int replies(ControlClient client) throws IOException {
    while (true) {
      JsonNode r = client.next(Duration.ofSeconds(timeoutSeconds));
      if (r == null) {
        System.err.println("jmswk ctl: job " + job + " closed the connection before the final reply (the job ended?)");
        return 1;
      }
      if (!r.path("type").asText().equals("reply")) continue;
      String state = r.path("state").asText();
      if (json) System.out.println(r);
      else CtlText.print(r, state.equals("failed") || state.equals("busy") ? System.err : System.out);
      if (!ControlClient.isFinal(r)) continue;
      return switch (state) {
        case "done" -> 0;
        case "busy" -> EXIT_BUSY;
        default -> 1;
      };
    }
  }

  /**
   * The monitoring stream, one line per interval, until --count intervals or the job ends; a job
   * silent for three intervals and 10 s more (its host gone, cut off) ends the watch with status 1.
   */
  private int watch(ControlClient client) throws IOException {
    long seen = 0;
    Duration bound = Duration.ofSeconds(timeoutSeconds);
    while (true) {
      JsonNode r;
      try {
        r = client.next(bound);
      } catch (java.net.SocketTimeoutException silent) {
        System.err.println("jmswk ctl: no monitoring sample from job " + job + " within " + bound.toSeconds() + " s");
        return 1;
      }
      if (r == null) {
        System.err.println("jmswk ctl: job " + job + " ended the monitoring stream (the job ended?)");
        return seen > 0 ? 0 : 1;
      }
      if (r.path("type").asText().equals("reply")) {
        if (r.path("state").asText().equals("failed")) {
          CtlText.print(r, System.err);
          return 1;
        }
        bound = Duration.ofMillis(3 * r.path("interval_ms").asLong(1000) + 10_000);
        continue;
      }
      PrintStream out = System.out;
      out.println(format.equals("line") ? CtlText.monitorLine(r) : r.toString());
      out.flush();
      if (count != null && ++seen >= count) return 0;
    }
  }
}
