package org.jmswk.agent;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The workers one agent runs: started with {@link NativeSpawn}, each in its own process group,
 * reaped by one polling thread (every 20 ms), output captured to scratch files whose tail
 * (bounded) is handed to the exit listener.
 */
final class Workers {
  /** What became of a worker. */
  record Exit(String taskId, int pid, int exitCode, int signal, byte[] stdout, byte[] stderr, boolean truncated,
              long elapsedMillis, boolean killedOnRequest) {}

  interface Listener {
    void exited(Exit exit);
  }

  private record Running(String taskId, int pid, long startNanos, Path out, Path err, boolean[] killed) {}

  /** Variables of the MPI launcher that started the agent: a worker is not part of that MPI job. */
  private final Path scratch;
  private final int captureBytes;
  private final Listener listener;
  private final Map<Integer, Running> byPid = new ConcurrentHashMap<>();
  private final Map<String, Running> byTask = new ConcurrentHashMap<>();
  private Thread reaper;

  Workers(Path scratch, int captureBytes, Listener listener) {
    this.scratch = scratch;
    this.captureBytes = captureBytes;
    this.listener = listener;
  }

  /** The environment a worker starts from: the agent's, without the MPI launcher's private variables. */
  static Map<String, String> baseEnvironment() {
    return org.jmswk.runtime.LauncherEnvironment.withoutLauncherVariables();
  }

  /** Starts a worker; returns its pid. */
  synchronized int start(String taskId, WorkerSpec spec, Map<String, String> extraEnv) throws IOException {
    if (byTask.containsKey(taskId)) throw new IOException("task " + taskId + " is already running here");
    Map<String, String> env = spec.inheritEnv() ? baseEnvironment() : new LinkedHashMap<>();
    env.putAll(spec.env());
    env.putAll(extraEnv);
    String safe = taskId.replaceAll("[^A-Za-z0-9_.-]", "_");
    Path out = spec.stdout() == null ? scratch.resolve(safe + ".out") : null;
    Path err = spec.stderr() == null ? scratch.resolve(safe + ".err") : null;
    if (spec.cwd() != null && !Files.isDirectory(Path.of(spec.cwd()))) {
      throw new NativeSpawn.SpawnException(2, "working directory " + spec.cwd() + " does not exist on this node");
    }
    int pid = NativeSpawn.spawn(spec.argv(), env, spec.cwd(),
        new NativeSpawn.Redirect(spec.stdin() != null ? spec.stdin() : "/dev/null", false),
        new NativeSpawn.Redirect(out != null ? out.toString() : spec.stdout(), out == null),
        new NativeSpawn.Redirect(err != null ? err.toString() : spec.stderr(), err == null));
    Running r = new Running(taskId, pid, System.nanoTime(), out, err, new boolean[1]);
    byPid.put(pid, r);
    byTask.put(taskId, r);
    if (reaper == null || !reaper.isAlive()) {
      reaper = Thread.ofPlatform().daemon().name("jmswk-agent-reaper").start(this::reap);
    }
    return pid;
  }

  /** Sends {@code signal} to the worker's process group; false if no such worker runs. */
  boolean kill(String taskId, int signal) {
    Running r = byTask.get(taskId);
    if (r == null || r.pid() <= 1) return false;
    r.killed()[0] = true;
    return NativeSpawn.killGroup(r.pid(), signal);
  }

  int running() {
    return byPid.size();
  }

  List<String> tasks() {
    return new ArrayList<>(byTask.keySet());
  }

  /** Ends every worker: SIGTERM to each group, then SIGKILL after {@code grace}; waits (bounded) for the reaper. */
  void killAll(Duration grace) {
    for (Running r : byPid.values()) if (r.pid() > 1) NativeSpawn.killGroup(r.pid(), NativeSpawn.SIGTERM);
    long deadline = System.nanoTime() + grace.toNanos();
    while (!byPid.isEmpty() && System.nanoTime() < deadline) sleep(20);
    for (Running r : byPid.values()) if (r.pid() > 1) NativeSpawn.killGroup(r.pid(), NativeSpawn.SIGKILL);
    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    while (!byPid.isEmpty() && System.nanoTime() < deadline) sleep(20);
  }

  private void reap() {
    while (true) {
      for (Running r : List.copyOf(byPid.values())) {
        int status = NativeSpawn.poll(r.pid());
        if (status == -1) continue;
        // the group may still hold the worker's own children: end them with it
        NativeSpawn.killGroup(r.pid(), NativeSpawn.SIGKILL);
        byte[][] out = {tail(r.out()), tail(r.err())};
        boolean truncated = size(r.out()) > captureBytes || size(r.err()) > captureBytes;
        delete(r.out());
        delete(r.err());
        byPid.remove(r.pid());
        byTask.remove(r.taskId());
        Exit exit = new Exit(r.taskId(), r.pid(), NativeSpawn.exitCode(status), NativeSpawn.signal(status), out[0],
            out[1], truncated, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - r.startNanos()), r.killed()[0]);
        try {
          listener.exited(exit);
        } catch (RuntimeException e) {
          System.err.println("jmswk agent: exit listener failed: " + e);
        }
      }
      sleep(20);
    }
  }

  private byte[] tail(Path p) {
    if (p == null) return new byte[0];
    try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "r")) {
      long len = f.length();
      int n = (int) Math.min(len, captureBytes);
      byte[] b = new byte[n];
      f.seek(len - n);
      f.readFully(b);
      return b;
    } catch (IOException e) {
      return new byte[0];
    }
  }

  private static long size(Path p) {
    try {
      return p == null ? 0 : Files.size(p);
    } catch (IOException e) {
      return 0;
    }
  }

  private static void delete(Path p) {
    try {
      if (p != null) Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // scratch space
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
