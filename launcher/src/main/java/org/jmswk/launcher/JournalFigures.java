package org.jmswk.launcher;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jmswk.journal.JournalException;
import org.jmswk.journal.JournalSummary;

/**
 * {@code jmswk stat ID --journal}: a job's task figures (done, failed, retried, time lost to
 * failures) and resume history from its journal, as two tables or as JSON.
 */
final class JournalFigures {
  private JournalFigures() {}

  static int print(Path journal, boolean json) {
    JournalSummary s;
    try {
      s = JournalSummary.read(journal);
    } catch (JournalException e) {
      System.err.println("jmswk stat: " + e.getMessage());
      return 1;
    }
    if (json) {
      System.out.print(Json.write(toMap(s)));
      return 0;
    }
    System.out.printf("%-8s %8s %8s %8s %8s %10s %10s %14s %12s%n", "JOB", "TASKS", "DONE", "FAILED", "RETRIED",
        "RESTARTED", "LOST-ATT", "TIME-LOST-S", "(WORKER/FAIL)");
    System.out.printf(Locale.ROOT, "%-8s %8d %8d %8d %8d %10d %10d %14.1f %5.1f/%.1f%n", s.jobId(), s.tasks(), s.done(),
        s.failed(), s.retried(), s.rerunAcross(), s.lostAttempts(), s.secondsLostToFailures(), s.lostSeconds(),
        s.failedSeconds());
    System.out.println();
    System.out.printf("%-4s %-7s %-24s %-24s %8s %11s %9s %s%n", "RUN", "MODE", "STARTED", "ENDED", "RESTARTS",
        "REDELIVERED", "EXECUTED", "NOTE");
    for (JournalSummary.Run r : s.runs()) {
      System.out.printf("%-4d %-7s %-24s %-24s %8s %11d %9d %s%n", r.run(), r.mode(), r.started(),
          r.ended() == null ? "(did not end cleanly)" : r.ended(), r.restartCount() == null ? "-" : r.restartCount(),
          r.redelivered(), r.executed(), r.note() == null ? "" : r.note());
    }
    return 0;
  }

  static Map<String, Object> toMap(JournalSummary s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("job", s.jobId());
    m.put("tasks", s.tasks());
    m.put("done", s.done());
    m.put("failed", s.failed());
    m.put("retried", s.retried());
    m.put("run_again_after_restart", s.rerunAcross());
    m.put("attempts_lost_with_worker", s.lostAttempts());
    m.put("seconds_lost_to_failures", s.secondsLostToFailures());
    m.put("seconds_lost_with_workers", s.lostSeconds());
    m.put("seconds_in_failed_attempts", s.failedSeconds());
    List<Object> runs = new ArrayList<>();
    for (JournalSummary.Run r : s.runs()) {
      Map<String, Object> run = new LinkedHashMap<>();
      run.put("run", r.run());
      run.put("mode", r.mode());
      run.put("started", r.started().toString());
      run.put("ended", r.ended() == null ? null : r.ended().toString());
      run.put("slurm_restart_count", r.restartCount());
      run.put("redelivered", r.redelivered());
      run.put("executed", r.executed());
      run.put("note", r.note());
      runs.add(run);
    }
    m.put("runs", runs);
    return m;
  }
}
