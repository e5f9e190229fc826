package org.jmswk.mpi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ShutdownBoundTest {
  @Test
  void finalizeBoundIsWholeSecondsElseTheDefault() {
    assertEquals(60, ShutdownBound.seconds(null));
    assertEquals(5, ShutdownBound.seconds("5"));
    assertEquals(60, ShutdownBound.seconds("1.5"));
    assertEquals(60, ShutdownBound.seconds("0"));
  }

  @Test
  void aStuckShutdownEndsTheProcessWithTheChosenStatusAndSaysWhy() throws Exception {
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), StuckShutdownProgram.class.getName(), "7").redirectErrorStream(true);
    pb.environment().put("JMSWK_FINALIZE_TIMEOUT_S", "1");
    Process p = pb.start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the bound ended the process");
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(7, p.exitValue(), out);
    assertTrue(out.contains("MPI_Finalize did not return within 1 s"), out);
  }
}
