package org.jmswk.examples.spawn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jmswk.testkit.MpiRun;
import org.junit.jupiter.api.Test;

/** The reference spawn flow (SPEC 2.1) end to end under a real mpirun, and its clear failures. */
class SpawnExampleTest {
  private static final Pattern RECEIVED = Pattern.compile("worker (\\d+)/(\\d+) on \\S+: received \"(.*)\"");

  @Test
  void masterAndThreeWorkersExchangeHello() {
    MpiRun.Result r = MpiRun.main(SpawnMaster.class).np(1).slots(4).run().assertExitCode(0);
    assertReceived(r, 3, "Hello");
    r.assertOutputContains("master: on ").assertOutputContains("universe size 4: spawning 3 workers")
        .assertOutputContains("master: done");
  }

  @Test
  void customMessageReachesEveryWorker() {
    String message = "Hi there, \"workers\" & 42";
    MpiRun.Result r = MpiRun.main(SpawnMaster.class, message).np(1).slots(3).run().assertExitCode(0);
    assertReceived(r, 2, message);
  }

  @Test
  void universeOfOneSlotIsRefused() {
    MpiRun.Result r = MpiRun.main(SpawnMaster.class).np(1).slots(1).run().assertFailed();
    r.assertOutputContains("MPI_UNIVERSE_SIZE is 1").assertOutputContains("no room for workers");
    assertTrue(r.stdoutLines().stream().noneMatch(l -> l.startsWith("worker ")), r::describe);
  }

  @Test
  void twoMastersAreRefused() {
    MpiRun.Result r = MpiRun.main(SpawnMaster.class).np(2).slots(4).run().assertFailed();
    r.assertOutputContains("run exactly one master process (mpiexec -n 1), not 2");
    assertTrue(r.stdoutLines().stream().noneMatch(l -> l.startsWith("worker ")), r::describe);
  }

  /** Exactly one {@code received} line per worker rank 0..n-1, each with world size n and the message. */
  private static void assertReceived(MpiRun.Result r, int workers, String message) {
    boolean[] seen = new boolean[workers];
    List<String> lines = r.stdoutLines().stream().filter(l -> l.startsWith("worker ") && l.contains("received"))
        .toList();
    assertEquals(workers, lines.size(), r::describe);
    for (String line : lines) {
      Matcher m = RECEIVED.matcher(line);
      assertTrue(m.matches(), () -> "unexpected line " + line + "\n" + r.describe());
      int rank = Integer.parseInt(m.group(1));
      assertTrue(rank >= 0 && rank < workers && !seen[rank], () -> "rank " + rank + " again or out of range\n"
          + r.describe());
      seen[rank] = true;
      assertEquals(String.valueOf(workers), m.group(2), r::describe);
      assertEquals(message, m.group(3), r::describe);
    }
  }
}
