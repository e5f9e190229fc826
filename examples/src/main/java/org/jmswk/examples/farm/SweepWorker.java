package org.jmswk.examples.farm;

import java.nio.charset.StandardCharsets;
import org.jmswk.farm.TaskWorker;

/** The worker of the sweep: evaluates f(x) = integral of sin(x t) for t in [0, 1], numerically. */
public final class SweepWorker {
  private SweepWorker() {}

  public static void main(String[] args) {
    // JMSWK_TASK_SECONDS: make every task last at least that long (to watch failures mid-job).
    double pace = Double.parseDouble(System.getenv().getOrDefault("JMSWK_TASK_SECONDS", "0"));
    TaskWorker.serve(input -> {
      long until = System.nanoTime() + (long) (pace * 1e9);
      double x = Double.parseDouble(new String(input, StandardCharsets.UTF_8));
      int n = 2_000_000;
      double sum = 0;
      for (int i = 0; i < n; i++) sum += Math.sin(x * (i + 0.5) / n);
      while (System.nanoTime() < until) {
        try {
          Thread.sleep(Math.max(1, (until - System.nanoTime()) / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      return String.format("%.9f", sum / n).getBytes(StandardCharsets.UTF_8);
    });
  }
}
