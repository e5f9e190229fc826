package org.jmswk.mpi;

import java.util.ArrayList;
import java.util.List;
import org.jmswk.testkit.Checks;
import org.jmswk.testkit.MpiRun;
import org.junit.jupiter.api.Test;

/** Dynamic processes under a real mpirun: spawn, spawn_multiple, ports, MPI_THREAD_SINGLE. */
class SpawnTest {

  @Test
  void spawnSpawnMultipleAndPorts() {
    MpiRun.Result result = MpiRun.main(SpawnProgram.class, "8").np(1).slots(8).run();
    List<String> expected = new ArrayList<>(List.of("thread-level-single", "query-thread-single", "universe-size",
        "master-appnum", "connect-bogus-port", "spawn-errcodes", "spawn-started", "spawn-intercomm", "open-port",
        "disconnect-children", "accept", "accepted-exchange-0", "accepted-exchange-1", "disconnect-accepted",
        "multiple-errcodes", "multiple-remote-size", "multiple-disconnect"));
    for (int rank = 0; rank < 2; rank++) {
      for (String n : List.of("rank", "size", "appnum", "wdir", "argv", "default-thread-level", "parent")) {
        expected.add("spawn-child" + rank + "-" + n);
      }
    }
    for (int rank = 0; rank < 3; rank++) {
      for (String n : List.of("size", "appnum", "argv")) expected.add("multiple-child" + rank + "-" + n);
    }
    List<String> all = new ArrayList<>();
    for (String e : expected) all.add("master " + e);
    for (int rank = 0; rank < 2; rank++) {
      all.add("child" + rank + "-A connected-remote-size");
      all.add("child" + rank + "-A disconnected");
    }
    Checks.assertPassed(result, all.toArray(String[]::new));
  }
}
