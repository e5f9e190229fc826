package org.jmswk.launcher.agent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

/**
 * {@code $JMSWK_JOB_DIR/broken-nodes}: nodes whose direct launch timed out or failed, one line
 * each ({@code rank=R node=NAME coord=(x,y) time=... reason=...}); a node listed there is not
 * chosen again in this job. Appends hold an exclusive lock on the file, so concurrent aexe
 * calls never interleave lines.
 */
final class BrokenNodes {
  static final String FILE = "broken-nodes";

  private BrokenNodes() {}

  /** Ranks on the list. */
  static Set<Integer> ranks(Path jobDir) {
    Set<Integer> ranks = new HashSet<>();
    Path f = jobDir.resolve(FILE);
    if (!Files.exists(f)) return ranks;
    try {
      for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
        for (String word : line.split("\\s+")) {
          if (word.startsWith("rank=")) {
            try {
              ranks.add(Integer.parseInt(word.substring(5)));
            } catch (NumberFormatException ignored) {
              // a damaged line: skipped
            }
          }
        }
      }
    } catch (IOException e) {
      return ranks;
    }
    return ranks;
  }

  static void add(Path jobDir, int rank, String node, Coordinates coord, String reason) throws IOException {
    String line = "rank=" + rank + " node=" + node + " coord=" + coord + " time=" + Instant.now() + " reason="
        + reason.replaceAll("[\\r\\n]+", " ") + "\n";
    try (FileChannel ch = FileChannel.open(jobDir.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND)) {
      long deadline = System.nanoTime() + 5_000_000_000L;
      FileLock lock = null;
      while (lock == null && System.nanoTime() < deadline) {
        try {
          lock = ch.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
          lock = null;
        }
        if (lock == null) {
          try {
            Thread.sleep(10);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            break;
          }
        }
      }
      try {
        ch.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
      } finally {
        if (lock != null) lock.release();
      }
    }
  }
}
