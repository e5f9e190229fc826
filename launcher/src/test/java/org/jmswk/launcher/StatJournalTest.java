package org.jmswk.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jmswk.executor.ExecutorListener.Outcome;
import org.jmswk.executor.RemoteTaskException;
import org.jmswk.journal.Journal;
import org.jmswk.journal.JournalSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jmswk stat ID --journal} over a job directory with a journal of two runs. */
class StatJournalTest {
  @Test
  void printsTheTaskFiguresAndTheResumeHistory(@TempDir Path root) throws Exception {
    Path job = Files.createDirectories(root.resolve("41"));
    JournalSettings s = new JournalSettings(job.resolve("journal.sqlite"), "41", false, true, -1);
    byte[] in = "x".getBytes(StandardCharsets.UTF_8);
    try (Journal j = Journal.open(s)) {
      j.submitted(0, "a", in);
      j.submitted(1, "b", in);
      j.submitted(2, "c", in);
      j.beforeDelivery(List.of(new Outcome(0, in, null, 0, 1, 1_000_000, 2_000_000),
          new Outcome(1, null, new RemoteTaskException("E", "m", "t"), 1, 2, 1_000_000, 3_500_000)));
      j.attemptLost(1, 0, 1, 0, 4_000_000, true); // b's first attempt: 4 s lost with its worker
    }
    try (Journal j = Journal.open(new JournalSettings(s.file(), "41", false, true, 2))) {
      j.recall("a", in);
      j.recall("b", in);
      j.recall("c", in);
      j.submitted(5, "c", in);
      j.beforeDelivery(List.of(new Outcome(5, in, null)));
    }
    System.setProperty("jmswk.jobs.dir", root.toString());
    try {
      Captured.Run r = Captured.run("stat", "41", "--journal");
      assertEquals(0, r.exitCode(), r.output());
      List<String> lines = r.output().lines().toList();
      assertTrue(lines.get(0).matches("JOB +TASKS +DONE +FAILED +RETRIED +RESTARTED +LOST-ATT +TIME-LOST-S.*"), r.output());
      assertTrue(lines.get(1).matches("41 +3 +3 +1 +0 +1 +1 +6\\.5 +4\\.0/2\\.5"), "6.5 s lost: 4 s with a worker, 2.5 s"
          + " in the attempt that threw: " + r.output());
      assertTrue(lines.get(3).startsWith("RUN  MODE"), r.output());
      assertTrue(lines.get(4).matches("1 +resume .* +- +0 +2 *"), r.output());
      assertTrue(lines.get(5).matches("2 +resume .* +2 +2 +1 *"), "SLURM_RESTART_COUNT 2, re-delivered 2, executed 1: "
          + r.output());

      Captured.Run json = Captured.run("stat", "41", "--journal", "--json");
      assertEquals(0, json.exitCode(), json.output());
      assertTrue(json.output().contains("\"seconds_lost_to_failures\": 6.5") && json.output().contains("\"done\": 3")
          && json.output().contains("\"slurm_restart_count\": 2"), json.output());

      Files.writeString(Files.createDirectories(root.resolve("42")).resolve("journal.sqlite"), "not a journal");
      Captured.Run bad = Captured.run("stat", "42", "--journal");
      assertEquals(1, bad.exitCode());
      assertTrue(bad.output().startsWith("jmswk stat: journal ") && bad.output().strip().lines().count() == 1, bad.output());
    } finally {
      System.clearProperty("jmswk.jobs.dir");
    }
  }
}
