package org.jmswk.executor;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jmswk.agent.AgentSettings;
import org.jmswk.agent.Handshake;
import org.jmswk.agent.JobSecret;
import org.jmswk.farm.WorkerStarter;

/**
 * A task farm in the idiom of {@code java.util.concurrent}: {@link #submit} returns a future,
 * {@link #map} runs a collection in adaptive chunks, {@link #invokeAll} gives a future per
 * element; {@link ExecutorWorker} is its mirror on the workers. Thread-safe: tasks may be
 * submitted from any thread while others run.
 *
 * <p>Workers are started once and kept (spawned with MPI_Comm_spawn, or in a multi-node job one
 * failure domain each, see {@link WorkerStarter#forJob}). Each connects back to the master over a
 * socket of its own (a Unix domain socket on the master's host, TCP otherwise), authenticated
 * with the job secret; after that no MPI call is made for tasks. Tasks travel in batches, several
 * in flight per worker (see {@link Scheduler}), heartbeats go both ways, and every wait is bounded
 * by the liveness verdict ({@code JMSWK_MSWK_TIMEOUT_MS}): a worker silent that long, or whose
 * connection ends, is lost.
 *
 * <p>Failure semantics: a task that threw on its worker completes with a
 * {@link RemoteTaskException} and is not run again. A task whose worker died while running it
 * is re-run on another worker up to {@code retries} times (default 3); one more death fails it
 * with {@link TaskLostException} (its crash limit), so a task that kills every worker does not
 * eat the pool. Tasks a lost worker held but had not started go back to the queue uncharged. A
 * lost worker is replaced. A result is delivered exactly once: answers from a worker already
 * given up for dead (paused, cut off, then back) are ignored.
 */
public final class FarmExecutor implements AutoCloseable {
  /** A worker as the master knows it. */
  public record WorkerInfo(int id, long pid, String node, String host) {}

  /** JVM system properties that tell a worker where its master is. */
  static final String ENDPOINTS = "jmswk.executor.endpoints";
  static final String SECRET_FILE = "jmswk.executor.secret";
  static final String WORKER_ID = "jmswk.executor.worker";
  static final String MASTER_HOST = "jmswk.executor.host";
  static final String MPI_WORKER = "jmswk.executor.mpi";
  /** The node a worker started by hand reports itself on (else the starter's node, else its host). */
  public static final String NODE = "jmswk.executor.node";

  final ExecutorOptions options;
  private final ExecutorListener listener;
  final Scheduler scheduler;
  /** Figures of workers gone; guarded by the scheduler's lock. */
  private final MetricsBook book = new MetricsBook();
  final WorkerStarter starter;
  private final byte[] secret;
  private final Path privateDir;
  private final Path secretFile;
  private final ServerSocketChannel tcp;
  private final ServerSocketChannel unix;
  private final String endpoints;
  private final String masterHost;
  private final AgentSettings settings;
  private final int maxFrame;
  final Map<Integer, CompletableFuture<WorkerLink>> starting = new ConcurrentHashMap<>();
  final Map<Integer, WorkerLink> links = new ConcurrentHashMap<>();
  final ExecutorService startThread;
  private final ScheduledExecutorService monitor;
  final AtomicInteger nextWorker = new AtomicInteger();
  private final AtomicInteger wantedStarts = new AtomicInteger();
  /** When the start in progress began (System.nanoTime), 0 when none is: Open MPI 4.1's MPI_Comm_spawn can hang. */
  private volatile long startBegan;
  /** A start has not returned within its bound: nothing waits for it any more (see checkStartHung). */
  private volatile boolean startHung;
  private long nextTaskId;
  /** Elements submitted (recalled ones included) and ended with a result (or the handler's failure), for the time-limit record. */
  private final java.util.concurrent.atomic.AtomicLong submittedElements = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong doneElements = new java.util.concurrent.atomic.AtomicLong();
  private volatile boolean timeLimited;
  /** Frames answered but not yet delivered (their results being made durable): the executor is not idle. */
  private final AtomicInteger undelivered = new AtomicInteger();
  private final JobProgress progress = JobProgress.fromEnv();
  private volatile boolean shutdown;
  /** The job's /metrics endpoint (in a job, unless JMSWK_METRICS_PORT=off), else null. */
  private org.jmswk.monitor.PrometheusEndpoint metricsEndpoint;
  /** Where the dispatch weights come from; guarded by the scheduler's lock. */
  private LoadBalancer balancer = new LoadBalancer(LoadBalancer.Mode.OFF, null);
  private volatile boolean closed;
  /** Why no task is accepted any more after {@link #terminate} (null: not terminated). */
  private volatile String terminatedBecause;
  /** Grow and shrink on command (the control endpoint's). */
  private final ElasticPool elastic = new ElasticPool(this);
  /** The job's control endpoint, when this executor runs in a job (null otherwise). */
  private volatile AutoCloseable control;

