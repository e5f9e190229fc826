package org.jmswk.mpi;

import java.util.Arrays;
import org.jmswk.testkit.Checks;

/**
 * Run with 1 rank: spawns a command that does not exist. A conforming MPI returns an error
 * (MPIException ERR_SPAWN, or non-zero per-process error codes); Open MPI 4.1's mpirun instead
 * aborts the whole job. The program says which happened.
 */
public final class MissingCommandProgram {
  private MissingCommandProgram() {}

  static final String COMMAND = "/nonexistent/jmswk-no-such-command";

  public static void main(String[] args) {
    MPI.init();
    Checks.say("library " + MPI.libraryVersion().lines().findFirst().orElse("?"));
    Checks.say("spawning " + COMMAND);
    try {
      SpawnResult r = MPI.COMM_SELF.spawn(COMMAND, new String[] {"x"}, 2, null, 0);
      Checks.say("spawn returned error codes " + Arrays.toString(r.errorCodes()));
      if (r.started() < 2) Checks.say("SPAWN-ERROR error codes");
    } catch (MPIException e) {
      Checks.say("SPAWN-ERROR " + e.getErrorClass() + ": " + e.getMessage());
    }
    MPI.finish();
    Checks.say("finalized");
  }
}
