package org.jmswk.farm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jmswk.mpi.MPI;
import org.jmswk.mpi.Mswk;

/**
 * Master for the farm fault tests; run with mpirun --enable-recovery, one process. Prints
 * "RESULT ..." lines the test asserts on, and "LATENCY case ms" figures.
 *
 * <p>Modes: basic TASKS WORKERS | kill-idle | kill-recv | kill-accept MARKER | master-killed |
 * soak TASKS WORKERS KILL_EVERY.
 */
public final class FarmProgram {
  private FarmProgram() {}

  public static void main(String[] args) throws Exception {
    MPI.init();
    Mswk.start();
    String mode = args[0];
    switch (mode) {
      case "basic" -> basic(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
      case "kill-idle" -> killIdle();
      case "kill-recv" -> killRecv();
      case "kill-accept" -> killAccept(Path.of(args[1]), args.length > 2 ? args[2] : "");
      case "master-killed" -> masterKilled();
      case "soak" -> soak(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
      default -> throw new IllegalArgumentException(mode);
    }
    Mswk.stop();
    MPI.finish();
    System.out.println("RESULT master finalized");
  }

  static List<byte[]> tasks(int n, String prefix) {
    List<byte[]> tasks = new ArrayList<>();
    for (int i = 0; i < n; i++) tasks.add((prefix + i).getBytes(StandardCharsets.UTF_8));
    return tasks;
  }

  static void report(String label, List<TaskResult> results, List<byte[]> tasks) {
    int ok = 0;
    int retried = 0;
    for (TaskResult r : results) {
      if (r.ok() && expected(tasks.get(r.task())).test(new String(r.output(), StandardCharsets.UTF_8))) ok++;
      if (r.attempts() > 1) retried++;
    }
    System.out.printf("RESULT %s tasks=%d ok=%d retried=%d%n", label, results.size(), ok, retried);
  }

  private static java.util.function.Predicate<String> expected(byte[] task) {
    String t = new String(task, StandardCharsets.UTF_8);
    if (t.startsWith("sleep:")) {
      String payload = t.split(":", 3)[2];
      return out -> out.startsWith(payload + "@");
    }
    return out -> out.equals(t.toUpperCase());
  }

  static void kill(long pid) {
    try {
      new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static void basic(int n, int workers) {
    List<String> hosts = new ArrayList<>();
    AtomicLong done = new AtomicLong();
    try (TaskFarm farm = TaskFarm.start(FarmTestWorker.class, new String[0], workers, null, 3,
        e -> { if (e.kind().equals("task-done")) done.incrementAndGet(); })) {
      farm.workers().forEach(w -> hosts.add(w.host()));
      List<byte[]> tasks = tasks(n, "task-");
      report("basic", farm.run(tasks), tasks);
      // a task over the message limit: the whole batch is refused before any of it runs
      long doneBefore = done.get();
      List<byte[]> oversized = new ArrayList<>(tasks(2, "ok-"));
      oversized.add(new byte[Protocol.MAX_BODY + 1]);
      try {
        farm.run(oversized);
        System.out.println("RESULT oversized accepted");
      } catch (IllegalArgumentException e) {
        System.out.printf("RESULT oversized refused ran=%d: %s%n", done.get() - doneBefore, e.getMessage());
      }
      report("after-refusal", farm.run(tasks), tasks);
    }
    System.out.println("RESULT workers=" + hosts.size());
  }

  /** A worker killed while nobody talks to it: the next exchange with it fails, the task moves on. */
  static void killIdle() throws InterruptedException {
    AtomicLong lostAt = new AtomicLong();
    try (TaskFarm farm = TaskFarm.start(FarmTestWorker.class, new String[0], 2, null, 3,
        e -> { if (e.kind().equals("worker-lost")) lostAt.compareAndSet(0, e.epochMillis()); })) {
      List<byte[]> tasks = tasks(4, "a");
      report("before", farm.run(tasks), tasks);
      long killedAt = System.currentTimeMillis();
      kill(farm.workers().getFirst().pid());
      Thread.sleep(300);
      List<byte[]> more = tasks(6, "b");
      report("after", farm.run(more), more);
      System.out.printf("LATENCY kill-idle-noticed %d%n", lostAt.get() - killedAt);
      System.out.println("RESULT workers-now=" + farm.workers().size());
    }
  }

  /** A worker killed while the master waits for its result. */
  static void killRecv() {
    AtomicLong killedAt = new AtomicLong();
    AtomicLong lostAt = new AtomicLong();
    try (TaskFarm farm = TaskFarm.start(FarmTestWorker.class, new String[0], 2, null, 3,
        e -> { if (e.kind().equals("worker-lost")) lostAt.compareAndSet(0, e.epochMillis()); })) {
      long victim = farm.workers().getFirst().pid();
      Thread.ofPlatform().daemon().start(() -> {
        try {
          Thread.sleep(800);
        } catch (InterruptedException e) {
          return;
        }
        killedAt.set(System.currentTimeMillis());
        kill(victim);
      });
      List<byte[]> tasks = List.of("sleep:3000:x".getBytes(StandardCharsets.UTF_8),
          "sleep:3000:y".getBytes(StandardCharsets.UTF_8));
      report("recv", farm.run(tasks), tasks);
      System.out.printf("LATENCY kill-recv %d%n", lostAt.get() - killedAt.get());
    }
  }

  /** The first worker dies after spawn, before it registers: the master is waiting in accept for it. */
  static void killAccept(Path marker, String when) throws IOException {
    AtomicLong failedAt = new AtomicLong();
    try (TaskFarm farm = TaskFarm.start(FarmTestWorker.class, new String[] {"--die-once", marker.toString(), when}, 2,
        null, 3, e -> { if (e.kind().equals("spawn-failed")) failedAt.compareAndSet(0, e.epochMillis()); })) {
      List<byte[]> tasks = tasks(4, "c");
      report("accept", farm.run(tasks), tasks);
      long diedAt = Long.parseLong(Files.readString(marker).strip());
      System.out.printf("LATENCY kill-accept %d%n", failedAt.get() - diedAt);
      System.out.println("RESULT workers-now=" + farm.workers().size());
    }
  }

  /** Prints the workers' pids, then the master SIGKILLs itself. */
  static void masterKilled() {
    TaskFarm farm = TaskFarm.start(FarmTestWorker.class, new String[0], 2, null, 3, null);
    StringBuilder pids = new StringBuilder("PIDS");
    farm.workers().forEach(w -> pids.append(' ').append(w.pid()));
    System.out.println(pids);
    System.out.flush();
    kill(ProcessHandle.current().pid());
  }

  /** Many tasks while a worker is killed every {@code killEvery} results. */
  static void soak(int n, int workers, int killEvery) {
    AtomicInteger done = new AtomicInteger();
    AtomicInteger lost = new AtomicInteger();
    TaskFarm[] self = new TaskFarm[1];
    try (TaskFarm farm = TaskFarm.start(FarmTestWorker.class, new String[0], workers, null, 5, e -> {
      if (e.kind().equals("worker-lost")) lost.incrementAndGet();
      if (e.kind().equals("task-done") && done.incrementAndGet() % killEvery == 0 && self[0] != null) {
        var live = self[0].workers();
        kill(live.get(done.get() / killEvery % live.size()).pid());
      }
    })) {
      self[0] = farm;
      List<byte[]> tasks = tasks(n, "s");
      List<TaskResult> results = farm.run(tasks);
      report("soak", results, tasks);
      System.out.printf("RESULT soak-lost-workers=%d%n", lost.get());
    }
  }
}
