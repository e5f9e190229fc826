package org.jmswk.launcher.cluster;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The docker CLI, driven with argument vectors (never a shell string) and a deadline on every
 * call. The CLI rather than a Java client library: it is the one interface every engine here
 * speaks (the preinstalled 28.x CLI against Debian's 20.10 engine), it is what the harness
 * shares with {@code ci/cluster-setup} and with a user debugging by hand, and it adds nothing
 * to the shaded jar.
 *
 * <p>The executable is {@code $JMSWK_DOCKER} when set, else the first {@code docker} on PATH.
 */
public final class Docker {
  private final String executable;

  private Docker(String executable) {
    this.executable = executable;
  }

  /** The docker CLI found on this machine, if any (does not check the engine). */
  public static Optional<Docker> find() {
    String configured = System.getenv("JMSWK_DOCKER");
    if (configured != null && !configured.isBlank()) {
      return Files.isExecutable(Path.of(configured)) ? Optional.of(new Docker(configured)) : Optional.empty();
    }
    String path = System.getenv("PATH");
    if (path == null) return Optional.empty();
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) continue;
      Path candidate = Path.of(dir, "docker");
      if (Files.isExecutable(candidate)) return Optional.of(new Docker(candidate.toString()));
    }
    return Optional.empty();
  }

  /**
   * Why the engine cannot be used, or empty when it answers: no CLI, or {@code docker info}
   * failing or not answering within 15 s.
   */
  public static Optional<String> unavailableReason() {
    Optional<Docker> docker = find();
    if (docker.isEmpty()) {
      String configured = System.getenv("JMSWK_DOCKER");
      return Optional.of(configured != null && !configured.isBlank()
          ? "JMSWK_DOCKER=" + configured + " is not an executable"
          : "no docker CLI on PATH; run ci/cluster-setup to install a Docker engine");
    }
    try {
      ExecResult info = docker.get().run(Duration.ofSeconds(15), "info", "--format", "{{.ServerVersion}}");
      if (!info.ok()) {
        return Optional.of("the Docker engine does not answer (docker info: " + info.output().strip()
            + "); run ci/cluster-setup to install and start it");
      }
    } catch (ClusterException e) {
      return Optional.of(e.getMessage());
    }
    return Optional.empty();
  }

  public String executable() {
    return executable;
  }

  /** {@code docker ARGS...}, output captured, killed (client side) after {@code timeout}. */
  public ExecResult run(Duration timeout, String... args) {
    return run(timeout, null, null, List.of(args));
  }

  /**
   * {@code docker ARGS...} with optional standard input and an optional live echo of its output
   * (each stream copied as it arrives, besides being captured). When the deadline passes, the
   * client process is killed and the result has exit code {@link ExecResult#TIMED_OUT}: note
   * that this does not stop what the client started inside a container (use {@code timeout}
   * there, as {@link Cluster} does).
   */
  public ExecResult run(Duration timeout, byte[] stdin, PrintStream echo, List<String> args) {
    List<String> argv = new ArrayList<>(args.size() + 1);
    argv.add(executable);
    argv.addAll(args);
    long start = System.nanoTime();
    Process process;
    try {
      ProcessBuilder builder = new ProcessBuilder(argv);
      if (stdin == null) builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      process = builder.start();
    } catch (IOException e) {
      throw new ClusterException("cannot run " + executable + ": " + e.getMessage(), e);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Thread outReader = Thread.ofVirtual().start(() -> pump(process.getInputStream(), out, echo));
    Thread errReader = Thread.ofVirtual().start(() -> pump(process.getErrorStream(), err, echo == null ? null : System.err));
    if (stdin != null) {
      try (OutputStream in = process.getOutputStream()) {
        in.write(stdin);
      } catch (IOException e) {
        // the command did not read its input; its exit code tells the rest
      }
    }
    boolean finished;
    try {
      finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!finished) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
      outReader.join(Duration.ofSeconds(5));
      errReader.join(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new ClusterException("interrupted while running docker " + String.join(" ", args), e);
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    String stdout;
    String stderr;
    synchronized (out) {
      stdout = out.toString(StandardCharsets.UTF_8);
    }
    synchronized (err) {
      stderr = err.toString(StandardCharsets.UTF_8);
    }
    if (!finished) {
      return new ExecResult(ExecResult.TIMED_OUT, stdout,
          stderr + "docker " + String.join(" ", args) + ": no answer within " + timeout.toSeconds() + " s\n", elapsed);
    }
    return new ExecResult(process.exitValue(), stdout, stderr, elapsed);
  }

  private static void pump(InputStream in, ByteArrayOutputStream sink, PrintStream echo) {
    byte[] buffer = new byte[8192];
    try (in) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        synchronized (sink) {
          sink.write(buffer, 0, n);
        }
        if (echo != null) {
          echo.write(buffer, 0, n);
          echo.flush();
        }
      }
    } catch (IOException e) {
      // stream closed when the process was killed
    }
  }
}
