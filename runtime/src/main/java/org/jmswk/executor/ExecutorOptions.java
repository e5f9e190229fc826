package org.jmswk.executor;

import java.time.Duration;
import java.util.Map;
import org.jmswk.mpi.Info;

/**
 * How a {@link FarmExecutor} starts its workers and schedules tasks. Defaults come from the
 * environment (README, Tunables): {@code JMSWK_TASK_RETRIES} (3), {@code JMSWK_EXECUTOR_PREFETCH}
 * (0: adaptive), {@code JMSWK_EXECUTOR_BATCH_BYTES} (1 MiB), {@code JMSWK_EXECUTOR_MAX_TASK_BYTES}
 * (64 MiB), {@code JMSWK_MSWK_TIMEOUT_MS} (2000, the liveness bound), {@code
 * JMSWK_WORKER_START_TIMEOUT_S} (60), {@code JMSWK_EXECUTOR_TRANSPORT} ({@code auto}: a Unix
 * domain socket for workers on the master's host, TCP otherwise; {@code tcp}: TCP always).
 *
 * @param workers     how many workers to keep running
 * @param workerMain  the workers' main class (calls {@link ExecutorWorker#serve}); null: workers
 *                    are started by someone else and connect on their own ({@link FarmExecutor#workerProperties})
 * @param retries     re-runs of a task whose worker died while running it; one more death fails it
 */
public record ExecutorOptions(int workers, Class<?> workerMain, String[] workerArgs, Info spawnInfo, int retries,
                              int prefetch, long batchBytes, int maxTaskBytes, Duration liveness,
                              Duration startTimeout, String transport, ExecutorListener listener) {
  public ExecutorOptions {
    if (workers < 1) throw new IllegalArgumentException("an executor needs at least 1 worker, not " + workers);
    if (retries < 0) throw new IllegalArgumentException("retries must be >= 0, not " + retries);
    if (prefetch < 0) throw new IllegalArgumentException("prefetch must be >= 0, not " + prefetch);
    if (!transport.equals("auto") && !transport.equals("tcp")) {
      throw new IllegalArgumentException("JMSWK_EXECUTOR_TRANSPORT must be auto or tcp, not '" + transport + "'");
    }
    if (listener == null) listener = new ExecutorListener() {};
    if (workerArgs == null) workerArgs = new String[0];
  }

  /** {@code workers} Java workers running {@code workerMain}, started as the job allows (spawned, or one failure domain each). */
  public static ExecutorOptions of(Class<?> workerMain, int workers) {
    return fromEnv(System.getenv(), workerMain, workers);
  }

  /** Workers that are started elsewhere and connect by themselves (e.g. simulated ones, or by hand). */
  public static ExecutorOptions external(int workers) {
    return fromEnv(System.getenv(), null, workers);
  }

  static ExecutorOptions fromEnv(Map<String, String> env, Class<?> workerMain, int workers) {
    return new ExecutorOptions(workers, workerMain, new String[0], null,
        (int) number(env, "JMSWK_TASK_RETRIES", 3, 0, 1000),
        (int) number(env, "JMSWK_EXECUTOR_PREFETCH", 0, 0, Scheduler.MAX_CREDIT),
        number(env, "JMSWK_EXECUTOR_BATCH_BYTES", 1 << 20, 1, 1 << 30),
        (int) number(env, "JMSWK_EXECUTOR_MAX_TASK_BYTES", 64 << 20, 1, 1 << 30),
        Duration.ofMillis(number(env, "JMSWK_MSWK_TIMEOUT_MS", 2000, 100, 3_600_000)),
        Duration.ofSeconds(number(env, "JMSWK_WORKER_START_TIMEOUT_S", 60, 1, 86_400)),
        env.getOrDefault("JMSWK_EXECUTOR_TRANSPORT", "auto").strip(), null);
  }

  /**
   * Whole-number tunable {@code name} from {@code env}: {@code fallback} when unset; a value out of
   * {@code min..max} or not a number is an IllegalArgumentException naming the variable.
   */
  public static long number(Map<String, String> env, String name, long fallback, long min, long max) {
    String v = env.get(name);
    if (v == null || v.isBlank()) return fallback;
    try {
      long n = Long.parseLong(v.strip());
      if (n >= min && n <= max) return n;
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new IllegalArgumentException(name + " must be a whole number from " + min + " to " + max + ", not '" + v + "'");
  }

  public ExecutorOptions withArgs(String... args) {
    return new ExecutorOptions(workers, workerMain, args, spawnInfo, retries, prefetch, batchBytes, maxTaskBytes,
        liveness, startTimeout, transport, listener);
  }

  public ExecutorOptions withSpawnInfo(Info info) {
    return new ExecutorOptions(workers, workerMain, workerArgs, info, retries, prefetch, batchBytes, maxTaskBytes,
        liveness, startTimeout, transport, listener);
  }

  public ExecutorOptions withRetries(int n) {
    return new ExecutorOptions(workers, workerMain, workerArgs, spawnInfo, n, prefetch, batchBytes, maxTaskBytes,
        liveness, startTimeout, transport, listener);
  }

  public ExecutorOptions withPrefetch(int n) {
    return new ExecutorOptions(workers, workerMain, workerArgs, spawnInfo, retries, n, batchBytes, maxTaskBytes,
        liveness, startTimeout, transport, listener);
  }

  public ExecutorOptions withListener(ExecutorListener l) {
    return new ExecutorOptions(workers, workerMain, workerArgs, spawnInfo, retries, prefetch, batchBytes, maxTaskBytes,
        liveness, startTimeout, transport, l);
  }

  public ExecutorOptions withLiveness(Duration bound) {
    return new ExecutorOptions(workers, workerMain, workerArgs, spawnInfo, retries, prefetch, batchBytes, maxTaskBytes,
        bound, startTimeout, transport, listener);
  }

  public ExecutorOptions withStartTimeout(Duration bound) {
    return new ExecutorOptions(workers, workerMain, workerArgs, spawnInfo, retries, prefetch, batchBytes, maxTaskBytes,
        liveness, bound, transport, listener);
  }

  public ExecutorOptions withTransport(String t) {
    return new ExecutorOptions(workers, workerMain, workerArgs, spawnInfo, retries, prefetch, batchBytes, maxTaskBytes,
        liveness, startTimeout, t, listener);
  }
}
