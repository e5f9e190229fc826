package org.jmswk.launcher.bench;

import org.jmswk.executor.Codec;
import org.jmswk.executor.ExecutorWorker;

/** Worker of {@code jmswk bench elastic}: a task is a number of microseconds to sleep (a task of known length, little CPU). */
public final class ElasticBenchWorker {
  private ElasticBenchWorker() {}

  public static void main(String[] args) {
    ExecutorWorker.serve(input -> {
      long us = Codec.LONG.decode(input);
      Thread.sleep(us / 1000, (int) (us % 1000) * 1000);
      return input;
    });
  }
}
