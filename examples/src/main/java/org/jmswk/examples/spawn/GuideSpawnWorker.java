package org.jmswk.examples.spawn;

import static org.jmswk.examples.spawn.GuideSpawnMaster.STOP;
import static org.jmswk.examples.spawn.GuideSpawnMaster.TAG_PORT;
import static org.jmswk.examples.spawn.GuideSpawnMaster.TAG_RESULT;
import static org.jmswk.examples.spawn.GuideSpawnMaster.TAG_TASK;
import static org.jmswk.examples.spawn.GuideSpawnMaster.recvText;
import static org.jmswk.examples.spawn.GuideSpawnMaster.say;
import static org.jmswk.examples.spawn.GuideSpawnMaster.sendText;

import org.jmswk.mpi.Comm;
import org.jmswk.mpi.Datatype;
import org.jmswk.mpi.MPI;
import org.jmswk.mpi.MPIException;
import org.jmswk.mpi.Mswk;

/**
 * The worker of {@link GuideSpawnMaster}: receives its port name from the parent, disconnects,
 * then connects to the master for each task ({@link Mswk#connect}), computes task² in task_ms
 * milliseconds (argument, default 500), answers "RESULT HOST" and disconnects, until told to stop.
 */
public final class GuideSpawnWorker {
  private GuideSpawnWorker() {}

  public static void main(String[] args) throws InterruptedException {
    long taskMs = args.length > 0 ? Long.parseLong(args[0]) : 500;
    MPI.init();
    Mswk.start();
    int status = 0;
    try {
      work(taskMs);
    } catch (MPIException | IllegalStateException e) {
      System.err.println("worker: " + e.getMessage());
      status = 3;
    }
    Mswk.stop();
    MPI.finish();
    System.exit(status);
  }

  private static void work(long taskMs) throws InterruptedException {
    Comm parent = MPI.parent();
    if (parent.isNull()) throw new IllegalStateException("not spawned: start GuideSpawnMaster instead");
    String host = MPI.processorName();
    int remote = parent.remoteSize();
    String port = recvText(parent, TAG_PORT);
    parent.disconnect();
    say("worker started on " + host + " (parent group of " + remote + ")");
    for (;;) {
      Comm c = Mswk.connect(port, null, 0, MPI.COMM_SELF);
      int[] task = new int[1];
      c.recv(task, 1, Datatype.INT, 0, TAG_TASK);
      if (task[0] == STOP) {
        Mswk.disconnect(c);
        return;
      }
      Thread.sleep(taskMs);
      sendText(c, task[0] * task[0] + " " + host, TAG_RESULT);
      Mswk.disconnect(c);
    }
  }
}
