package org.jmswk.launcher.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.jmswk.executor.ExecutorWorker;

/**
 * Simulated workers for {@code jmswk bench farm --scale}: N virtual threads in this one JVM, each
 * a worker speaking the executor's protocol to the master over loopback TCP, echoing its tasks.
 * Ends when every worker has been stopped (or lost its master), and after LIMIT_S at the latest.
 *
 * <p>Arguments: N FIRST_ID PROPERTY=VALUE... (the master's worker properties, without the id)
 */
public final class FarmSimulator {
  static final long LIMIT_S = 900;

  private FarmSimulator() {}

  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args[0]);
    Map<String, String> base = new HashMap<>();
    for (int i = 1; i < args.length; i++) {
      int eq = args[i].indexOf('=');
      base.put(args[i].substring(0, eq), args[i].substring(eq + 1));
    }
    AtomicInteger failed = new AtomicInteger();
    java.util.concurrent.Semaphore connecting = new java.util.concurrent.Semaphore(64);
    List<Thread> workers = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Map<String, String> props = new HashMap<>(base);
      props.put("jmswk.executor.worker", Integer.toString(i));
      workers.add(Thread.ofVirtual().start(() -> {
        try {
          ExecutorWorker.simulate(props, input -> input, connecting);
        } catch (Exception e) {
          if (failed.incrementAndGet() <= 3) System.err.println("simulated worker: " + e);
        }
      }));
    }
    long deadline = System.nanoTime() + LIMIT_S * 1_000_000_000L;
    for (Thread t : workers) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || !t.join(java.time.Duration.ofNanos(left))) break;
    }
    System.out.println("SIMULATED " + n + " failed=" + failed.get());
    System.exit(failed.get() == 0 ? 0 : 1);
  }
}
