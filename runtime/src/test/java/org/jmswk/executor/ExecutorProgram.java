package org.jmswk.executor;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jmswk.mpi.MPI;

/**
 * Master for the executor fault tests, run under mpirun --enable-recovery (one process; the
 * workers are spawned). Prints "RESULT ..." lines the test asserts on. The workers log every
 * execution to LOG (one line per run) so runs can be counted.
 *
 * <p>Modes: kills TASKS WORKERS KILLS LOG | cancel LOG | throw | crash-limit LOG | sigstop LOG
 */
public final class ExecutorProgram {
  private ExecutorProgram() {}

  /** Counts every outcome offered for delivery, per element id: each must be seen exactly once. */
  static final class Deliveries implements ExecutorListener {
    final Map<Long, Integer> seen = new ConcurrentHashMap<>();
    final List<ExecutorEvent> events = java.util.Collections.synchronizedList(new ArrayList<>());
    final boolean taskEvents;

    Deliveries(boolean taskEvents) {
      this.taskEvents = taskEvents;
    }

    @Override
    public boolean wantsOutcomes() {
      return true;
    }

    @Override
    public boolean taskEvents() {
      return taskEvents;
    }

    @Override
    public void beforeDelivery(List<Outcome> outcomes) {
      for (Outcome o : outcomes) seen.merge(o.elementId(), 1, Integer::sum);
    }

    @Override
    public void event(ExecutorEvent e) {
      if (!e.kind().startsWith("task-started") && !e.kind().equals("task-done")) {
        System.out.println("EVENT " + e.kind() + " worker=" + e.worker() + " task=" + e.task() + " " + e.detail());
      }
      events.add(e);
    }

    long doubled() {
      return seen.values().stream().filter(n -> n > 1).count();
    }

    long count(String kind) {
      synchronized (events) {
        return events.stream().filter(e -> e.kind().equals(kind)).count();
      }
    }
  }