  private FarmExecutor(ExecutorOptions options, WorkerStarter starter) throws IOException {
    this.options = options;
    this.listener = options.listener();
    this.scheduler = new Scheduler(options.retries(), options.prefetch(), options.batchBytes());
    this.scheduler.limit(TimeLimit.fromEnv(System.getenv()));
    this.starter = starter != null ? starter : options.workerMain() == null ? null
        : WorkerStarter.forJob(options.workerMain(), options.workerArgs(), options.spawnInfo());
    this.privateDir = Files.createTempDirectory("jmswk-executor-",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    byte[] s;
    Path file;
    Map<String, String> env = System.getenv();
    String jobDir = env.get("JMSWK_JOB_DIR");
    boolean explicit = env.get("JMSWK_JOB_SECRET") != null || env.get("JMSWK_JOB_SECRET_FILE") != null;
    try {
      // inside a job: the job's secret (its directory is shared with the nodes, as agents rely on)
      s = jobDir != null && !jobDir.isBlank() ? JobSecret.loadOrCreate(env) : JobSecret.load();
      file = !explicit && jobDir != null && !jobDir.isBlank() ? Path.of(jobDir, JobSecret.FILE_NAME) : null;
    } catch (IllegalStateException | IOException noJobSecret) {
      // not inside a job with a secret: one for this executor only, readable by its owner
      file = privateDir.resolve(JobSecret.FILE_NAME);
      s = JobSecret.createIfAbsent(file);
    }
    this.secret = s;
    this.secretFile = file;
    long dead = options.liveness().toMillis();
    this.settings = AgentSettings.defaults().withLiveness(Duration.ofMillis(Math.max(10, dead / 4)), Duration.ofMillis(dead));
    this.maxFrame = Wire.maxFrame(options.maxTaskBytes());
    this.masterHost = hostName();
    this.tcp = ServerSocketChannel.open().bind(new InetSocketAddress(bindAddress(), 0), 1024);
    List<String> eps = new ArrayList<>();
    if (options.transport().equals("auto")) {
      Path sock = privateDir.resolve("master.sock");
      this.unix = ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(sock), 1024);
      eps.add("unix:" + sock);
    } else {
      this.unix = null;
    }
    eps.add("tcp:" + advertisedHost() + ":" + ((InetSocketAddress) tcp.getLocalAddress()).getPort());
    this.endpoints = String.join(",", eps);
    this.startThread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "jmswk-executor-start");
      t.setDaemon(true);
      return t;
    });
    this.monitor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "jmswk-executor-liveness");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Starts the executor and its workers; returns once at least one worker is up (the others
   * keep starting). MPI must be initialized when workers are spawned; every MPI call the
   * executor makes (the spawns) is made from one thread of its own, so the job needs at least
   * MPI_THREAD_SERIALIZED semantics for those calls (Open MPI 4.1 serves them under FUNNELED).
   * Throws IllegalStateException when no worker could be started. In a job, also opens the
   * job's Prometheus endpoint ({@link org.jmswk.monitor.PrometheusEndpoint#startForJob}).
   */
  public static FarmExecutor start(ExecutorOptions options) {
    return start(options, null);
  }

  /**
   * As {@link #start(ExecutorOptions)}, with workers started by {@code starter} (e.g.
   * {@link AgentWorkers}) instead of the job's default way.
   */
  public static FarmExecutor start(ExecutorOptions options, WorkerStarter starter) {
    FarmExecutor e;
    try {
      e = new FarmExecutor(options, starter);
    } catch (IOException io) {
      throw new IllegalStateException("cannot open the executor's endpoints: " + io.getMessage(), io);
    }
    try {
      e.metricsEndpoint = org.jmswk.monitor.PrometheusEndpoint.startForJob(e::metrics, System.getenv());
    } catch (IOException | IllegalArgumentException bad) {
      e.close();
      throw new IllegalStateException("cannot open the job's metrics endpoint: " + bad.getMessage(), bad);
    } catch (LinkageError missing) {
      // a runtime made with jlink without jdk.httpserver: the work matters more than its scrape
      System.err.println("jmswk: the job's /metrics endpoint is off: this Java runtime lacks "
          + missing.getMessage() + " (module jdk.httpserver)");
    }
    long relearn;
    try {
      relearn = LoadBalancer.intervalMillis(System.getenv());
      e.balance(LoadBalancer.fromEnv(System.getenv()));
    } catch (IOException | IllegalArgumentException bad) {
      e.close();
      throw new IllegalStateException("cannot set up load balancing: " + bad.getMessage(), bad);
    }
    e.monitor.scheduleAtFixedRate(e::relearn, relearn, relearn, TimeUnit.MILLISECONDS);
    e.acceptOn(e.tcp);
    if (e.unix != null) e.acceptOn(e.unix);
    long hb = e.settings.heartbeat().toMillis();
    e.monitor.scheduleAtFixedRate(e::checkLiveness, hb, hb, TimeUnit.MILLISECONDS);
    e.monitor.scheduleAtFixedRate(e::checkStartHung, 1, 1, TimeUnit.SECONDS);
    e.watchTimeLimit();
    e.progress.startPublishing(() -> e.publishProgress(false));
    if (e.starter != null) {
      CompletableFuture<Boolean> first = e.startWorkers(options.workers());
      boolean any = first.join();
      if (!any) {
        e.close();
        throw new IllegalStateException("no worker could be started");
      }
    }
    e.control = org.jmswk.control.ControlEndpoint.forJob(e);
    return e;
  }

  /**
   * The system properties a worker started by hand (not by this executor) needs to connect as
   * worker {@code id}, e.g. for simulated workers or a test's own processes.
   */
  public Map<String, String> workerProperties(int id) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put(ENDPOINTS, endpoints);
    p.put(MASTER_HOST, masterHost);
    p.put(WORKER_ID, Integer.toString(id));
    if (secretFile != null) p.put(SECRET_FILE, secretFile.toString());
    return p;
  }

  // ---- submitting ------------------------------------------------------------------------

  /** Runs {@code input} on a worker; the future completes with its output (see the class comment for failures). */
  public CompletableFuture<byte[]> submit(byte[] input) {
    return submit(input, Codec.BYTES, Codec.BYTES);
  }

  /** Typed: {@code in} encodes the task here, {@code out} decodes the worker's result. */
  public <T, R> CompletableFuture<R> submit(T task, Codec<T> in, Codec<R> out) {
    return submit(null, task, in, out);
  }

  /**
   * With a task key: a journal ({@link ExecutorListener#recall}) that holds the outcome of
   * {@code key} from an earlier run completes the future with it, without running the task.
   * {@code key} null: matched by the task's encoded input.
   */
  public <T, R> CompletableFuture<R> submit(String key, T task, Codec<T> in, Codec<R> out) {
    byte[] bytes = checked(in.encode(task));
    CompletableFuture<R> future = new CompletableFuture<>();
    submittedElements.incrementAndGet();
    if (recalled(key, bytes, out, future)) return future;
    synchronized (scheduler) {
      refuseIfShutdown();
      if (scheduler.stopped()) {
        future.completeExceptionally(timeLimitFailure());
        return future;
      }
      listener.submitted(nextTaskId, key, bytes);
      scheduler.enqueue(new SingleTask<>(nextTaskId++, bytes, out, future));
    }
    progress.submitted(1);
    pump();
    return future;
  }

  /** Completes {@code future} with the listener's recorded outcome of the task, if it has one. */
  private <R> boolean recalled(String key, byte[] input, Codec<R> out, CompletableFuture<R> future) {
    ExecutorListener.Outcome o = listener.recall(key, input);
    if (o == null) return false;
    refuseIfShutdown();
    doneElements.incrementAndGet();
    progress.recalled();
    if (o.failure() != null) {
      future.completeExceptionally(o.failure());
    } else {
      try {
        future.complete(out.decode(o.output()));
      } catch (RuntimeException e) {
        future.completeExceptionally(e);
      }
    }
    return true;
  }

  /** One future per element, in input order (each element its own task, batched on the wire). */
  public <T, R> List<CompletableFuture<R>> invokeAll(Collection<? extends T> tasks, Codec<T> in, Codec<R> out) {
    List<byte[]> inputs = new ArrayList<>(tasks.size());
    for (T t : tasks) inputs.add(checked(in.encode(t))); // encoded before any is queued: all or none
    List<CompletableFuture<R>> futures = new ArrayList<>(inputs.size());
    List<SingleTask<R>> all = new ArrayList<>(inputs.size());
    submittedElements.addAndGet(inputs.size());
    for (byte[] b : inputs) {
      CompletableFuture<R> f = new CompletableFuture<>();
      if (!recalled(null, b, out, f)) all.add(new SingleTask<>(0, b, out, f));
      futures.add(f);
    }
    synchronized (scheduler) {
      refuseIfShutdown();
      if (scheduler.stopped()) {
        for (SingleTask<R> t : all) t.future.completeExceptionally(timeLimitFailure());
        return futures;
      }
      for (SingleTask<R> t : all) {
        listener.submitted(nextTaskId, null, t.input(0));
        scheduler.enqueue(new SingleTask<>(nextTaskId++, t.input(0), out, t.future));
      }
    }
    progress.submitted(all.size());
    pump();
    return futures;
  }

  /**
   * Runs every element, in chunks whose size the executor chooses from how long elements take
   * (no chunk size to tune, no future per element). The result iterates in input order or as
   * elements end.
   */
  public <T, R> MapResult<R> map(Collection<? extends T> tasks, Codec<T> in, Codec<R> out) {
    byte[][] inputs = new byte[tasks.size()][];
    int i = 0;
    for (T t : tasks) inputs[i++] = checked(in.encode(t));
    MapResult<R> result = new MapResult<>(inputs.length, out);
    if (inputs.length == 0) return result;
    submittedElements.addAndGet(inputs.length);
    synchronized (scheduler) {
      refuseIfShutdown();
      if (scheduler.stopped()) {
        for (int k = 0; k < inputs.length; k++) result.fail(k, timeLimitFailure());
        return result;
      }
      scheduler.enqueue(new MapJob(nextTaskId, inputs, result));
      nextTaskId += inputs.length;
    }
    progress.submitted(inputs.length);
    pump();
    return result;
  }

  private byte[] checked(byte[] b) {
    if (b.length > options.maxTaskBytes()) {
      throw new IllegalArgumentException("a task of " + b.length + " bytes is over the " + options.maxTaskBytes()
          + " byte limit (JMSWK_EXECUTOR_MAX_TASK_BYTES)");
    }
    return b;
  }

  private void refuseIfShutdown() {
    if (shutdown) {
      String why = terminatedBecause;
      throw new java.util.concurrent.RejectedExecutionException(why == null ? "the executor is shut down" : why);
    }
  }

  /** Hands every worker with room its next batch. */
  private void pump() {
    List<Scheduler.Batch> batches;
    boolean orphaned;
    synchronized (scheduler) {
      batches = scheduler.dispatch();
      orphaned = !scheduler.idle() && scheduler.slots().isEmpty();
    }
    // work waits and no worker is left or coming (every earlier start failed): try again
    if (orphaned && starter != null && !closed && links.isEmpty() && wantedStarts.get() == 0) replace();
    boolean events = listener.taskEvents();
    long sentAt = batches.isEmpty() ? 0 : WallClock.micros();
    for (Scheduler.Batch b : batches) {
      WorkerLink link = (WorkerLink) b.slot().link;
      for (Task t : b.tasks()) t.sentMicros = sentAt;
      link.send(b.tasks());
      if (events) {
        for (Task t : b.tasks()) emit("task-started", link, t.id, Integer.toString(t.size()));
      }
    }
  }

  // ---- results and losses ----------------------------------------------------------------

  /** Where frames made durable in the background are delivered: a virtual thread each, so several deliver at once. */
  private static final java.util.concurrent.Executor DELIVERY = r -> Thread.ofVirtual().name("jmswk-executor-deliver").start(r);

  private final WorkerLink.Receiver receiver = new WorkerLink.Receiver() {
    @Override
    public void results(WorkerLink link, WorkerLink.Results r) {
      Task[] accepted = new Task[r.ids().length];
      synchronized (scheduler) {
        for (int i = 0; i < accepted.length; i++) {
          accepted[i] = scheduler.answered(link.slot, r.ids()[i], r.nanos()[i]);
          if (accepted[i] != null) link.tally.answered(accepted[i].size(), failures(r.failures()[i]), r.nanos()[i]);
        }
      }
      elastic.answered(link); // a draining worker that holds no task any more is stopped
      pump(); // the next batch goes out before this one is delivered
      long arrival = WallClock.micros();
      link.lastResultMicros = arrival;
      if (!listener.wantsOutcomes()) {
        deliver(link, r, accepted, null);
        return;
      }
      List<ExecutorListener.Outcome> outcomes = outcomes(link, r, accepted, arrival);
      // a journal makes them durable in the background (a pipelined group commit): this reader
      // goes on reading, and the futures complete only once their results are on disk
      undelivered.incrementAndGet();
      CompletableFuture<Void> durable;
      try {
        durable = listener.beforeDeliveryAsync(outcomes);
      } catch (RuntimeException e) {
        durable = CompletableFuture.failedFuture(e);
      }
      java.util.function.BiConsumer<Void, Throwable> then = (v, error) -> {
        try {
          RuntimeException gateFailure = null;
          if (error != null) {
            Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause() : error;
            gateFailure = cause instanceof RuntimeException re ? re : new IllegalStateException(cause.getMessage(), cause);
          }
          deliver(link, r, accepted, gateFailure);
        } finally {
          undelivered.decrementAndGet();
          maybeTerminated();
        }
      };
      // written already (a listener that works in place): here; else off the journal's committer
      // thread, so that its next transaction is not held up by the futures' callbacks
      if (durable.isDone()) durable.whenComplete(then);
      else durable.whenCompleteAsync(then, DELIVERY);
    }

    @Override
    public void lost(WorkerLink link, String why, boolean silent) {
      FarmExecutor.this.lost(link, why, silent);
    }

    @Override
    public void returned(WorkerLink link, long[] ids) {
      synchronized (scheduler) {
        scheduler.handBack(link.slot, ids);
      }
      elastic.answered(link); // holds nothing any more: stopped
      pump(); // the handed-back tasks go to the other workers at once
    }
  };

  /**
   * The outcomes of one results frame (its accepted tasks' elements), each with the attempt that
   * gave it: the worker, the attempt's number and when it ran ({@link AttemptTimes}).
   */
  private static List<ExecutorListener.Outcome> outcomes(WorkerLink link, WorkerLink.Results r, Task[] accepted,
                                                        long arrival) {
    int n = accepted.length;
    long[] sent = new long[n];
    long[] start = new long[n];
    long[] end = new long[n];
    for (int i = 0; i < n; i++) sent[i] = accepted[i] == null ? 0 : accepted[i].sentMicros;
    AttemptTimes.fill(arrival, r.nanos(), sent, start, end);
    List<ExecutorListener.Outcome> outcomes = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Task t = accepted[i];
      if (t == null) continue;
      for (int k = 0; k < r.outputs()[i].length; k++) {
        RuntimeException f = r.failures()[i] == null ? null : r.failures()[i][k];
        outcomes.add(new ExecutorListener.Outcome(t.id + k, f == null ? r.outputs()[i][k] : null, f, link.id,
            t.crashes + 1, start[i], end[i]));
      }
    }
    return outcomes;
  }

  /** Completes the accepted tasks of one frame (with {@code gateFailure} instead, if the journal could not write them). */
  private void deliver(WorkerLink link, WorkerLink.Results r, Task[] accepted, RuntimeException gateFailure) {
    boolean events = listener.taskEvents();
    for (int i = 0; i < accepted.length; i++) {
      Task t = accepted[i];
      if (t == null) continue; // late: the task was given to another worker, or the worker was given up
      if (t.size() != r.outputs()[i].length) {
        t.failAll(new IllegalStateException("worker " + link.id + " answered " + r.outputs()[i].length
            + " results for a task of " + t.size()));
        progress.failed(t.size());
        continue;
      }
      if (gateFailure != null) {
        t.failAll(gateFailure);
        progress.failed(t.size());
      } else {
        t.deliverAll(r.outputs()[i], r.failures()[i]);
        doneElements.addAndGet(t.size());
        progress.delivered(t.size(), r.failures()[i]);
      }
      if (events) emit("task-done", link, t.id, Integer.toString(t.size()));
    }
    maybeTerminated();
  }

  private static int failures(RuntimeException[] failures) {
    int n = 0;
    if (failures != null) for (RuntimeException f : failures) if (f != null) n++;
    return n;
  }

  private void lost(WorkerLink link, String why, boolean silent) {
    link.close();
    if (!links.remove(link.id, link)) return; // once per worker
    Scheduler.Loss loss;
    synchronized (scheduler) {
      loss = scheduler.lost(link.slot);
      if (loss.crashed() != null && loss.crashLimitReached()) link.tally.tasksLost += loss.crashed().size();
      else if (loss.crashed() != null) link.tally.tasksRetried += loss.crashed().size();
      book.retire(link, !closed && !elastic.draining(link.id)); // drained by a shrink: not lost
    }
    if (elastic.gone(link)) { // drained by a shrink: not a loss, not replaced
      pump();
      maybeTerminated();
      return;
    }
    if (closed) return; // stopped at the end, not lost
    emit("worker-lost", link, -1, why);
    Task crashed = loss.crashed();
    if (crashed != null) {
      listener.attemptLost(crashed.id, link.id, crashed.crashes, Math.max(crashed.sentMicros, link.lastResultMicros),
          WallClock.micros(), !loss.crashLimitReached());
    }
    if (crashed != null && loss.crashLimitReached()) {
      String reason = "task " + crashed.id + " was running on a worker that died " + crashed.crashes
          + " times (crash limit: " + options.retries() + " retries, JMSWK_TASK_RETRIES); last on worker " + link.id
          + " on " + link.host + ": " + why;
      emit("task-failed", link, crashed.id, reason);
      crashed.failAll(new TaskLostException(reason));
      progress.failed(crashed.size());
    } else if (crashed != null) {
      emit("task-retried", link, crashed.id, "attempt " + (crashed.attempts + 1) + " after: " + why);
      progress.retried();
    }
    boolean replacing = starter != null && !closed;
    // a replacement is coming: pump() must not start one more for the orphaned tasks
    if (replacing) wantedStarts.incrementAndGet();
    pump(); // its tasks go to the other workers at once
    maybeTerminated();
    if (replacing) {
      // the node verdict may probe the node (seconds): off the reader's and the liveness thread's way
      Thread.ofVirtual().name("jmswk-executor-lost-" + link.id).start(() -> {
        try {
          List<String> before = starter.excludedNodes();
          starter.lost(link.id, link.node, silent);
          for (String node : starter.excludedNodes()) {
            if (!before.contains(node)) emit("node-excluded", null, -1, node);
          }
          if (!closed) replace(); // after the verdict, so the replacement never goes to an excluded node
        } finally {
          wantedStarts.decrementAndGet(); // replace() counts its own start
        }
      });
    }
  }

  /** The progress snapshot for {@code jmswk sub}'s bar (see {@link JobProgress}). */
  private void publishProgress(boolean ended) {
    long running;
    synchronized (scheduler) {
      running = scheduler.inFlight();
    }
    progress.publish(running, links.size(), excludedNodes().size(), ended);
  }

  private void checkLiveness() {
    long deadNanos = options.liveness().toNanos();
    long now = System.nanoTime();
    for (WorkerLink l : links.values()) {
      long silent = now - l.lastHeard;
      if (silent > deadNanos) {
        lost(l, "silent for " + TimeUnit.NANOSECONDS.toMillis(silent) + " ms (liveness bound JMSWK_MSWK_TIMEOUT_MS="
            + options.liveness().toMillis() + ")", true);
      }
    }
  }

  // ---- workers ---------------------------------------------------------------------------

  /** Starts {@code n} workers one after the other on the start thread; completes true once one is up (or false if none came). */
  private CompletableFuture<Boolean> startWorkers(int n) {
    CompletableFuture<Boolean> anyUp = new CompletableFuture<>();
    AtomicInteger left = new AtomicInteger(n);
    for (int i = 0; i < n; i++) {
      wantedStarts.incrementAndGet();
      startThread.execute(() -> {
        boolean up = !closed && startOne();
        wantedStarts.decrementAndGet();
        if (up) anyUp.complete(true);
        if (left.decrementAndGet() == 0) anyUp.complete(false);
      });
    }
    return anyUp;
  }

  /** A replacement for a lost worker; if none can be started and none is left, every waiting task fails. */
  private void replace() {
    if (starter == null) return;
    wantedStarts.incrementAndGet();
    startThread.execute(() -> {
      try {
        if (closed) return;
        if (startOne() || startOne()) return;
        if (links.isEmpty() && starting.isEmpty()) failWaiting("no worker could be started", true);
      } finally {
        wantedStarts.decrementAndGet();
      }
    });
  }

  /** Every task still waiting fails with a {@link TaskLostException} giving {@code why}; {@code lost}: counted as lost. */
  private void failWaiting(String why, boolean lost) {
    List<Task> waiting;
    synchronized (scheduler) {
      waiting = scheduler.drainWaiting();
      if (lost) book.lostUnplaced(waiting.stream().mapToLong(Task::size).sum());
    }
    TaskLostException e = new TaskLostException(why);
    for (Task t : waiting) {
      emit("task-failed", null, t.id, why);
      t.failAll(e);
      progress.failed(t.size());
    }
    maybeTerminated();
  }

  /**
   * On the monitor, each second: a start (an MPI_Comm_spawn: Open MPI 4.1's can hang, open-mpi/ompi#9713)
   * that has not returned within the start bound plus {@link #HUNG_START_GRACE} is given up: with no
   * worker left, the tasks waiting (and any submitted later) fail instead of waiting for it forever,
   * and {@link #close} does not wait for it. Workers already connected go on serving.
   */
  private void checkStartHung() {
    long began = startBegan;
    if (began == 0 || closed) return;
    if (!startHung && System.nanoTime() - began > options.startTimeout().plus(HUNG_START_GRACE).toNanos()) {
      startHung = true;
      String why = "a worker start has not returned within " + options.startTimeout().plus(HUNG_START_GRACE).toSeconds()
          + " s (JMSWK_WORKER_START_TIMEOUT_S + " + HUNG_START_GRACE.toSeconds() + " s); no further worker can be started";
      listener.event(new ExecutorEvent("worker-start-hung", -1, "", "", -1, why, System.currentTimeMillis()));
      System.err.println("jmswk executor: " + why);
    }
    if (startHung && links.isEmpty() && !idle()) failWaiting("no worker could be started: the last start hung", true);
  }

  private static final Duration HUNG_START_GRACE = Duration.ofSeconds(10);

  /** A worker's own launcher ended before the worker connected. */
  private static final class LauncherEndedException extends Exception {
    LauncherEndedException() {
      super(null, null, false, false);
    }
  }

  /** On the start thread: starts one worker and waits (bounded) for it to connect. */
  private boolean startOne() {
    int id = nextWorker.getAndIncrement();
    CompletableFuture<WorkerLink> up = new CompletableFuture<>();
    starting.put(id, up);
    String node = null;
    try {
      Map<String, String> props = workerProperties(id);
      if (starter.startsMpiProcesses()) props.put(MPI_WORKER, "true");
      startBegan = System.nanoTime();
      try {
        node = starter.start(id, props);
      } finally {
        startBegan = 0;
        startHung = false;
      }
      WorkerLink link = null;
      long deadline = System.nanoTime() + options.startTimeout().toNanos();
      while (link == null) {
        if (closed) return false; // spawned as the executor closed: it connects, is refused, and exits
        if (System.nanoTime() > deadline) throw new TimeoutException();
        // its own launcher (e.g. its mpiexec, failed at orte_init) ended first: it will never connect
        if (!up.isDone() && starter.domainEnded(id)) throw new LauncherEndedException();
        try {
          link = up.get(100, TimeUnit.MILLISECONDS);
        } catch (TimeoutException notYet) {
          // look again
        }
      }
      if (node != null && !node.isEmpty()) link.node = node;
      emit("worker-started", link, -1, "");
      pump();
      return true;
    } catch (Exception e) {
      starting.remove(id);
      up.cancel(false);
      List<String> before = starter.excludedNodes();
      starter.startFailed(id, node);
      String why = e instanceof TimeoutException ? "did not connect within " + options.startTimeout().toSeconds()
          + " s (JMSWK_WORKER_START_TIMEOUT_S)"
          : e instanceof LauncherEndedException ? "its launcher ended before it connected" : e.getMessage();
      listener.event(new ExecutorEvent("worker-start-failed", id, "", node == null ? "" : node, -1, String.valueOf(why),
          System.currentTimeMillis()));
      for (String n : starter.excludedNodes()) if (!before.contains(n)) emit("node-excluded", null, -1, n);
      return false;
    } finally {
      starting.remove(id);
    }
  }

  private void acceptOn(ServerSocketChannel server) {
    Thread.ofVirtual().name("jmswk-executor-accept").start(() -> {
      while (!closed) {
        SocketChannel ch;
        try {
          ch = server.accept();
        } catch (IOException e) {
          return; // closed
        }
        Thread.ofVirtual().start(() -> admit(ch));
      }
    });
  }

  /** Authenticates a connecting worker and makes it part of the pool. */
  private void admit(SocketChannel ch) {
    try {
      if (ch.getRemoteAddress() instanceof InetSocketAddress) ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
      InputStream raw = Channels.newInputStream(ch);
      DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16));
      OutputStream out = Channels.newOutputStream(ch);
      Handshake.Peer peer = Handshake.serve(in, out, ch, secret, Handshake.ROLE_FARM_WORKER, settings,
          Map.of("max_frame", Integer.toString(maxFrame)));
      int id = Integer.parseInt(peer.info().getOrDefault("worker", "-1"));
      long pid = Long.parseLong(peer.info().getOrDefault("pid", "-1"));
      String host = peer.info().getOrDefault("host", "");
      CompletableFuture<WorkerLink> waiting = starting.get(id);
      if (closed || (starter != null && waiting == null) || links.containsKey(id)) {
        ch.close(); // not expected (too late, or a duplicate)
        return;
      }
      WorkerLink link = new WorkerLink(id, pid, host, ch, in);
      link.node = peer.info().getOrDefault("node", "");
      links.put(id, link);
      synchronized (scheduler) {
        scheduler.add(link.slot);
      }
      link.start(receiver, settings.heartbeat().toMillis(), maxFrame, options.maxTaskBytes());
      if (waiting != null) {
        waiting.complete(link);
      } else {
        emit("worker-started", link, -1, "connected");
      }
      pump();
    } catch (IOException | RuntimeException e) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // refused either way
      }
    }
  }

  private void emit(String kind, WorkerLink link, long task, String detail) {
    listener.event(new ExecutorEvent(kind, link == null ? -1 : link.id, link == null ? "" : link.host,
        link == null ? "" : link.node, task, detail, System.currentTimeMillis()));
  }

  /** Worker {@code id} as known now (null once it is gone). */
  public WorkerInfo worker(int id) {
    WorkerLink l = links.get(id);
    return l == null ? null : new WorkerInfo(l.id, l.pid, l.node, l.host);
  }

  /** The workers connected now. */
  public List<WorkerInfo> workers() {
    return links.values().stream().sorted((a, b) -> Integer.compare(a.id, b.id))
        .map(l -> new WorkerInfo(l.id, l.pid, l.node, l.host)).toList();
  }

  /**
   * The executor's figures now, per node and in total (see {@link ExecutorMetrics}). Costs one
   * pass over the workers and the queue under the scheduler's lock: meant for monitoring
   * intervals (a second or so), not per task.
   */
  public ExecutorMetrics metrics() {
    synchronized (scheduler) {
      return book.snapshot(scheduler.slots(), scheduler.queuedElements());
    }
  }

  // ---- load balancing --------------------------------------------------------------------

  /**
   * Splits tasks between nodes by each node's relative power from a node description file
   * ({@link NodeFile}: a worker of a node of power 3 gets three times the tasks of one of power
   * 1, whatever their speed), starting from an even split. Returns the weights per node.
   */
  public Map<String, Double> balanceByPower(NodeFile nodes) {
    return balance(new LoadBalancer(LoadBalancer.Mode.POWER, nodes));
  }

  /**
   * Splits tasks by each node's measured rate (tasks per second of one worker's handler time),
   * learned again every {@code JMSWK_BALANCE_INTERVAL_MS} and at {@link #rebalance}. Returns the
   * weights per node so far.
   */
  public Map<String, Double> balanceByMeasuredRate() {
    return balance(new LoadBalancer(LoadBalancer.Mode.MEASURED, null));
  }

  /** No weights: every worker takes what it has room for (the default). */
  public void balanceOff() {
    balance(new LoadBalancer(LoadBalancer.Mode.OFF, null));
  }

  /**
   * Load balance now (the control command {@code 2}): the weights are computed again (measured:
   * from the rates so far) and the split starts afresh from here. Returns the weights per node
   * ({@code "*"}: any other node). IllegalStateException when balancing is off.
   */
  public Map<String, Double> rebalance() {
    synchronized (scheduler) {
      if (balancer.mode() == LoadBalancer.Mode.OFF) {
        throw new IllegalStateException("load balancing is off: give a node file (JMSWK_NODE_FILE) or set JMSWK_BALANCE=measured");
      }
    }
    return balance(balancer);
  }

  /** The weights tasks are split by now, per node ({@code "*"}: any other node); empty when balancing is off. */
  public Map<String, Double> dispatchWeights() {
    synchronized (scheduler) {
      return LoadBalancer.describe(scheduler.weights());
    }
  }

  private Map<String, Double> balance(LoadBalancer b) {
    Map<String, Double> now;
    synchronized (scheduler) {
      balancer = b;
      DispatchWeights w = b.weights(book.snapshot(scheduler.slots(), 0), MetricsBook::nodeOf);
      scheduler.weights(w);
      now = LoadBalancer.describe(w);
    }
    pump(); // workers that waited for their share may take now
    return now;
  }

  /** Measured mode: the rates learned again, the split so far kept. */
  private void relearn() {
    synchronized (scheduler) {
      if (balancer.mode() != LoadBalancer.Mode.MEASURED) return;
      scheduler.reweigh(balancer.weights(book.snapshot(scheduler.slots(), 0), MetricsBook::nodeOf));
    }
    pump();
  }

  /** The URL of the job's Prometheus endpoint, if this executor opened one (in a job, see {@link #start}). */
  public java.util.Optional<String> metricsUrl() {
    return java.util.Optional.ofNullable(metricsEndpoint).map(org.jmswk.monitor.PrometheusEndpoint::url);
  }

  /** Nodes excluded for the rest of the job (node-level evidence only), in the order they were lost. */
  public List<String> excludedNodes() {
    return starter == null ? List.of() : starter.excludedNodes();
  }

  /** Waits up to {@code bound} until {@code n} workers are connected; true if they are. */
  public boolean awaitWorkers(int n, Duration bound) throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    while (links.size() < n) {
      if (System.nanoTime() > deadline) return false;
      Thread.sleep(5);
    }
    return true;
  }

  // ---- the job's time limit -------------------------------------------------------------

  /** Arms the warning and the stop for the job's time limit (from the environment, see {@link TimeLimit}). */
  private void watchTimeLimit() {
    TimeLimit limit;
    synchronized (scheduler) {
      limit = scheduler.limit();
    }
    if (limit == null) return;
    long now = System.currentTimeMillis();
    monitor.schedule(() -> emit("time-limit-warning", null, -1, "the job ends at its time limit in "
        + Math.max(0, limit.atMillis() - System.currentTimeMillis()) / 1000 + " s"), Math.max(0, limit.warnAt() - now),
        TimeUnit.MILLISECONDS);
    monitor.schedule(this::stopForTimeLimit, Math.max(0, limit.stopAt() - now), TimeUnit.MILLISECONDS);
    if (limit.signal() != null) TimeLimit.onSignal(limit.signal(), this::warned);
  }

  /** The warning signal came: the job ends within the lead time from now, whatever the clock said. */
  private void warned() {
    TimeLimit now;
    synchronized (scheduler) {
      now = scheduler.limit().warnedAt(System.currentTimeMillis());
      scheduler.limit(now);
    }
    long stopIn = Math.max(0, now.stopAt() - System.currentTimeMillis());
    emit("time-limit-warning", null, -1, "SIG" + now.signal() + ": the job ends in " + now.leadMillis() / 1000 + " s");
    if (!monitor.isShutdown()) monitor.schedule(this::stopForTimeLimit, stopIn, TimeUnit.MILLISECONDS);
  }

  /**
   * The time limit's stop: every task not ended fails with {@link TimeLimitException}, nothing
   * more is handed out, and the record of how far the job got goes to the job directory.
   */
  private void stopForTimeLimit() {
    List<Task> undone;
    synchronized (scheduler) {
      TimeLimit limit = scheduler.limit();
      if (scheduler.stopped() || limit == null || System.currentTimeMillis() < limit.stopAt()) return;
      undone = scheduler.stop();
    }
    timeLimited = true;
    TimeLimitException e = timeLimitFailure();
    for (Task t : undone) t.failAll(e);
    emit("time-limit", null, -1, progress());
    if (doneElements.get() < submittedElements.get()) writeTimeLimitRecord();
    maybeTerminated();
  }

  /** True once the job's time limit stopped this executor (tasks not ended then failed with {@link TimeLimitException}). */
  public boolean timeLimitReached() {
    return timeLimited;
  }

  private TimeLimitException timeLimitFailure() {
    String job = System.getenv("JMSWK_JOB_ID");
    return new TimeLimitException("not run before the job's time limit" + (listener.durable()
        ? "; run the job again to resume" + (job == null ? "" : " (jmswk sub --rerun " + job + ")")
        : " (no journal attached: run again, everything is redone)"));
  }

  private String progress() {
    return doneElements.get() + " of " + submittedElements.get() + " tasks done";
  }

  /** The record of how far the job got, for jmswk sub's end reason ({@link TimeLimit#writeRecord}). */
  private synchronized void writeTimeLimitRecord() {
    String dir = System.getenv("JMSWK_JOB_DIR");
    if (dir == null || dir.isBlank()) return;
    TimeLimit.writeRecord(Path.of(dir), doneElements.get(), submittedElements.get(), listener.durable());
  }

  // ---- growing and shrinking -------------------------------------------------------------

  /**
   * Grows the pool (counts &gt; 0: that many new workers on each node, started all at once) or
   * shrinks it (counts &lt; 0: that many workers per node drained and stopped). Refused with
   * {@link PoolChangeRefusedException} before anything starts when another reconfiguration is
   * under way ({@link PoolChangeRefusedException#busy()}) or a rule is broken ({@link ResizeRules}).
   * The future completes when every new worker serves tasks (grow) or every removed one is gone
   * (shrink); a grow not done within {@code growDeadline} is rolled back and fails with the reason.
   */
  public CompletableFuture<PoolChange> resize(Map<String, Integer> perNode, Duration growDeadline) {
    return elastic.resize(perNode, growDeadline);
  }

  /** The pool now: size, workers per node, slots, what is queued and under way. */
  public PoolStatus poolStatus() {
    long queued;
    long inFlight;
    synchronized (scheduler) {
      queued = scheduler.waiting();
      inFlight = scheduler.inFlight();
    }
    // draining or stopped (ending): no longer in the pool
    int size = (int) links.keySet().stream().filter(id -> !elastic.draining(id)).count();
    return new PoolStatus(baseWorkers(), size, starter == null ? Map.of() : starter.nodeSlots(), elastic.workersPerNode(),
        excludedNodes(), elastic.pending(), elastic.drainingNow().stream().sorted().toList(), queued, inFlight);
  }

  /**
   * Ends the work cleanly (the control command 5): no task is accepted any more, tasks still
   * waiting fail with a {@link TaskLostException} giving {@code reason}, tasks running finish.
   * The future completes when none is left running; the master then closes the executor as usual.
   */
  public CompletableFuture<Void> terminate(String reason) {
    terminatedBecause = reason;
    shutdown();
    failWaiting(reason, false);
    return CompletableFuture.runAsync(() -> {
      try {
        while (!awaitTermination(Duration.ofSeconds(1))) {
          if (closed) return;
        }
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
      }
    }, r -> Thread.ofVirtual().name("jmswk-executor-terminate").start(r));
  }

  int baseWorkers() {
    return options.workers();
  }

  /** True once {@link #shutdown}, {@link #terminate} or {@link #close} was called: no task is accepted any more. */
  public boolean isShutdownRequested() {
    return shutdown;
  }

  void pumpNow() {
    pump();
  }

  void emitStarted(WorkerLink link, String detail) {
    emit("worker-started", link, -1, detail);
  }

  void emitRetired(WorkerLink link) {
    emit("worker-retired", link, -1, "drained and stopped by a shrink");
  }

  // ---- shutting down ---------------------------------------------------------------------

  private final Object termination = new Object();

  private void maybeTerminated() {
    synchronized (termination) {
      termination.notifyAll();
    }
  }

  private boolean idle() {
    synchronized (scheduler) {
      return scheduler.idle() && undelivered.get() == 0;
    }
  }

  /** No more tasks are accepted; those submitted still run. */
  public void shutdown() {
    shutdown = true;
  }

  /** Waits up to {@code bound} for every submitted task to end; true if they all did. */
  public boolean awaitTermination(Duration bound) throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    synchronized (termination) {
      while (!idle()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) return false;
        termination.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 100)));
      }
    }
    return true;
  }

  /**
   * Shuts down, waits for every submitted task to end (each ends: with its output, its failure,
   * or after its crash limit; workers lost are bounded by the liveness verdict), then stops the
   * workers (bounded) and releases the endpoints.
   */
  @Override
  public void close() {
    if (closed) return;
    shutdown();
    closeQuietly(control);
    try {
      while (!awaitTermination(Duration.ofSeconds(1))) {
        if (links.isEmpty() && wantedStarts.get() == 0 && starter == null) break; // nobody will come
        if (links.isEmpty() && startHung) break; // nobody can come
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closed = true;
    List<Task> left;
    synchronized (scheduler) {
      left = scheduler.drainWaiting();
      book.lostUnplaced(left.stream().mapToLong(Task::size).sum());
    }
    for (Task t : left) {
      t.failAll(new TaskLostException("the executor was closed before the task ran"));
      progress.failed(t.size());
    }
    if (timeLimited && doneElements.get() < submittedElements.get()) writeTimeLimitRecord(); // final figures (tasks recalled or refused after the stop)
    for (WorkerLink l : links.values()) l.stop();
    // at the time limit a worker may be inside a long task: its connection is closed sooner, it exits by itself
    long deadline = System.nanoTime() + (timeLimited ? TimeUnit.SECONDS.toNanos(1) : TimeUnit.SECONDS.toNanos(10));
    while (!links.isEmpty() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    for (WorkerLink l : links.values()) l.close();
    monitor.shutdownNow();
    progress.stopPublishing();
    publishProgress(true);
    // A spawn in progress must end before MPI may be finalized (a child left inside MPI_Init
    // would keep the job alive); queued starts see the executor closed and do nothing.
    startThread.shutdown();
    try {
      if (startHung) {
        System.err.println("jmswk executor: closing with a worker start that never returned (see above)");
      } else if (!startThread.awaitTermination(options.startTimeout().toSeconds() + 10, TimeUnit.SECONDS)) {
        System.err.println("jmswk executor: a worker start is still in progress at close");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeQuietly(tcp);
    closeQuietly(unix);
    if (metricsEndpoint != null) metricsEndpoint.close();
    if (starter != null) starter.close();
    try (var files = Files.list(privateDir)) {
      for (Path p : files.toList()) Files.deleteIfExists(p);
      Files.deleteIfExists(privateDir);
    } catch (IOException ignored) {
      // a temporary directory
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) return;
    try {
      c.close();
    } catch (Exception ignored) {
      // releasing only
    }
  }

  static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }

  /** JMSWK_EXECUTOR_BIND, else every interface when workers may be on other nodes, else loopback. */
  private InetAddress bindAddress() throws IOException {
    String bind = System.getenv("JMSWK_EXECUTOR_BIND");
    if (bind != null && !bind.isBlank()) return InetAddress.getByName(bind.strip());
    return multiNode() ? InetAddress.getByName("0.0.0.0") : InetAddress.getLoopbackAddress();
  }

  private String advertisedHost() {
    return multiNode() ? masterHost : InetAddress.getLoopbackAddress().getHostAddress();
  }

  /** True when workers may run on other nodes (the executor then listens on every interface). */
  public boolean multiNode() {
    String bind = System.getenv("JMSWK_EXECUTOR_BIND");
    if (bind != null && !bind.isBlank()) return !InetAddress.getLoopbackAddress().getHostAddress().equals(bind.strip());
    return System.getenv("JMSWK_OMPI_SERVER") != null || System.getenv("SLURM_JOB_NODELIST") != null;
  }
}
