package org.jmswk.farm;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jmswk.mpi.Comm;
import org.jmswk.mpi.Info;
import org.jmswk.mpi.MPI;
import org.jmswk.mpi.MPIException;
import org.jmswk.mpi.Mswk;

/**
 * The master side of a task farm over failure-isolating Mswk exchanges; {@link TaskWorker} is
 * its mirror. Workers are Java processes started one at a time, each with its own port: spawned
 * (MPI_Comm_spawn), or, in a multi-node job that has an ompi-server ({@code JMSWK_OMPI_SERVER},
 * set by {@code jmswk sub --mswk}), each by an mpiexec of its own on a chosen node, so a lost
 * node takes down only its own workers ({@link NodeDomainStarter}). The master hands a task to every idle worker, then collects results in the order
 * it handed them out, so all workers compute at once while the master only ever makes bounded
 * calls. A worker that dies costs its task one attempt: the task goes back to the queue, a
 * replacement worker is started (never on a node found lost), and the job goes on. Every task ends with its output or,
 * after {@code maxAttempts}, with a reported failure.
 */
public final class TaskFarm implements AutoCloseable {
  /** A worker as the master knows it. */
  public record WorkerInfo(int id, String port, long pid, String host) {}

  /**
   * Something that happened: "worker-started", "worker-lost", "spawn-failed", "node-excluded"
   * (detail: the node) or "task-done",
   * with the wall-clock time the master learned of it.
   */
  public record Event(String kind, WorkerInfo worker, int task, String detail, long epochMillis) {}

  /**
   * How long a starting worker has to register: JMSWK_WORKER_START_TIMEOUT_S if set, else the
   * Mswk bound for an unknown peer (JMSWK_MSWK_UNKNOWN_TIMEOUT_MS, default 60 s).
   */
  static long registrationTimeoutMs(String seconds) {
    if (seconds == null || seconds.isBlank()) return 0;
    try {
      long s = Long.parseLong(seconds.strip());
      if (s >= 1 && s <= 86_400) return s * 1000;
    } catch (NumberFormatException ignored) {
      // reported below, with the variable's name
    }
    throw new IllegalArgumentException("JMSWK_WORKER_START_TIMEOUT_S must be whole seconds from 1 to 86400, not '" + seconds + "'");
  }

  /** 0: the Mswk default. Read when the farm starts, so a bad value fails there, not as a failed start. */
  private final long registrationTimeoutMs = registrationTimeoutMs(System.getenv("JMSWK_WORKER_START_TIMEOUT_S"));

  private final WorkerStarter starter;
  private final int maxAttempts;
  private final Consumer<Event> listener;
  private final List<Worker> workers = new ArrayList<>();
  private int nextWorkerId;

  private static final class Worker {
    final WorkerInfo info;
    final String masterPort;
    final String node;    // where the starter placed it ("" when MPI placed it)
    int task = -1;        // the task it holds, or -1 when idle
    long handedAt;

    Worker(WorkerInfo info, String masterPort, String node) {
      this.info = info;
      this.masterPort = masterPort;
      this.node = node;
    }
  }

  private TaskFarm(WorkerStarter starter, int maxAttempts, Consumer<Event> listener) {
    this.starter = starter;
    this.maxAttempts = maxAttempts;
    this.listener = listener != null ? listener : e -> { };
  }

  /**
   * Starts {@code count} workers running {@code workerMain} (which calls
   * {@link TaskWorker#serve}); MPI and {@link Mswk#start()} must be initialized. {@code spawnInfo}
   * is passed to MPI_Comm_spawn (ignored when workers get failure domains of their own).
   */
  public static TaskFarm start(Class<?> workerMain, String[] workerArgs, int count, Info spawnInfo,
                               int maxAttempts, Consumer<Event> listener) {
    if (count < 1 || maxAttempts < 1) throw new IllegalArgumentException("count and maxAttempts must be >= 1");
    TaskFarm farm = new TaskFarm(WorkerStarter.forJob(workerMain, workerArgs, spawnInfo), maxAttempts, listener);
    for (int i = 0; i < count; i++) farm.replace();
    if (farm.workers.isEmpty()) throw new IllegalStateException("no worker could be started");
    return farm;
  }

