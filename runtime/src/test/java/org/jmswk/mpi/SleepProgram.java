package org.jmswk.mpi;

import org.jmswk.testkit.Checks;

/** Prints its pid after MPI_Init, then sleeps far longer than any test waits. */
public final class SleepProgram {
  private SleepProgram() {}

  public static void main(String[] args) throws InterruptedException {
    MPI.init();
    Checks.say("PID " + ProcessHandle.current().pid());
    MPI.COMM_WORLD.barrier();
    Thread.sleep(3_600_000);
  }
}
