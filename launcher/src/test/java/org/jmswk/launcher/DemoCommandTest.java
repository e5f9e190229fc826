package org.jmswk.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Runs `jmswk demo` for real: bash runs the job script, mpiexec the master, which spawns workers. */
class DemoCommandTest {
  @Test
  void demoRunsTheSpawnJobAndShowsEachWorkersMessage() {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.out;
    int code;
    try {
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      code = new CommandLine(new Jmswk()).execute("demo", "--workers", "2", "--message", "Bonjour");
    } finally {
      System.setOut(original);
    }
    String out = captured.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, out);
    assertTrue(out.contains("universe size 3: spawning 2 workers"), out);
    assertTrue(out.matches("(?s).*\\n0\\s+\\S+\\s+\"Bonjour\".*"), out);
    assertTrue(out.matches("(?s).*\\n1\\s+\\S+\\s+\"Bonjour\".*"), out);
    assertTrue(out.contains("2 of 2 workers got the message"), out);
    assertTrue(out.contains("demo: OK"), out);
  }
}
