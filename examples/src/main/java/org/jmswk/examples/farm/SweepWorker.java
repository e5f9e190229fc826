package org.jmswk.examples.farm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.jmswk.executor.Codec;
import org.jmswk.executor.ExecutorWorker;

/** The worker of the sweep: evaluates f(x) = integral of sin(x t) for t in [0, 1], numerically. */
public final class SweepWorker {
  private SweepWorker() {}

  /** A point x as text, the same codec on both sides. */
  static final Codec<Double> DOUBLE = new Codec<>() {
    public byte[] encode(Double value) {
      return Double.toString(value).getBytes(StandardCharsets.UTF_8);
    }

    public Double decode(byte[] bytes) {
      return Double.parseDouble(new String(bytes, StandardCharsets.UTF_8));
    }
  };

  public static void main(String[] args) {
    // JMSWK_TASK_SECONDS: make every task last at least that long (to watch failures mid-job).
    double pace = Double.parseDouble(System.getenv().getOrDefault("JMSWK_TASK_SECONDS", "0"));
    // JMSWK_SWEEP_LOG: a file that gets one line per point evaluated (to count executions).
    String executions = System.getenv("JMSWK_SWEEP_LOG");
    ExecutorWorker.serve(input -> {
      long until = System.nanoTime() + (long) (pace * 1e9);
      double x = DOUBLE.decode(input);
      int n = 2_000_000;
      double sum = 0;
      for (int i = 0; i < n; i++) sum += Math.sin(x * (i + 0.5) / n);
      while (System.nanoTime() < until) Thread.sleep(Math.max(1, (until - System.nanoTime()) / 1_000_000));
      if (executions != null) logExecution(Path.of(executions), x);
      return Codec.UTF8.encode(String.format("%.9f", sum / n));
    });
  }

  /** One line "x=X" appended (a single short write: lines of several workers do not mix). */
  private static void logExecution(Path file, double x) throws IOException {
    Files.writeString(file, "x=" + x + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND,
        StandardOpenOption.WRITE);
  }
}
