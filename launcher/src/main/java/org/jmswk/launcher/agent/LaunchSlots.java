package org.jmswk.launcher.agent;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The job-wide bound on direct launches under way: {@link #MAX} lock files under the job
 * directory; a launch holds one (an fcntl lock, released by the kernel if its process dies)
 * until its worker has started. Counting works across processes and nodes sharing the job
 * directory.
 */
final class LaunchSlots implements AutoCloseable {
  static final int MAX = 128;
  static final String DIR = "aexe-slots";

  private final List<FileChannel> channels = new ArrayList<>();
  private final List<FileLock> locks = new ArrayList<>();

  private LaunchSlots() {}

  /** Takes {@code n} slots, all or none; null when fewer than {@code n} are free. */
  static LaunchSlots acquire(Path jobDir, int n) throws IOException {
    Path dir = Files.createDirectories(jobDir.resolve(DIR));
    LaunchSlots slots = new LaunchSlots();
    for (int i = 0; i < MAX && slots.locks.size() < n; i++) {
      FileChannel ch = FileChannel.open(dir.resolve(String.format("slot-%03d", i)), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null; // held by this very JVM
      }
      if (lock == null) {
        ch.close();
      } else {
        slots.channels.add(ch);
        slots.locks.add(lock);
      }
    }
    if (slots.locks.size() < n) {
      slots.close();
      return null;
    }
    return slots;
  }

  /** How many slots are held now (by anyone), probing each without keeping it. */
  static int busy(Path jobDir) {
    int busy = 0;
    Path dir = jobDir.resolve(DIR);
    for (int i = 0; i < MAX; i++) {
      Path f = dir.resolve(String.format("slot-%03d", i));
      if (!Files.exists(f)) continue;
      try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
        FileLock l = ch.tryLock();
        if (l == null) busy++;
        else l.release();
      } catch (OverlappingFileLockException e) {
        busy++;
      } catch (IOException e) {
        // unreadable: not counted
      }
    }
    return busy;
  }

  @Override
  public void close() {
    for (FileLock l : locks) {
      try {
        l.release();
      } catch (IOException ignored) {
        // closing the channel releases it too
      }
    }
    for (FileChannel c : channels) {
      try {
        c.close();
      } catch (IOException ignored) {
        // released by the kernel at exit at the latest
      }
    }
    locks.clear();
    channels.clear();
  }
}
