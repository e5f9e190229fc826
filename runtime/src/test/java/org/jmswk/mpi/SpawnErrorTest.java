package org.jmswk.mpi;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.jmswk.testkit.MpiRun;
import org.junit.jupiter.api.Test;

/** Spawning a command that does not exist ends in bounded time, one way or the other. */
class SpawnErrorTest {

  @Test
  void spawnOfMissingCommandFailsBounded() {
    MpiRun.Result r = MpiRun.main(MissingCommandProgram.class).np(1).slots(4)
        .timeout(Duration.ofSeconds(40)).run();
    r.assertOutputContains("spawning " + MissingCommandProgram.COMMAND);
    if (r.exitCode() == 0) {
      // an MPI that reports the failure to the caller: it must say so, and the program goes on
      r.assertOutputContains("SPAWN-ERROR").assertOutputContains("finalized");
    } else {
      // Open MPI 4.1 (ORTE): mpirun aborts the whole job, naming the executable; the spawn never
      // returns to the caller, so no error code can be checked
      r.assertOutputContains("unable to launch the specified application")
          .assertOutputContains(MissingCommandProgram.COMMAND);
      assertFalse(r.stdout().contains("spawn returned"), r::describe);
      assertFalse(r.stdout().contains("finalized"), r::describe);
      assertTrue(r.stdout().contains("Open MPI v4."), () -> "job aborted by an MPI other than Open MPI 4.x\n"
          + r.describe());
    }
  }
}
