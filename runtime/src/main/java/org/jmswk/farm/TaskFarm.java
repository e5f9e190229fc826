package org.jmswk.farm;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jmswk.mpi.Comm;
import org.jmswk.mpi.Info;
import org.jmswk.mpi.MPI;
import org.jmswk.mpi.MPIException;
import org.jmswk.mpi.Mswk;
import org.jmswk.mpi.PeerFailedException;
import org.jmswk.mpi.SpawnResult;
import org.jmswk.runtime.JavaCommand;

/**
 * The master side of a task farm over failure-isolating Mswk exchanges; {@link TaskWorker} is
 * its mirror. Workers are Java processes spawned one at a time (MPI_Comm_spawn), each with its
 * own port. The master hands a task to every idle worker, then collects results in the order
 * it handed them out, so all workers compute at once while the master only ever makes bounded
 * calls. A worker that dies costs its task one attempt: the task goes back to the queue, a
 * replacement worker is spawned, and the job goes on. Every task ends with its output or,
 * after {@code maxAttempts}, with a reported failure.
 */
public final class TaskFarm implements AutoCloseable {
  /** A worker as the master knows it. */
  public record WorkerInfo(int id, String port, long pid, String host) {}

  /**
   * Something that happened: "worker-started", "worker-lost", "spawn-failed" or "task-done",
   * with the wall-clock time the master learned of it.
   */
  public record Event(String kind, WorkerInfo worker, int task, String detail, long epochMillis) {}

  private final Class<?> workerMain;
  private final String[] workerArgs;
  private final Info spawnInfo;
  private final int maxAttempts;
  private final Consumer<Event> listener;
  private final List<Worker> workers = new ArrayList<>();
  private int nextWorkerId;

  private static final class Worker {
    final WorkerInfo info;
    final String masterPort;
    int task = -1;        // the task it holds, or -1 when idle
    long handedAt;

    Worker(WorkerInfo info, String masterPort) {
      this.info = info;
      this.masterPort = masterPort;
    }
  }

  private TaskFarm(Class<?> workerMain, String[] workerArgs, Info spawnInfo, int maxAttempts, Consumer<Event> listener) {
    this.workerMain = workerMain;
    this.workerArgs = workerArgs;
    this.spawnInfo = spawnInfo;
    this.maxAttempts = maxAttempts;
    this.listener = listener != null ? listener : e -> { };
  }

  /**
   * Spawns {@code count} workers running {@code workerMain} (which calls
   * {@link TaskWorker#serve}); MPI and {@link Mswk#start()} must be initialized.
   */
  public static TaskFarm start(Class<?> workerMain, String[] workerArgs, int count, Info spawnInfo,
                               int maxAttempts, Consumer<Event> listener) {
    if (count < 1 || maxAttempts < 1) throw new IllegalArgumentException("count and maxAttempts must be >= 1");
    TaskFarm farm = new TaskFarm(workerMain, workerArgs, spawnInfo, maxAttempts, listener);
    for (int i = 0; i < count; i++) farm.replace();
    if (farm.workers.isEmpty()) throw new IllegalStateException("no worker could be started");
    return farm;
  }

  /** The workers alive now. */
  public List<WorkerInfo> workers() {
    return workers.stream().map(w -> w.info).toList();
  }

  /** Runs every task; returns one result per task, in task order. Never throws for a worker's death. */
  public List<TaskResult> run(List<byte[]> tasks) {
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
          Comm c = Mswk.connect(w.info.port(), null, 0, MPI.COMM_SELF);
          Protocol.send(c, task, tasks.get(task));
          Mswk.disconnect(c);
          w.task = task;
          w.handedAt = System.nanoTime();
        } catch (PeerFailedException e) {
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
        Comm c = Mswk.connect(oldest.info.port(), null, 0, MPI.COMM_SELF);
        Protocol.Message m = Protocol.recv(c);
        Mswk.disconnect(c);
        if (m.task() != task) throw new IllegalStateException("worker " + oldest.info.id() + " answered task " + m.task() + ", not " + task);
        oldest.task = -1;
        results[task] = new TaskResult(task, m.body(), null, attempts[task]);
        done++;
        listener.accept(new Event("task-done", oldest.info, task, "", System.currentTimeMillis()));
      } catch (PeerFailedException e) {
        done += lost(oldest, task, e, results, attempts, pending);
      }
    }
    return Arrays.asList(results);
  }

  /** A worker died holding {@code task}: requeue or fail the task, replace the worker. Returns tasks ended. */
  private int lost(Worker w, int task, PeerFailedException e, TaskResult[] results, int[] attempts, Deque<Integer> pending) {
    listener.accept(new Event("worker-lost", w.info, task, e.getMessage(), System.currentTimeMillis()));
    workers.remove(w);
    closeQuietly(w.masterPort);
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

  /** Spawns one worker and takes its registration; false if it did not come up. */
  private boolean spawnWorker() {
    int id = nextWorkerId++;
    String masterPort = MPI.openPort(null);
    try {
      // The port travels on the command line, and the spawn intercommunicator is freed at once:
      // sending on it or disconnecting it would hang if the child died while starting.
      SpawnResult s = MPI.COMM_SELF.spawn(JavaCommand.executable(),
          JavaCommand.arguments(workerMain, Map.of(TaskWorker.MASTER_PORT_PROPERTY, masterPort), workerArgs),
          1, spawnInfo, 0);
      s.intercomm().free();
      if (s.started() != 1) throw new IllegalStateException("spawn reported error code " + s.errorCodes()[0]);
      Comm c = Mswk.accept(masterPort, null, 0, MPI.COMM_SELF);
      String[] hello = Protocol.text(Protocol.recv(c).body()).split("\n");
      Mswk.disconnect(c);
      WorkerInfo info = new WorkerInfo(id, hello[0], Long.parseLong(hello[1]), hello[2]);
      workers.add(new Worker(info, masterPort));
      listener.accept(new Event("worker-started", info, -1, "", System.currentTimeMillis()));
      return true;
    } catch (MPIException | IllegalStateException e) {
      closeQuietly(masterPort);
      listener.accept(new Event("spawn-failed", new WorkerInfo(id, "", -1, ""), -1, e.getMessage(), System.currentTimeMillis()));
      return false;
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
      try {
        Comm c = Mswk.connect(w.info.port(), null, 0, MPI.COMM_SELF);
        Protocol.send(c, Protocol.STOP, new byte[0]);
        Mswk.disconnect(c);
      } catch (PeerFailedException e) {
        listener.accept(new Event("worker-lost", w.info, -1, e.getMessage(), System.currentTimeMillis()));
      }
      closeQuietly(w.masterPort);
    }
    workers.clear();
  }
}
