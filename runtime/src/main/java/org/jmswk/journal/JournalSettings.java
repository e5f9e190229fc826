package org.jmswk.journal;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where a job's journal lives and how it is opened, from the environment (README, Journal):
 * {@code JMSWK_JOURNAL_PATH} (default {@code $JMSWK_JOB_DIR/journal.sqlite}), {@code
 * JMSWK_JOURNAL} ({@code resume}, the default: results of earlier runs of the job are
 * re-delivered; {@code fresh}: the old journal is set aside as {@code journal.sqlite.old} and
 * everything runs again), {@code JMSWK_JOURNAL_SYNC} ({@code full}, the default: a result is on
 * disk before its future completes, even across a power loss; {@code normal}: it survives a
 * crash of the master but the last commits may be lost with the machine). The job is {@code
 * JMSWK_JOB_ID}, else {@code SLURM_JOB_ID}; {@code SLURM_RESTART_COUNT} is recorded per run.
 *
 * @param fullSync     fsync on every group commit (synchronous=FULL) rather than at checkpoints
 * @param restartCount the batch system's requeue count for this run, -1 when unknown
 */
public record JournalSettings(Path file, String jobId, boolean fresh, boolean fullSync, int restartCount) {
  public JournalSettings {
    if (jobId == null || jobId.isBlank()) throw new JournalException("a journal needs a job id");
  }

  public static JournalSettings fromEnv() {
    return fromEnv(System.getenv());
  }

  static JournalSettings fromEnv(Map<String, String> env) {
    String job = first(env, "JMSWK_JOB_ID", "SLURM_JOB_ID");
    if (job == null) {
      throw new JournalException("no job id for the journal: set JMSWK_JOB_ID (jmswk sub and Slurm set one)");
    }
    String path = first(env, "JMSWK_JOURNAL_PATH");
    if (path == null) {
      String dir = first(env, "JMSWK_JOB_DIR");
      if (dir == null) {
        throw new JournalException("no place for the journal: set JMSWK_JOB_DIR (jmswk sub sets it) or JMSWK_JOURNAL_PATH");
      }
      path = Path.of(dir, "journal.sqlite").toString();
    }
    String mode = env.getOrDefault("JMSWK_JOURNAL", "resume").strip();
    if (!mode.equals("resume") && !mode.equals("fresh")) {
      throw new JournalException("JMSWK_JOURNAL must be resume or fresh, not '" + mode + "'");
    }
    String sync = env.getOrDefault("JMSWK_JOURNAL_SYNC", "full").strip();
    if (!sync.equals("full") && !sync.equals("normal")) {
      throw new JournalException("JMSWK_JOURNAL_SYNC must be full or normal, not '" + sync + "'");
    }
    int restarts = -1;
    String rc = first(env, "SLURM_RESTART_COUNT");
    if (rc != null) {
      try {
        restarts = Integer.parseInt(rc);
      } catch (NumberFormatException e) {
        throw new JournalException("SLURM_RESTART_COUNT must be a whole number, not '" + rc + "'");
      }
    }
    return new JournalSettings(Path.of(path), job, mode.equals("fresh"), sync.equals("full"), restarts);
  }

  private static String first(Map<String, String> env, String... names) {
    for (String n : names) {
      String v = env.get(n);
      if (v != null && !v.isBlank()) return v.strip();
    }
    return null;
  }
}
