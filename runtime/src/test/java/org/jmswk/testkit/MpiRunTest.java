package org.jmswk.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jmswk.mpi.SleepProgram;
import org.junit.jupiter.api.Test;

/** The kit itself: the timeout kills the whole job and reports the output captured so far. */
class MpiRunTest {

  @Test
  void timeoutKillsEveryRankAndKeepsTheOutput() throws Exception {
    MpiRun run = MpiRun.main(SleepProgram.class).np(2).timeout(Duration.ofSeconds(6));
    long t0 = System.nanoTime();
    AssertionError e = assertThrows(AssertionError.class, run::run);
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
    assertTrue(seconds < 20, "took " + seconds + " s");
    assertTrue(e.getMessage().contains("did not finish within 6 s"), e.getMessage());
    List<Long> pids = e.getMessage().lines().filter(l -> l.startsWith("PID ")).map(l -> Long.parseLong(l.substring(4)))
        .toList();
    assertEquals(2, pids.size(), e.getMessage());
    for (long pid : pids) {
      assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "rank pid " + pid + " survived");
    }
  }

  @Test
  void commandLineUsesThisJdkAndClassPath() {
    List<String> cmd = MpiRun.main(SleepProgram.class, "a b").np(3).slots(5).env("X_Y", "1").command();
    assertEquals("mpirun", cmd.get(0));
    assertTrue(cmd.contains(System.getProperty("java.home") + "/bin/java"), cmd::toString);
    assertTrue(cmd.contains("--enable-native-access=ALL-UNNAMED"), cmd::toString);
    assertEquals("localhost:5", cmd.get(cmd.indexOf("--host") + 1));
    assertEquals("3", cmd.get(cmd.indexOf("-np") + 1));
    assertTrue(cmd.contains("X_Y"), cmd::toString);
    assertEquals(List.of(SleepProgram.class.getName(), "a b"), cmd.subList(cmd.size() - 2, cmd.size()));
  }
}
