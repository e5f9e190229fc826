package org.jmswk.launcher.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jmswk.executor.Codec;
import org.jmswk.executor.ExecutorOptions;
import org.jmswk.executor.FarmExecutor;
import org.jmswk.executor.MapResult;
import org.jmswk.mpi.MPI;

/**
 * The executor's side of {@code jmswk bench farm}, one master under mpirun with WORKERS spawned
 * workers. Prints "FIGURE name value" lines: submit and map tasks/s for tiny tasks (x -> x*x),
 * payload tasks/s (echo), and the time from a worker's SIGKILL to its task running again.
 *
 * <p>Arguments: WORKERS SUBMIT_TASKS MAP_TASKS PAYLOAD_TASKS_64K PAYLOAD_TASKS_1M KILL(0|1) TMPDIR
 */
public final class FarmBenchProgram {
  private FarmBenchProgram() {}

  public static void main(String[] args) throws Exception {
    int workers = Integer.parseInt(args[0]);
    int submitTasks = Integer.parseInt(args[1]);
    int mapTasks = Integer.parseInt(args[2]);
    int tasks64k = Integer.parseInt(args[3]);
    int tasks1m = Integer.parseInt(args[4]);
    boolean kill = args[5].equals("1");
    Path tmp = Path.of(args[6]);
    MPI.init();
    try (FarmExecutor e = FarmExecutor.start(ExecutorOptions.of(FarmBenchWorker.class, workers))) {
      if (!e.awaitWorkers(workers, java.time.Duration.ofSeconds(120))) throw new IllegalStateException("workers did not start");
      // warm-up past the JIT, both paths
      for (int i = 0; i < 3; i++) {
        submitRate(e, 20_000);
        mapRate(e, 100_000);
      }
      System.out.printf("FIGURE submit %.1f%n", submitRate(e, submitTasks));
      System.out.printf("FIGURE map %.1f%n", mapRate(e, mapTasks));
      if (tasks64k > 0) {
        payloadRate(e, 64 << 10, Math.max(1, tasks64k / 4));
        System.out.printf("FIGURE payload-65536 %.1f%n", payloadRate(e, 64 << 10, tasks64k));
      }
      if (tasks1m > 0) {
        payloadRate(e, 1 << 20, Math.max(1, tasks1m / 4));
        System.out.printf("FIGURE payload-1048576 %.1f%n", payloadRate(e, 1 << 20, tasks1m));
      }
      if (kill) System.out.printf("FIGURE kill-rerun-ms %d%n", killToRerun(e, tmp));
    }
    MPI.statusIfShutdownStuck(0);
    MPI.finish();
    System.exit(0);
  }

  /** Tasks/s for n tiny tasks, one future each, all submitted at once. */
  static double submitRate(FarmExecutor e, int n) throws Exception {
    long t0 = System.nanoTime();
    List<CompletableFuture<Long>> fs = new ArrayList<>(n);
    for (long i = 0; i < n; i++) fs.add(e.submit(i, Codec.LONG, Codec.LONG));
    for (int i = 0; i < n; i++) {
      long v = fs.get(i).get(300, TimeUnit.SECONDS);
      if (v != (long) i * i) throw new IllegalStateException("wrong result for " + i + ": " + v);
    }
    return n / ((System.nanoTime() - t0) / 1e9);
  }

  /** Tasks/s for n tiny tasks through map (the executor's own chunking). */
  static double mapRate(FarmExecutor e, int n) {
    List<Long> xs = new ArrayList<>(n);
    for (long i = 0; i < n; i++) xs.add(i);
    long t0 = System.nanoTime();
    MapResult<Long> r = e.map(xs, Codec.LONG, Codec.LONG);
    long i = 0;
    for (long v : r) {
      if (v != i * i) throw new IllegalStateException("wrong result for " + i + ": " + v);
      i++;
    }
    return n / ((System.nanoTime() - t0) / 1e9);
  }

  /** Tasks/s for n echo tasks of {@code bytes} each. */
  static double payloadRate(FarmExecutor e, int bytes, int n) throws Exception {
    byte[] payload = new byte[bytes];
    for (int i = 0; i < bytes; i++) payload[i] = (byte) (i * 31);
    long t0 = System.nanoTime();
    List<CompletableFuture<byte[]>> fs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) fs.add(e.submit(payload));
    for (CompletableFuture<byte[]> f : fs) {
      if (f.get(300, TimeUnit.SECONDS).length != bytes) throw new IllegalStateException("short echo");
    }
    return n / ((System.nanoTime() - t0) / 1e9);
  }

  /** Milliseconds from the SIGKILL of the worker running a task to that task starting on another. */
  static long killToRerun(FarmExecutor e, Path tmp) throws Exception {
    Path marker = Files.createTempFile(tmp, "rerun", ".pid");
    Files.delete(marker);
    CompletableFuture<Long> f = e.submit("rerun:" + marker, Codec.UTF8, Codec.LONG);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.exists(marker) || Files.readString(marker).isBlank()) {
      if (System.nanoTime() > deadline) throw new IllegalStateException("the probe task did not start");
      Thread.sleep(2);
    }
    long pid = Long.parseLong(Files.readString(marker).strip());
    long killedAt = System.currentTimeMillis();
    new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor();
    long rerunAt = f.get(60, TimeUnit.SECONDS);
    Files.deleteIfExists(marker);
    return rerunAt - killedAt;
  }
}
