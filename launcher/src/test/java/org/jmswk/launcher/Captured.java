package org.jmswk.launcher;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * Runs the jmswk command in this JVM with standard output and error captured (both into one
 * buffer, in order), as a user would see them.
 */
public final class Captured implements AutoCloseable {
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
  private final PrintStream stdout = System.out;
  private final PrintStream stderr = System.err;

  private Captured() {
    PrintStream both = new PrintStream(buffer, true, StandardCharsets.UTF_8);
    System.setOut(both);
    System.setErr(both);
  }

  /** What a finished command printed and returned. */
  public record Run(int exitCode, String output) {}

  /** Runs {@code jmswk args...} to the end. */
  public static Run run(String... args) {
    try (Captured c = new Captured()) {
      int code = Jmswk.commandLine().execute(args);
      return new Run(code, c.output());
    }
  }

  /** Starts {@code jmswk args...} in the background; output is captured until {@link #close()}. */
  public static Captured start(String... args) {
    Captured c = new Captured();
    c.job = CompletableFuture.supplyAsync(() -> Jmswk.commandLine().execute(args));
    return c;
  }

  private CompletableFuture<Integer> job;

  /** The command started by {@link #start}. */
  public CompletableFuture<Integer> job() {
    return job;
  }

  /** Everything printed so far. */
  public String output() {
    return buffer.toString(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    System.setOut(stdout);
    System.setErr(stderr);
  }
}
