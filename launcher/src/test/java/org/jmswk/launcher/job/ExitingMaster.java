package org.jmswk.launcher.job;

import org.jmswk.mpi.MPI;
import org.jmswk.mpi.SpawnResult;
import org.jmswk.runtime.JavaCommand;

/**
 * A Java master for the exit-status tests: {@code ExitingMaster MODE [CODE]}. MODE: exit (exit
 * CODE after MPI finalize), abort (MPI_Abort with CODE), killed (SIGKILL to itself), worker-dies
 * (spawns a worker that kills itself, then ends normally). {@code worker} is the spawned side.
 */
public final class ExitingMaster {
  private ExitingMaster() {}

  public static void main(String[] args) throws Exception {
    MPI.init();
    String mode = args[0];
    int code = args.length > 1 ? Integer.parseInt(args[1]) : 0;
    if (mode.equals("worker")) {
      MPI.parent().disconnect();
      System.out.println("java worker: killing itself");
      killSelf();
    }
    System.out.println("java master: world size " + MPI.COMM_WORLD.size() + ", universe size "
        + MPI.universeSize().orElse(-1));
    switch (mode) {
      case "abort" -> MPI.abort(MPI.COMM_WORLD, code);
      case "killed" -> killSelf();
      case "worker-dies" -> {
        SpawnResult s = MPI.COMM_SELF.spawn(JavaCommand.executable(),
            JavaCommand.arguments(ExitingMaster.class, "worker"), 1, null, 0);
        s.intercomm().disconnect();
        Thread.sleep(3000);
        System.out.println("java master: ending normally");
      }
      default -> { }
    }
    MPI.finish();
    System.exit(mode.equals("exit") ? code : 0);
  }

  private static void killSelf() throws Exception {
    new ProcessBuilder("kill", "-KILL", Long.toString(ProcessHandle.current().pid())).inheritIO().start().waitFor();
    Thread.sleep(10_000);
  }
}
