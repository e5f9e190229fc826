package org.jmswk.launcher;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs an argument vector (never a shell string) with a bounded wait. On timeout the whole
 * process tree is killed, so an mpirun and everything it started end together.
 */
public final class BoundedProcess {
  /** What a finished (or killed) run left. */
  public record Result(int exitCode, boolean timedOut, List<String> lines, Duration elapsed) {
    public String output() {
      return String.join(System.lineSeparator(), lines);
    }
  }

  private BoundedProcess() {}

  /**
   * Starts {@code command}, merges stderr into stdout, hands each line to {@code onLine} as it
   * arrives, and waits at most {@code limit}.
   */
  public static Result run(List<String> command, Map<String, String> env, java.nio.file.Path dir,
                           Duration limit, Consumer<String> onLine) throws IOException {
    return run(command, env, dir, limit, onLine, null);
  }

  /**
   * As above; with {@code onErrLine} set, stderr is read apart from stdout and each of its lines
   * goes there instead (both still end up in {@link Result#lines()}, in about the order they came).
   */
  public static Result run(List<String> command, Map<String, String> env, java.nio.file.Path dir,
                           Duration limit, Consumer<String> onLine, Consumer<String> onErrLine) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(onErrLine == null);
    if (dir != null) pb.directory(dir.toFile());
    if (env != null) pb.environment().putAll(env);
    long start = System.nanoTime();
    Process p = pb.start();
    p.getOutputStream().close();
    List<String> lines = Collections.synchronizedList(new ArrayList<>());
    Thread reader = read(p.getInputStream(), lines, onLine);
    Thread errReader = onErrLine == null ? null : read(p.getErrorStream(), lines, onErrLine);
    boolean finished;
    try {
      finished = p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      finished = false;
    }
    if (!finished) killTree(p.toHandle());
    try {
      p.waitFor(10, TimeUnit.SECONDS);
      reader.join(Duration.ofSeconds(5));
      if (errReader != null) errReader.join(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    int code = p.isAlive() ? -1 : p.exitValue();
    return new Result(code, !finished, List.copyOf(lines), Duration.ofNanos(System.nanoTime() - start));
  }

  private static Thread read(java.io.InputStream stream, List<String> lines, Consumer<String> onLine) {
    return Thread.ofVirtual().start(() -> {
      try (var in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          lines.add(line);
          if (onLine != null) onLine.accept(line);
        }
      } catch (IOException ignored) {
        // the process ended or was killed: what was read is kept
      }
    });
  }

  /** Kills a process and all its descendants, children first. */
  public static void killTree(ProcessHandle root) {
    root.descendants().forEach(ProcessHandle::destroyForcibly);
    root.destroyForcibly();
  }
}
