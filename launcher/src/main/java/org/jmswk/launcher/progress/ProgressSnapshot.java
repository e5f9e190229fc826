package org.jmswk.launcher.progress;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Properties;

/**
 * One progress snapshot a job's executor published ({@code $JMSWK_JOB_DIR/progress}, see the
 * runtime's JobProgress): counts of task elements and the state of the worker pool.
 */
record ProgressSnapshot(long timeMillis, long startedMillis, long submitted, long done, long failed, long retried,
                        long running, int workers, int nodesLost, boolean ended) {
  /** Tasks that have ended (done or failed). */
  long finished() {
    return done + failed;
  }

  /** The snapshot in FILE, or null when there is none yet (or it cannot be read: it is for show). */
  static ProgressSnapshot read(Path file) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
      return new ProgressSnapshot(num(p, "time_ms"), num(p, "started_ms"), num(p, "submitted"), num(p, "done"),
          num(p, "failed"), num(p, "retried"), num(p, "running"), (int) num(p, "workers"), (int) num(p, "nodes_lost"),
          Boolean.parseBoolean(p.getProperty("ended")));
    } catch (NoSuchFileException none) {
      return null;
    } catch (IOException | IllegalArgumentException unreadable) {
      return null;
    }
  }

  private static long num(Properties p, String key) {
    String v = p.getProperty(key);
    if (v == null) throw new IllegalArgumentException("no " + key);
    return Long.parseLong(v.strip());
  }
}
