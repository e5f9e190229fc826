package org.jmswk.examples.spawn;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.jmswk.mpi.Comm;
import org.jmswk.mpi.Datatype;
import org.jmswk.mpi.MPI;
import org.jmswk.mpi.MPIException;
import org.jmswk.mpi.Mswk;
import org.jmswk.mpi.PeerFailedException;
import org.jmswk.mpi.SpawnResult;
import org.jmswk.mpi.Status;
import org.jmswk.runtime.JavaCommand;

/**
 * A Java master in the vendor guide's style, the twin of the C master native/test/spawn_domains.c:
 * it spawns one worker per call ({@code MPI.COMM_SELF.spawn(..., 1, ...)}), sends each its own
 * port name over the spawn intercommunicator and disconnects at once; then, round after round,
 * it accepts each worker's connection on that port ({@link Mswk#accept}), sends it a task and
 * receives the result (plain {@link Comm#send}/{@link Comm#probe}/{@link Comm#recv}) and
 * disconnects ({@link Mswk#disconnect}). A worker whose exchange fails with {@link
 * PeerFailedException} is replaced by a new spawn and its task queued again.
 *
 * <p>In a multi-node {@code jmswk sub --mswk} job each spawn call gives its workers a failure
 * domain of their own (libjmswk's domain-split spawn: one mpiexec per call), so a lost node costs
 * only the workers of the calls that had one there. With "all", the first workers are spawned in
 * one call (one world, rank w gets port w); Open MPI 4.1 ends all of a call's workers when one of
 * them or one of their nodes is lost, and each lost one is replaced by a spawn of its own.
 *
 * <p>Usage: {@code GuideSpawnMaster [workers] [tasks] [task_ms] [one|all]} (workers default to
 * MPI_UNIVERSE_SIZE - 1, tasks to 20, task_ms to 500, "one" worker per call). Output as the C master's: "worker started
 * on HOST", "result T from HOST", "master: worker W lost (peer dead) ...", "master: N of N tasks
 * done, L workers lost", then the median spawn and exchange times. Exit 0 when every task is done.
 */
public final class GuideSpawnMaster {
  static final int TAG_PORT = 0;
  static final int TAG_TASK = 1;
  static final int TAG_RESULT = 2;
  static final int STOP = -1;

  private final String taskMs;
  private final String[] ports;
  private final List<Double> spawnMs = new ArrayList<>();
  private final List<Double> exchangeMs = new ArrayList<>();

  private final boolean allInOneCall;

  private GuideSpawnMaster(int workers, String taskMs, boolean allInOneCall) {
    this.taskMs = taskMs;
    this.allInOneCall = allInOneCall;
    this.ports = new String[workers];
  }

  public static void main(String[] args) {
    MPI.init();
    Mswk.start();
    int status;
    try {
      int workers = args.length > 0 ? Integer.parseInt(args[0]) : MPI.universeSize().orElse(3) - 1;
      int tasks = args.length > 1 ? Integer.parseInt(args[1]) : 20;
      String taskMs = args.length > 2 ? Integer.toString(Integer.parseInt(args[2])) : "500";
      String mode = args.length > 3 ? args[3] : "one";
      if (workers < 1) throw new IllegalArgumentException("workers must be at least 1, not " + workers);
      if (!mode.equals("one") && !mode.equals("all")) throw new IllegalArgumentException("mode is one or all, not " + mode);
      status = new GuideSpawnMaster(workers, taskMs, mode.equals("all")).run(tasks) ? 0 : 1;
    } catch (MPIException | IllegalArgumentException e) {
      System.err.println("master: " + e.getMessage());
      status = 2;
    }
    Mswk.stop();
    MPI.finish();
    System.exit(status);
  }

  /** Spawns worker w (one process), gives it its port, lets go of the spawn intercommunicator. */
  private void spawnWorker(int w) {
    double t0 = MPI.wtime();
    SpawnResult spawned = MPI.COMM_SELF.spawn(JavaCommand.executable(),
        JavaCommand.arguments(GuideSpawnWorker.class, taskMs), 1, null, 0);
    Comm child = spawned.intercomm();
    int remote = child.remoteSize();
    sendText(child, ports[w], TAG_PORT);
    child.disconnect();
    spawnMs.add((MPI.wtime() - t0) * 1e3);
    if (remote != 1) say("master: spawn intercomm has " + remote + " remote processes");
  }

