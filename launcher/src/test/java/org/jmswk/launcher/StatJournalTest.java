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
      j.beforeDelivery(List.of(new Outcome(0, in, null), new Outcome(1, null, new RemoteTaskException("E", "m", "t"))));
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
      assertTrue(r.output().contains("tasks 3, done 3 (failed 1), retried after a worker died 0, run again after a restart 1"),
          r.output());
      assertTrue(r.output().contains("run 1: resume") && r.output().contains("re-delivered 0, executed 2"), r.output());
      assertTrue(r.output().contains("run 2: resume") && r.output().contains("SLURM_RESTART_COUNT 2")
          && r.output().contains("re-delivered 2, executed 1"), r.output());

      Files.writeString(Files.createDirectories(root.resolve("42")).resolve("journal.sqlite"), "not a journal");
      Captured.Run bad = Captured.run("stat", "42", "--journal");
      assertEquals(1, bad.exitCode());
      assertTrue(bad.output().startsWith("jmswk stat: journal ") && bad.output().strip().lines().count() == 1, bad.output());
    } finally {
      System.clearProperty("jmswk.jobs.dir");
    }
  }
}
