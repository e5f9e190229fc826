package org.jmswk.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jmswk sub --rerun ID}: a real job script run twice in one job directory. */
class SubRerunTest {
  @Test
  void aJobRunsAgainInItsDirectoryWithItsIdArgumentsAndOptions(@TempDir Path root) throws Exception {
    Path script = Files.write(root.resolve("job.sh"), List.of("#PJM -L node=1",
        "echo \"$JMSWK_JOB_ID $1 $GREETING\" >> \"$JMSWK_JOB_DIR/runs\"",
        "[ $(wc -l < \"$JMSWK_JOB_DIR/runs\") -ge 2 ] && exit 0",
        "exit 3"));
    System.setProperty("jmswk.jobs.dir", root.resolve("jobs").toString());
    try {
      Captured.Run first = Captured.run("sub", "-x", "GREETING=hello", script.toString(), "the-arg");
      assertEquals(3, first.exitCode(), first.output());
      Path job;
      try (var dirs = Files.list(root.resolve("jobs"))) {
        job = dirs.filter(Files::isDirectory).findFirst().orElseThrow();
      }
      String id = job.getFileName().toString();
      Captured.Run again = Captured.run("sub", "--rerun", id);
      assertEquals(0, again.exitCode(), "the second run finds the first one's record: " + again.output());
      assertEquals(List.of(id + " the-arg hello", id + " the-arg hello"), Files.readAllLines(job.resolve("runs")));
      assertTrue(Files.exists(job.resolve("output.run-1.txt")), "the first run's output is kept");
      try (var dirs = Files.list(root.resolve("jobs"))) {
        assertEquals(1, dirs.filter(Files::isDirectory).count(), "no new job directory");
      }

      Captured.Run none = Captured.run("sub", "--rerun", "999");
      assertEquals(2, none.exitCode());
      assertTrue(none.output().strip().startsWith("jmswk sub: no job 999 under"), none.output());
      Captured.Run both = Captured.run("sub", "--rerun", id, script.toString());
      assertEquals(2, both.exitCode());
    } finally {
      System.clearProperty("jmswk.jobs.dir");
    }
  }
}
