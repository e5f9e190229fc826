package org.jmswk.launcher.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jmswk.launcher.Jmswk;
import org.jmswk.launcher.timeline.TimelineJobProgram;
import org.jmswk.testkit.MpiRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jmswk sub} of a real job (real mpiexec, spawned workers, one killed once, some tasks
 * failing) in a pseudo-terminal (util-linux script) and in a pipe: a live bar on the terminal,
 * log lines and no escape sequences in the pipe.
 */
class ProgressTerminalTest {
  private static final int POINTS = 60;
  private static final int FAILED = (POINTS + 3) / 7;

  private static Path script(Path root) throws Exception {
    return Files.write(root.resolve("job.sh"), List.of("#PJM -L node=3", "#PJM --mpi proc=1",
        "mpiexec -n 1 \"$JMSWK_JAVA\" --enable-native-access=ALL-UNNAMED -cp \"$JMSWK_CLASSPATH\" "
            + TimelineJobProgram.class.getName() + " " + POINTS + " 100"));
  }

  private static List<String> jmswk(Path root) throws Exception {
    return new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED", "-cp", MpiRun.absoluteClassPath(), Jmswk.class.getName(), "sub", "--mswk",
        script(root).toString()));
  }

  private static String run(ProcessBuilder pb, Path root) throws Exception {
    pb.environment().putAll(Map.of("JMSWK_JOBS_DIR", root.resolve("jobs").toString(), "JMSWK_PROGRESS_LOG_S", "1",
        "TERM", "xterm"));
    pb.redirectErrorStream(true);
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("jmswk sub did not end within 180 s");
    }
    String text = new String(out, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), text);
    return text;
  }

  @Test
  void aTerminalGetsALiveBarAndAPipeGetsLogLines(@TempDir Path root) throws Exception {
    // a pseudo-terminal of 160 columns: script runs the command with its output on the pty
    String command = "stty cols 160 rows 40; exec " + String.join(" ", jmswk(root).stream().map(ProgressTerminalTest::quote).toList());
    String tty = run(new ProcessBuilder("script", "-qfec", command, "/dev/null"), root);
    Files.writeString(Path.of(System.getProperty("java.io.tmpdir"), "jmswk-progress-tty.txt"), tty); // for a look by hand
    assertTrue(tty.contains("POINTS done " + (POINTS + 1 - FAILED) + " failed " + FAILED), tty);
    int bars = tty.split("\\[#*-*\\] +\\d+% ", -1).length - 1;
    assertTrue(bars >= 3, "the bar is redrawn as the job goes on (" + bars + " times): " + tty);
    assertTrue(tty.contains("\r\u001b[K"), "erased in place with the terminal's own sequences");
    assertTrue(tty.matches("(?s).*\\d+/61 done · \\d+ failed · \\d+ retried · \\d+ running · [-0-9.]+/s · ETA [-0-9:]+"
        + " · \\d workers? · 0 nodes lost.*"), tty);
    // at least the one re-run (a loaded machine may lose a silent worker more)
    assertTrue(tty.matches("(?s).*\\[jmswk\\] tasks: " + (POINTS + 1 - FAILED) + "/61 done · " + FAILED + " failed · [1-9]\\d*"
        + " retried.*"), "a last summary when the job ends: " + tty);
    assertFalse(tty.contains("[jmswk] progress:"), "no log lines on a terminal");

    String pipe = run(new ProcessBuilder(jmswk(root)), root);
    Files.writeString(Path.of(System.getProperty("java.io.tmpdir"), "jmswk-progress-pipe.txt"), pipe);
    assertTrue(pipe.contains("POINTS done"), pipe);
    assertFalse(pipe.contains("\u001b["), "no escape sequences in a pipe: " + pipe);
    assertFalse(pipe.contains("[####"), pipe);
    long logLines = pipe.lines().filter(l -> l.startsWith("[jmswk] progress: ")).count();
    assertTrue(logLines >= 2, "a line per interval (JMSWK_PROGRESS_LOG_S=1) and one at the end: " + pipe);
    assertEquals(logLines, pipe.lines().filter(l -> l.startsWith("[jmswk] progress: ")).distinct().count(),
        "no line repeated: " + pipe);
    assertTrue(pipe.matches("(?s).*\\[jmswk\\] progress: " + (POINTS + 1 - FAILED) + "/61 done · " + FAILED
        + " failed · [1-9]\\d* retried.*"), pipe);
  }

  private static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }
}
