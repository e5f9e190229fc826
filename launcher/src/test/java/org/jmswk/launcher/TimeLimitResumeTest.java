package org.jmswk.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The time-limit path with real processes: a job (real mpiexec, a Java master with the job's
 * journal, 2 spawned workers that log every execution) whose limit falls mid-run is warned by
 * SIGUSR1 through its mpiexec, stops in time and ends resumable (exit 75, "time limit; N of M
 * tasks done, resumable"); {@code jmswk sub --rerun ID} finishes it without running any task
 * whose result the first run journalled.
 */
class TimeLimitResumeTest {
  private static final int TASKS = 160;

  @Test
  void aJobStoppedAtItsLimitEndsResumableAndTheRerunFinishesIt(@TempDir Path root) throws Exception {
    // 160 tasks of 250 ms on 2 workers: 20 s of work, more than the first run has before its stop
    // at 24 - 12/2 = 18 s even with no start-up at all (144 tasks at most); the rerun has as long
    // for what is left
    Path script = Files.write(root.resolve("job.sh"), List.of("#!/bin/bash", "#PJM -L \"node=3\"",
        "#PJM -L \"elapse=0:24\"",
        "export JMSWK_WORKER_JVM_OPTS=\"-Djmswk.test.log=$JMSWK_JOB_DIR/executions\"",
        "mpiexec \"$JMSWK_JAVA\" --enable-native-access=ALL-UNNAMED -cp \"$JMSWK_CLASSPATH\" "
            + TimeLimitMaster.class.getName() + " " + TASKS + " 250"));
    System.setProperty("jmswk.jobs.dir", root.resolve("jobs").toString());
    // a job id no other test on this machine uses at the same time: the end of a job ends every
    // process whose JMSWK_JOB_ID is its id, whichever jobs directory it came from
    Files.createDirectories(root.resolve("jobs").resolve(Integer.toString(10_000_000 + new java.util.Random().nextInt(80_000_000))));
    try {
      Captured.Run first = Captured.run("sub", "--mswk", "-s", "--signal", "USR1@12", script.toString());
      String id = first.output().replaceAll("(?s).*\\[jmswk\\] job (\\d+) ended.*", "$1");
      Path job = root.resolve("jobs").resolve(id);
      assertEquals(75, first.exitCode(), first.output());
      Set<String> doneFirst = done(first.output());
      assertTrue(!doneFirst.isEmpty() && doneFirst.size() < TASKS, "the limit falls mid-run: " + first.output());
      String reason = "time limit; " + doneFirst.size() + " of " + TASKS + " tasks done, resumable";
      assertTrue(first.output().contains("END REASON   : " + reason + "\n"), first.output());
      assertTrue(first.output().contains("EVENT time-limit-warning SIGUSR1"), "the signal reached the master: "
          + first.output());
      assertTrue(!first.output().contains("EVENT worker-lost"), "workers survive the forwarded signal: " + first.output());
      List<String> ranFirst = executions(job);
      Set<String> cut = new HashSet<>(ranFirst);
      cut.removeAll(doneFirst);
      assertTrue(cut.size() <= 2, "only what ran at the stop is cut, no task is handed out that cannot end: " + cut);

      Captured.Run stat = Captured.run("stat", id);
      assertTrue(stat.output().contains("\"end_reason\": \"" + reason + "\""), stat.output());
      assertTrue(stat.output().contains("\"exit_code\": 75"), stat.output());
      Captured.Run journal = Captured.run("stat", id, "--journal");
      assertTrue(journal.output().contains("stopped at the job's time limit: " + doneFirst.size() + " of " + TASKS),
          journal.output());

      Captured.Run again = Captured.run("sub", "--rerun", id);
      assertEquals(0, again.exitCode(), again.output());
      assertTrue(again.output().contains("RESULT done=" + TASKS + " notrun=0 failed=0"), again.output());
      List<String> ranAgain = executions(job).subList(ranFirst.size(), executions(job).size());
      for (String t : ranAgain) assertTrue(!doneFirst.contains(t), t + " was journalled in the first run and ran again");
      Set<String> all = new HashSet<>(doneFirst);
      all.addAll(ranAgain);
      assertEquals(TASKS, all.size(), "every task done once over the two runs");
      assertEquals(TASKS - doneFirst.size(), new HashSet<>(ranAgain).size(), "the rerun runs exactly the rest");
    } finally {
      System.clearProperty("jmswk.jobs.dir");
    }
  }

  private static Set<String> done(String output) {
    Set<String> s = new HashSet<>();
    Matcher m = Pattern.compile("(?m)^DONE t(\\d+)$").matcher(output);
    while (m.find()) s.add("k" + m.group(1));
    return s;
  }

  /** Tasks the workers started, in order ("kI"), from their log. */
  private static List<String> executions(Path job) throws Exception {
    Path log = job.resolve("executions");
    return Files.exists(log) ? Files.readAllLines(log).stream().map(l -> l.split(" ")[0].replaceAll(".*:", "")).toList()
        : List.of();
  }
}