  /** Nodes found lost (never chosen again while this farm runs), in the order they were lost. */
  public List<String> excludedNodes() {
    return starter.excludedNodes();
  }

  /** The workers alive now. */
  public List<WorkerInfo> workers() {
    return workers.stream().map(w -> w.info).toList();
  }

  /**
   * Runs every task; returns one result per task, in task order. Never throws for a worker's
   * death; a task larger than one message is refused (IllegalArgumentException) before any task runs.
   */
  public List<TaskResult> run(List<byte[]> tasks) {
    for (int i = 0; i < tasks.size(); i++) { // refused before anything runs, not half-way through
      if (tasks.get(i).length > Protocol.MAX_BODY) {
        throw new IllegalArgumentException("task " + i + " has " + tasks.get(i).length + " bytes, more than the "
            + Protocol.MAX_BODY + " byte limit of one message");
      }
    }
    TaskResult[] results = new TaskResult[tasks.size()];
    int[] attempts = new int[tasks.size()];
    Deque<Integer> pending = new ArrayDeque<>();
    for (int i = 0; i < tasks.size(); i++) pending.add(i);
    int done = 0;
    while (done < tasks.size()) {
      // hand a task to every idle worker
      for (Worker w : List.copyOf(workers)) {
        if (w.task >= 0 || pending.isEmpty()) continue;
        int task = pending.poll();
        attempts[task]++;
        try {
          checkDomain(w);
          hand(w, task, tasks.get(task));
          w.task = task;
          w.handedAt = System.nanoTime();
        } catch (MPIException | DomainEndedException e) {
          done += lost(w, task, e, results, attempts, pending);
        }
      }
      Worker oldest = workers.stream().filter(w -> w.task >= 0)
          .min((a, b) -> Long.compare(a.handedAt, b.handedAt)).orElse(null);
      if (oldest == null) {
        if (workers.isEmpty() && !replace()) {
          // nothing can run any more: every pending task fails, none is dropped
          for (int task : pending) {
            results[task] = new TaskResult(task, null, "no worker could be started", attempts[task]);
            done++;
          }
          pending.clear();
        }
        continue;
      }
      int task = oldest.task;
      try {
        checkDomain(oldest);
        Protocol.Message m = exchange(oldest, Protocol::recv);
        if (m.task() != task) throw new IllegalStateException("worker " + oldest.info.id() + " answered task " + m.task() + ", not " + task);
        oldest.task = -1;
        results[task] = new TaskResult(task, m.body(), null, attempts[task]);
        done++;
        listener.accept(new Event("task-done", oldest.info, task, "", System.currentTimeMillis()));
      } catch (MPIException | DomainEndedException e) {
        done += lost(oldest, task, e, results, attempts, pending);
      }
    }
    return Arrays.asList(results);
  }

  /** One exchange that gives worker {@code w} a task (or {@link Protocol#STOP}). */
  private static void hand(Worker w, int task, byte[] body) {
    exchange(w, c -> {
      Protocol.send(c, task, body);
      return null;
    });
  }

  /**
   * One exchange with worker {@code w}: connect, {@code body}, disconnect. Any failure of it
   * (the worker dead, a bound run out, a broken link) costs the master only that worker. After a
   * failure the communicator is released when the worker is known dead; a live worker's
   * disconnect would wait for it.
   */
  private static <T> T exchange(Worker w, Function<Comm, T> body) {
    Comm c = Mswk.connect(w.info.port(), null, 0, MPI.COMM_SELF);
    T result;
    try {
      result = body.apply(c);
    } catch (MPIException e) {
      if (Mswk.peerState(w.info.port()) == Mswk.PeerState.DEAD) {
        try {
          Mswk.disconnect(c);
        } catch (MPIException expected) {
          // freed; the error is the dead peer's
        }
      }
      throw e;
    }
    Mswk.disconnect(c);
    return result;
  }

