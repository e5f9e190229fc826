package org.jmswk.examples.spawn;

import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;
import org.jmswk.mpi.Comm;
import org.jmswk.mpi.Datatype;
import org.jmswk.mpi.MPI;
import org.jmswk.mpi.MPIException;
import org.jmswk.mpi.SpawnResult;
import org.jmswk.mpi.Status;
import org.jmswk.runtime.JavaCommand;

/**
 * The master of the reference dynamic-spawn flow (SPEC 2.1); {@link SpawnWorker} is its mirror.
 *
 * <pre>
 *   master                                    workers (spawned, one world)
 *   open port P; spawn N workers         -->  root opens port W
 *   send P to worker root; disconnect    -->  receive P from parent; disconnect
 *   accept on P; receive W; disconnect   <--  connect to P; root sends W; disconnect
 *   connect to W; send "Hello"; disconnect -> accept on W; receive, print; disconnect
 *   close P; finalize                         close W; finalize
 * </pre>
 *
 * Usage: {@code mpiexec -n 1 java ... SpawnMaster [MESSAGE]} under a launcher that sets
 * MPI_UNIVERSE_SIZE > 1 (N = universe size - 1).
 */
public final class SpawnMaster {
  static final int TAG_PORT = 1;
  static final int TAG_MESSAGE = 2;

  private SpawnMaster() {}

  public static void main(String[] args) {
    String message = args.length > 0 ? args[0] : "Hello";
    MPI.init();
    try {
      run(message);
      MPI.finish();
    } catch (MPIException | IllegalStateException e) {
      System.err.println("master: " + e.getMessage());
      System.exit(1);
    }
  }

  static void run(String message) {
    int worldSize = MPI.COMM_WORLD.size();
    if (worldSize != 1) {
      throw new IllegalStateException("run exactly one master process (mpiexec -n 1), not " + worldSize);
    }
    OptionalInt universe = MPI.universeSize();
    if (universe.isEmpty()) {
      throw new IllegalStateException("MPI_UNIVERSE_SIZE is not set: start the master through a launcher"
          + " that knows the allocation (jmswk sub, or mpiexec with --host/--hostfile slots)");
    }
    if (universe.getAsInt() <= 1) {
      throw new IllegalStateException("MPI_UNIVERSE_SIZE is " + universe.getAsInt()
          + ": no room for workers; give the job more slots than the master's one");
    }
    int workers = universe.getAsInt() - 1;
    String host = MPI.processorName();
    log("on %s, universe size %d: spawning %d workers", host, universe.getAsInt(), workers);

    String masterPort = MPI.openPort(null);
    SpawnResult spawned = MPI.COMM_SELF.spawn(JavaCommand.executable(),
        JavaCommand.arguments(SpawnWorker.class), workers, null, 0);
    if (spawned.started() != workers) {
      throw new IllegalStateException(spawned.started() + " of " + workers + " workers started");
    }
    Comm children = spawned.intercomm();
    sendString(children, masterPort, 0, TAG_PORT);
    children.disconnect();
    log("sent my port to the workers and disconnected from them");

    Comm fromWorkers = MPI.COMM_SELF.accept(masterPort, null, 0);
    String workerPort = recvString(fromWorkers, 0, TAG_PORT);
    fromWorkers.disconnect();
    log("accepted the workers' connection and received their port");

    Comm toWorkers = MPI.COMM_SELF.connect(workerPort, null, 0);
    for (int rank = 0; rank < toWorkers.remoteSize(); rank++) sendString(toWorkers, message, rank, TAG_MESSAGE);
    toWorkers.disconnect();
    log("connected to the workers' port and sent \"%s\" to %d workers", message, workers);

    MPI.closePort(masterPort);
    log("done");
  }

  static void log(String format, Object... args) {
    System.out.println("master: " + String.format(format, args));
    System.out.flush();
  }

  static void sendString(Comm comm, String text, int dest, int tag) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    comm.send(bytes, bytes.length, Datatype.BYTE, dest, tag);
  }

  static String recvString(Comm comm, int source, int tag) {
    Status incoming = comm.probe(source, tag);
    byte[] bytes = new byte[incoming.count()];
    comm.recv(bytes, bytes.length, Datatype.BYTE, incoming.source(), tag);
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
