package org.jmswk.launcher.bench;

import org.jmswk.executor.Codec;
import org.jmswk.executor.ExecutorWorker;

/** Worker of {@code jmswk bench journal}: a long x in, x*x out, after ARGS[0] microseconds of busy work. */
public final class JournalBenchWorker {
  private JournalBenchWorker() {}

  public static void main(String[] args) {
    long workNanos = args.length > 0 ? Long.parseLong(args[0]) * 1000 : 0;
    ExecutorWorker.serve(input -> {
      long until = System.nanoTime() + workNanos;
      while (System.nanoTime() < until) Thread.onSpinWait();
      long x = Codec.LONG.decode(input);
      return Codec.LONG.encode(x * x);
    });
  }
}
