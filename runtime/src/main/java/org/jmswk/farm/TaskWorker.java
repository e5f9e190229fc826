package org.jmswk.farm;

import java.util.function.UnaryOperator;
import org.jmswk.mpi.Comm;
import org.jmswk.mpi.Info;
import org.jmswk.mpi.MPI;
import org.jmswk.mpi.Mswk;

/**
 * The worker side of a {@link TaskFarm}, its mirror: register with the master, then serve
 * tasks until told to stop. Every exchange is one Mswk connect/accept, send/recv, disconnect,
 * always initiated by the master. A worker whose master dies exits by itself (the Mswk
 * liveness service sees to that).
 *
 * <pre>
 *   public static void main(String[] args) {
 *     TaskWorker.serve(input -> compute(input));
 *   }
 * </pre>
 */
public final class TaskWorker {
  /** System property that carries the master's port to a spawned worker. */
  public static final String MASTER_PORT_PROPERTY = "jmswk.master.port";

  private TaskWorker() {}

  /** MPI init, registration, the task loop with {@code work}, finalize. */
  public static void serve(UnaryOperator<byte[]> work) {
    exitWithLauncher();
    MPI.initWorker();
    Mswk.start();
    try {
      serveTasks(work);
    } finally {
      Mswk.stop();
      MPI.finish();
    }
  }

  /** How often a worker looks whether the process that started it (its mpiexec or MPI daemon) is still there. */
  private static final long LAUNCHER_POLL_MS = 250;

  /**
   * A worker whose launcher (the mpiexec or daemon that started it) is killed is cut from its
   * MPI job: it exits (status 71) instead of lingering as an orphan on a node its master no
   * longer uses. Open MPI does not end the process itself when its daemon dies by SIGKILL.
   */
  public static void exitWithLauncher() {
    ProcessHandle launcher = ProcessHandle.current().parent().filter(p -> p.pid() > 1).orElse(null);
    if (launcher == null) return;
    Thread watch = new Thread(() -> {
      while (launcher.isAlive()) {
        try {
          Thread.sleep(LAUNCHER_POLL_MS);
        } catch (InterruptedException e) {
          return;
        }
      }
      System.err.println("worker: its launcher (pid " + launcher.pid() + ") has ended; exiting");
      Runtime.getRuntime().halt(71);
    }, "jmswk-launcher-watch");
    watch.setDaemon(true);
    watch.start();
  }

  private static void serveTasks(UnaryOperator<byte[]> work) {
    String masterPort = System.getProperty(MASTER_PORT_PROPERTY);
    if (masterPort == null) {
      throw new IllegalStateException("TaskWorker: not started by a TaskFarm master (no -D" + MASTER_PORT_PROPERTY + ")");
    }
    // Spawned: the master freed its side at once, only Mswk exchanges from here on. Started by
    // an mpiexec of its own (a failure domain per worker): there is no parent at all.
    Comm parent = MPI.parent();
    if (!parent.isNull()) parent.free();

    String myPort = MPI.openPort(null);
    Comm c = Mswk.connect(masterPort, null, 0, MPI.COMM_SELF);
    Protocol.send(c, 0, Protocol.utf8(myPort + "\n" + ProcessHandle.current().pid() + "\n" + MPI.processorName()));
    Mswk.disconnect(c);

    try (Info fromMaster = Info.create().set("jmswk_peer", masterPort)) {
      while (true) {
        Comm in = Mswk.accept(myPort, fromMaster, 0, MPI.COMM_SELF);
        Protocol.Message task = Protocol.recv(in);
        Mswk.disconnect(in);
        if (task.task() == Protocol.STOP) break;
        byte[] output = work.apply(task.body());
        Comm out = Mswk.accept(myPort, fromMaster, 0, MPI.COMM_SELF);
        Protocol.send(out, task.task(), output);
        Mswk.disconnect(out);
      }
    }
    MPI.closePort(myPort);
  }
}