  public static void main(String[] args) throws Exception {
    MPI.init();
    switch (args[0]) {
      case "kills" -> kills(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]), Path.of(args[4]));
      case "cancel" -> cancel(Path.of(args[1]));
      case "throw" -> throwing();
      case "crash-limit" -> crashLimit(Path.of(args[1]));
      case "sigstop" -> sigstop(Path.of(args[1]));
      default -> throw new IllegalArgumentException(args[0]);
    }
    MPI.statusIfShutdownStuck(0);
    MPI.finish();
    System.out.println("RESULT master finalized");
    System.exit(0);
  }

  private static ExecutorOptions options(int workers, Path log, ExecutorListener l) {
    ExecutorOptions o = ExecutorOptions.of(ExecutorTestWorker.class, workers).withListener(l);
    return log == null ? o : o;
  }

  static void signal(String sig, long pid) {
    try {
      new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).start().waitFor(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Executions per task text, from the workers' log. */
  static Map<String, Integer> runs(Path log) throws java.io.IOException {
    Map<String, Integer> runs = new HashMap<>();
    if (!Files.exists(log)) return runs;
    for (String line : Files.readAllLines(log)) {
      if (!line.isBlank()) runs.merge(line.substring(0, line.lastIndexOf(' ')), 1, Integer::sum);
    }
    return runs;
  }

  /** TASKS tasks on WORKERS workers while KILLS random workers are SIGKILLed during the run. */
  static void kills(int n, int workers, int kills, Path log) throws Exception {
    Deliveries d = new Deliveries(false);
    try (FarmExecutor e = FarmExecutor.start(options(workers, log, d))) {
      List<CompletableFuture<String>> fs = new ArrayList<>();
      AtomicInteger completions = new AtomicInteger();
      for (int i = 0; i < n; i++) {
        CompletableFuture<String> f = e.submit("sleep:1:k" + i, Codec.UTF8, Codec.UTF8);
        f.whenComplete((v, x) -> completions.incrementAndGet());
        fs.add(f);
      }
      Random random = new Random(42);
      int killed = 0;
      while (killed < kills && fs.stream().anyMatch(f -> !f.isDone())) {
        Thread.sleep(400);
        var live = e.workers();
        if (live.isEmpty()) continue;
        signal("KILL", live.get(random.nextInt(live.size())).pid());
        killed++;
      }
      int ok = 0;
      for (int i = 0; i < n; i++) {
        try {
          if (fs.get(i).get(120, TimeUnit.SECONDS).equals("K" + i)) ok++;
        } catch (ExecutionException x) {
          System.out.println("FAILED k" + i + ": " + x.getCause());
        }
      }
      Map<String, Integer> runs = runs(log);
      long missing = 0;
      long rerun = 0;
      for (int i = 0; i < n; i++) {
        int r = runs.getOrDefault("sleep:1:k" + i, 0);
        if (r == 0) missing++;
        if (r > 1) rerun++;
      }
      System.out.printf("RESULT kills tasks=%d ok=%d completions=%d delivered=%d doubled=%d killed=%d lost=%d"
              + " never-run=%d re-run=%d%n", n, ok, completions.get(), d.seen.size(), d.doubled(), killed,
          d.count("worker-lost"), missing, rerun);
    }
  }

  /** Slow tasks on one worker; the last ones are cancelled while they wait: they never run. */
  static void cancel(Path log) throws Exception {
    Deliveries d = new Deliveries(false);
    try (FarmExecutor e = FarmExecutor.start(options(1, log, d).withPrefetch(1))) {
      List<CompletableFuture<String>> fs = new ArrayList<>();
      for (int i = 0; i < 6; i++) fs.add(e.submit("sleep:300:c" + i, Codec.UTF8, Codec.UTF8));
      boolean cancelled = true;
      for (int i = 3; i < 6; i++) cancelled &= fs.get(i).cancel(true);
      int ok = 0;
      for (int i = 0; i < 3; i++) if (fs.get(i).get(60, TimeUnit.SECONDS).equals("C" + i)) ok++;
      e.close();
      Map<String, Integer> runs = runs(log);
      int ranCancelled = 0;
      for (int i = 3; i < 6; i++) ranCancelled += runs.getOrDefault("sleep:300:c" + i, 0);
      System.out.printf("RESULT cancel ok=%d cancelled=%b cancelled-ran=%d%n", ok, cancelled, ranCancelled);
    }
  }

  /** A task that throws comes back as that failure, once, and the worker stays. */
  static void throwing() throws Exception {
    Deliveries d = new Deliveries(false);
    try (FarmExecutor e = FarmExecutor.start(options(2, null, d))) {
      try {
        e.submit("throw:no such point", Codec.UTF8, Codec.UTF8).get(60, TimeUnit.SECONDS);
        System.out.println("RESULT throw completed normally");
      } catch (ExecutionException x) {
        RemoteTaskException r = (RemoteTaskException) x.getCause();
        System.out.printf("RESULT throw class=%s message=%s trace-has-handler=%b%n", r.remoteClass(), r.remoteMessage(),
            r.remoteTrace().contains("ExecutorTestWorker.handle"));
      }
      System.out.println("RESULT throw after=" + e.submit("fine", Codec.UTF8, Codec.UTF8).get(60, TimeUnit.SECONDS)
          + " lost=" + d.count("worker-lost"));
    }
  }

  /** A task that kills its worker every time fails after its crash limit; the pool goes on. */
  static void crashLimit(Path log) throws Exception {
    Deliveries d = new Deliveries(false);
    try (FarmExecutor e = FarmExecutor.start(options(2, log, d).withRetries(3))) {
      CompletableFuture<String> poison = e.submit("die:poison", Codec.UTF8, Codec.UTF8);
      String outcome;
      try {
        outcome = "value " + poison.get(120, TimeUnit.SECONDS);
      } catch (ExecutionException x) {
        outcome = x.getCause().getClass().getSimpleName() + ": " + x.getCause().getMessage();
      }
      String after = e.submit("still-fine", Codec.UTF8, Codec.UTF8).get(120, TimeUnit.SECONDS);
      System.out.printf("RESULT crash-limit runs=%d after=%s%n", runs(log).getOrDefault("die:poison", 0), after);
      System.out.println("RESULT crash-limit outcome=" + outcome);
    }
  }

  /**
   * The worker running a task is SIGSTOPped past the liveness bound: the task is re-run
   * elsewhere; the stopped worker, resumed, finishes its run, but its late result is ignored and
   * it exits.
   */
  static void sigstop(Path log) throws Exception {
    Deliveries d = new Deliveries(true);
    try (FarmExecutor e = FarmExecutor.start(options(2, log, d))) {
      e.awaitWorkers(2, Duration.ofSeconds(60));
      CompletableFuture<String> f = e.submit("sleep:2500:s", Codec.UTF8, Codec.UTF8);
      AtomicInteger completions = new AtomicInteger();
      f.whenComplete((v, x) -> completions.incrementAndGet());
      Thread.sleep(500);
      ExecutorEvent started;
      synchronized (d.events) {
        started = d.events.stream().filter(x -> x.kind().equals("task-started")).findFirst().orElseThrow();
      }
      long pid = e.workers().stream().filter(w -> w.id() == started.worker()).findFirst().orElseThrow().pid();
      signal("STOP", pid);
      String value = f.get(60, TimeUnit.SECONDS); // re-run elsewhere after the liveness verdict
      signal("CONT", pid);
      var h = ProcessHandle.of(pid);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (h.map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) Thread.sleep(50);
      Thread.sleep(300);
      System.out.printf("RESULT sigstop value=%s completions=%d delivered=%d doubled=%d runs=%d resumed-exited=%b lost=%d%n",
          value, completions.get(), d.seen.size(), d.doubled(), runs(log).getOrDefault("sleep:2500:s", 0),
          !h.map(ProcessHandle::isAlive).orElse(false), d.count("worker-lost"));
    }
  }
}
