package org.jmswk.mpi;

/** A shutdown call that never returns, for ShutdownBoundTest: the process must end by the bound. */
public final class StuckShutdownProgram {
  private StuckShutdownProgram() {}

  public static void main(String[] args) {
    MPI.statusIfShutdownStuck(Integer.parseInt(args[0]));
    ShutdownBound.run("MPI_Finalize", () -> {
      Thread.sleep(120_000);
      return 0;
    });
    System.exit(99); // not reached while the call is stuck
  }
}
