package org.jmswk.examples.spawn;

import static org.jmswk.examples.spawn.SpawnMaster.TAG_MESSAGE;
import static org.jmswk.examples.spawn.SpawnMaster.TAG_PORT;
import static org.jmswk.examples.spawn.SpawnMaster.recvString;
import static org.jmswk.examples.spawn.SpawnMaster.sendString;

import org.jmswk.mpi.Comm;
import org.jmswk.mpi.MPI;
import org.jmswk.mpi.MPIException;

/** The workers of the reference dynamic-spawn flow; the mirror of {@link SpawnMaster}. */
public final class SpawnWorker {
  private SpawnWorker() {}

  public static void main(String[] args) {
    MPI.init();
    try {
      run();
      MPI.finish();
    } catch (MPIException | IllegalStateException e) {
      System.err.println("worker: " + e.getMessage());
      System.exit(1);
    }
  }

  static void run() {
    Comm parent = MPI.parent();
    if (parent.isNull()) throw new IllegalStateException("not spawned: start SpawnMaster instead");
    Comm world = MPI.COMM_WORLD;
    int rank = world.rank();
    int size = world.size();
    String host = MPI.processorName();
    say(String.format("worker %d/%d on %s: started", rank, size, host));

    String myPort = rank == 0 ? MPI.openPort(null) : null;
    String masterPort = rank == 0 ? recvString(parent, 0, TAG_PORT) : null;
    parent.disconnect();

    Comm toMaster = world.connect(masterPort, null, 0);
    if (rank == 0) sendString(toMaster, myPort, 0, TAG_PORT);
    toMaster.disconnect();

    Comm fromMaster = world.accept(myPort, null, 0);
    String message = recvString(fromMaster, 0, TAG_MESSAGE);
    fromMaster.disconnect();
    say(String.format("worker %d/%d on %s: received \"%s\"", rank, size, host, message));

    if (rank == 0) MPI.closePort(myPort);
  }

  /** One whole line per write, so lines of several workers never interleave. */
  private static void say(String line) {
    System.out.print(line + System.lineSeparator());
    System.out.flush();
  }
}