  /** A worker whose own mpiexec has ended counts as lost, even if its process lingers. */
  private void checkDomain(Worker w) throws DomainEndedException {
    if (starter.domainEnded(w.info.id())) throw new DomainEndedException(w);
  }

  /** The failure domain (the worker's own mpiexec) of a worker ended: the worker, its launcher or its node is gone. */
  private static final class DomainEndedException extends Exception {
    DomainEndedException(Worker w) {
      super("the mpiexec that started worker " + w.info.id() + " on " + w.node + " has ended");
    }
  }

  /** A worker died holding {@code task}: requeue or fail the task, replace the worker. Returns tasks ended. */
  private int lost(Worker w, int task, Exception e, TaskResult[] results, int[] attempts, Deque<Integer> pending) {
    listener.accept(new Event("worker-lost", w.info, task, e.getMessage(), System.currentTimeMillis()));
    workers.remove(w);
    closeQuietly(w.masterPort);
    boolean unreachable = Mswk.peerUnreachable(w.info.port());
    List<String> before = starter.excludedNodes();
    starter.lost(w.info.id(), w.node, unreachable);
    reportExcluded(before);
    int ended = 0;
    if (attempts[task] >= maxAttempts) {
      results[task] = new TaskResult(task, null, "worker " + w.info.id() + " on " + w.info.host()
          + " died on the last of " + attempts[task] + " attempts: " + e.getMessage(), attempts[task]);
      ended = 1;
    } else {
      pending.addFirst(task);
    }
    replace();
    return ended;
  }

  /** Spawns a replacement; false when spawning keeps failing. */
  private boolean replace() {
    return spawnWorker() || spawnWorker();
  }

  /** Starts one worker and takes its registration; false if it did not come up. */
  private boolean spawnWorker() {
    int id = nextWorkerId++;
    String masterPort = MPI.openPort(null);
    String node = null;
    try (Info registration = Info.create()) {
      if (registrationTimeoutMs > 0) registration.set("jmswk_timeout_ms", Long.toString(registrationTimeoutMs));
      node = starter.start(id, java.util.Map.of(TaskWorker.MASTER_PORT_PROPERTY, masterPort));
      Comm c = Mswk.accept(masterPort, registration, 0, MPI.COMM_SELF);
      String[] hello = Protocol.text(Protocol.recv(c).body()).split("\n");
      Mswk.disconnect(c);
      WorkerInfo info = new WorkerInfo(id, hello[0], Long.parseLong(hello[1]), hello[2]);
      workers.add(new Worker(info, masterPort, node));
      listener.accept(new Event("worker-started", info, -1, "", System.currentTimeMillis()));
      return true;
    } catch (Exception e) {
      closeQuietly(masterPort);
      List<String> before = starter.excludedNodes();
      starter.startFailed(id, node);
      listener.accept(new Event("spawn-failed", new WorkerInfo(id, "", -1, node == null ? "" : node), -1,
          e.getMessage(), System.currentTimeMillis()));
      reportExcluded(before);
      return false;
    }
  }

  private void reportExcluded(List<String> before) {
    for (String node : starter.excludedNodes()) {
      if (!before.contains(node)) listener.accept(new Event("node-excluded", null, -1, node, System.currentTimeMillis()));
    }
  }

  private static void closeQuietly(String port) {
    try {
      MPI.closePort(port);
    } catch (MPIException ignored) {
      // the port's owner side is gone; nothing to release
    }
  }

  /** Tells every live worker to stop and releases the ports. */
  @Override
  public void close() {
    for (Worker w : List.copyOf(workers)) {
      if (!stop(w)) listener.accept(new Event("worker-lost", w.info, -1, "gone before it was told to stop", System.currentTimeMillis()));
      closeQuietly(w.masterPort);
    }
    workers.clear();
    starter.close();
  }

  /** Sends worker {@code w} the stop message; false when it is gone. Bounded by the Mswk calls' bounds. */
  private static boolean stop(Worker w) {
    try {
      hand(w, Protocol.STOP, new byte[0]);
      return true;
    } catch (MPIException e) {
      return false;
    }
  }
}