  /** Spawns every worker in one call (rank w is worker w), gives each its port, lets go. */
  private void spawnAll() {
    double t0 = MPI.wtime();
    SpawnResult spawned = MPI.COMM_SELF.spawn(JavaCommand.executable(),
        JavaCommand.arguments(GuideSpawnWorker.class, taskMs), ports.length, null, 0);
    Comm children = spawned.intercomm();
    int remote = children.remoteSize();
    for (int w = 0; w < ports.length; w++) {
      byte[] bytes = ports[w].getBytes(StandardCharsets.UTF_8);
      children.send(bytes, bytes.length, Datatype.BYTE, w, TAG_PORT);
    }
    children.disconnect();
    spawnMs.add((MPI.wtime() - t0) * 1e3);
    say(String.format("master: spawned %d workers in one call in %.1f ms", remote, spawnMs.getLast()));
  }

  private void lost(int w, String where, int task, ArrayDeque<Integer> queue) {
    say("master: worker " + w + " lost (peer dead) in " + where + " of task " + task);
    queue.add(task);
    spawnWorker(w);
  }

  private boolean run(int ntasks) {
    ArrayDeque<Integer> queue = new ArrayDeque<>();
    for (int t = 0; t < ntasks; t++) queue.add(t);
    boolean[] done = new boolean[ntasks];
    int ndone = 0;
    int lostWorkers = 0;
    for (int w = 0; w < ports.length; w++) ports[w] = MPI.openPort(null);
    if (allInOneCall) spawnAll();
    else for (int w = 0; w < ports.length; w++) spawnWorker(w);
    while (ndone < ntasks) {
      Comm[] comm = new Comm[ports.length];
      int[] task = new int[ports.length];
      Arrays.fill(task, -1);
      int exchanges = 0;
      int lostBefore = lostWorkers;
      double t0 = MPI.wtime();
      for (int w = 0; w < ports.length && !queue.isEmpty(); w++) { // hand out a task to each worker
        task[w] = queue.poll();
        try {
          comm[w] = Mswk.accept(ports[w], null, 0, MPI.COMM_SELF);
          comm[w].send(new int[] {task[w]}, 1, Datatype.INT, 0, TAG_TASK);
        } catch (PeerFailedException e) {
          release(comm[w]);
          comm[w] = null;
          lostWorkers++;
          lost(w, "accept/send", task[w], queue);
        }
      }
      for (int w = 0; w < ports.length; w++) { // collect
        if (comm[w] == null) continue;
        try {
          String[] reply = recvText(comm[w], TAG_RESULT).split(" ", 2);
          int result = Integer.parseInt(reply[0]);
          if (result == task[w] * task[w] && !done[task[w]]) {
            done[task[w]] = true;
            ndone++;
          }
          exchanges++;
          say("result " + task[w] + " from " + reply[1]);
          Mswk.disconnect(comm[w]);
        } catch (PeerFailedException e) {
          release(comm[w]);
          lostWorkers++;
          lost(w, "recv", task[w], queue);
        }
      }
      // one exchange = accept + send + recv + disconnect (with task_ms 0, the Mswk cost)
      if (exchanges > 0 && lostWorkers == lostBefore) exchangeMs.add((MPI.wtime() - t0) * 1e3 / exchanges);
    }
    for (String port : ports) { // stop the workers
      try {
        Comm c = Mswk.accept(port, null, 0, MPI.COMM_SELF);
        c.send(new int[] {STOP}, 1, Datatype.INT, 0, TAG_TASK);
        Mswk.disconnect(c);
      } catch (PeerFailedException e) {
        // that worker is gone already: nothing to stop
      }
      MPI.closePort(port);
    }
    say("master: " + ndone + " of " + ntasks + " tasks done, " + lostWorkers + " workers lost");
    say(String.format("master: median spawn %.1f ms (%d spawns), median exchange %.3f ms (%d rounds)",
        median(spawnMs), spawnMs.size(), median(exchangeMs), exchangeMs.size()));
    return ndone == ntasks;
  }

  /** A dead worker's communicator is freed, not waited for. */
  private static void release(Comm c) {
    if (c == null || c.isNull()) return;
    try {
      Mswk.disconnect(c);
    } catch (PeerFailedException e) {
      // expected: the peer is dead, the communicator is released all the same
    }
  }

  static double median(List<Double> values) {
    if (values.isEmpty()) return 0;
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  static void sendText(Comm comm, String text, int tag) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    comm.send(bytes, bytes.length, Datatype.BYTE, 0, tag);
  }

  /** A text of any length: probed first, then received. */
  static String recvText(Comm comm, int tag) {
    Status incoming = comm.probe(0, tag);
    byte[] bytes = new byte[incoming.count()];
    comm.recv(bytes, bytes.length, Datatype.BYTE, 0, tag);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** One whole line per write. */
  static void say(String line) {
    System.out.print(line + System.lineSeparator());
    System.out.flush();
  }
}
