package org.jmswk.launcher.bench;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jmswk.executor.ExecutorOptions;
import org.jmswk.executor.FarmExecutor;
import org.jmswk.launcher.Installation;

/**
 * The scale mode of {@code jmswk bench farm}: the real master (in this JVM) against simulated
 * workers ({@link FarmSimulator}, another JVM, loopback TCP). Master CPU (this process's CPU
 * time) per dispatched task at several task counts, and master heap per queued task (tasks queued
 * with no worker connected, heap after GC, minus their payload arrays).
 */
final class FarmScale {
  private FarmScale() {}

  static Map<String, Object> run(int workers, List<Integer> counts, int queued) throws Exception {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("simulated_workers", workers);
    out.put("heap_bytes_per_queued_task", heapPerQueuedTask(queued));
    out.put("queued_tasks", queued);
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    // heartbeats of 10^4 workers every 5 s, not every 0.5 s: the machine has 2 cores for both JVMs
    ExecutorOptions options = ExecutorOptions.external(workers).withTransport("tcp").withLiveness(Duration.ofSeconds(20));
    try (FarmExecutor e = FarmExecutor.start(options)) {
      List<String> cmd = new ArrayList<>(List.of(Installation.java(), "-Xss256k", "-cp",
          Installation.jar().map(java.nio.file.Path::toString).orElse(System.getProperty("java.class.path")),
          FarmSimulator.class.getName(), Integer.toString(workers)));
      e.workerProperties(0).forEach((k, v) -> {
        if (!k.equals("jmswk.executor.worker")) cmd.add(k + "=" + (k.equals("jmswk.executor.host") ? "simulated" : v));
      });
      Process sim = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      try {
        if (!e.awaitWorkers(workers, Duration.ofSeconds(300))) {
          throw new IllegalStateException("only " + e.workers().size() + " of " + workers + " simulated workers connected");
        }
        byte[] payload = new byte[8];
        dispatch(e, payload, 20_000); // warm-up
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int n : counts) {
          long cpu0 = os.getProcessCpuTime();
          long t0 = System.nanoTime();
          dispatch(e, payload, n);
          long cpu = os.getProcessCpuTime() - cpu0;
          Map<String, Object> row = new LinkedHashMap<>();
          row.put("tasks", n);
          row.put("master_cpu_ns_per_task", cpu / (double) n);
          row.put("tasks_per_s", n / ((System.nanoTime() - t0) / 1e9));
          rows.add(row);
        }
        out.put("rows", rows);
      } finally {
        e.close();
        if (!sim.waitFor(60, TimeUnit.SECONDS)) sim.destroyForcibly();
      }
    }
    return out;
  }

  /** Submits n tasks at once (one future each) and waits for them all. */
  private static void dispatch(FarmExecutor e, byte[] payload, int n) throws Exception {
    List<CompletableFuture<byte[]>> fs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) fs.add(e.submit(payload));
    for (CompletableFuture<byte[]> f : fs) f.get(600, TimeUnit.SECONDS);
  }

  /** Heap per task held in the queue (no worker connected), beyond its own payload array. */
  private static double heapPerQueuedTask(int n) throws Exception {
    try (FarmExecutor e = FarmExecutor.start(ExecutorOptions.external(1).withTransport("tcp"))) {
      byte[][] payloads = new byte[n][];
      for (int i = 0; i < n; i++) payloads[i] = new byte[8];
      List<CompletableFuture<byte[]>> fs = new ArrayList<>(n);
      long before = usedAfterGc();
      for (int i = 0; i < n; i++) fs.add(e.submit(payloads[i]));
      long after = usedAfterGc();
      // the futures list is the caller's, not the master's: 4-8 bytes a reference
      double perTask = (after - before) / (double) n;
      for (CompletableFuture<byte[]> f : fs) f.cancel(false);
      e.shutdown();
      return perTask;
    }
  }

  private static long usedAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    Runtime r = Runtime.getRuntime();
    return r.totalMemory() - r.freeMemory();
  }
}
