package org.jmswk.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Runs `jmswk demo` for real: bash runs the job script, mpiexec the master, which spawns workers. */
class DemoCommandTest {
  @Test
  void demoRunsTheSpawnJobAndShowsEachWorkersMessage() {
    Captured.Run r = Captured.run("demo", "--workers", "2", "--message", "Bonjour");
    String out = r.output();
    assertEquals(0, r.exitCode(), out);
    assertTrue(out.contains("universe size 3: spawning 2 workers"), out);
    assertTrue(out.matches("(?s).*\\n0\\s+\\S+\\s+\"Bonjour\".*"), out);
    assertTrue(out.matches("(?s).*\\n1\\s+\\S+\\s+\"Bonjour\".*"), out);
    assertTrue(out.contains("2 of 2 workers got the message"), out);
    assertTrue(out.contains("demo: OK"), out);
  }
}
