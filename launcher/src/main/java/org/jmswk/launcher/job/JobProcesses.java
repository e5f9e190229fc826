package org.jmswk.launcher.job;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Finds and ends what a job left running. Every process of a job carries
 * {@code JMSWK_JOB_ID=<id>} in its environment (MPI launchers pass their environment to what
 * they start), so the job's processes are found even after they were orphaned; and the launcher
 * makes itself a child subreaper, so orphans of the job script are reparented to it.
 */
public final class JobProcesses {
  private static final int PR_SET_CHILD_SUBREAPER = 36;

  private JobProcesses() {}

  /** prctl(PR_SET_CHILD_SUBREAPER): orphaned descendants become our children, not init's. */
  public static boolean becomeSubreaper() {
    try {
      Linker linker = Linker.nativeLinker();
      MethodHandle prctl = linker.downcallHandle(linker.defaultLookup().find("prctl").orElseThrow(),
          FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG),
          Linker.Option.firstVariadicArg(1));
      return (int) prctl.invokeExact(PR_SET_CHILD_SUBREAPER, 1L) == 0;
    } catch (Throwable t) {
      return false;
    }
  }

  /** As {@link #find(String, String)}, whatever the job's directory. */
  public static List<ProcessHandle> find(String jobId) {
    return find(jobId, null);
  }

  /**
   * Live processes on this machine whose environment holds {@code JMSWK_JOB_ID=jobId} and, when
   * {@code jobDir} is not null, {@code JMSWK_JOB_DIR=jobDir}: job ids are numbered per jobs
   * directory, so two users' (or two test runs') job 1 on one machine are told apart by it. In
   * this process's PID namespace only: root sees the processes of containers in /proc too, and a
   * container cluster's job (whose ids start at 1 as well) is ended inside its containers.
   */
  public static List<ProcessHandle> find(String jobId, String jobDir) {
    byte[] marker = ("JMSWK_JOB_ID=" + jobId).getBytes(StandardCharsets.UTF_8);
    byte[] dirMarker = jobDir == null ? null : ("JMSWK_JOB_DIR=" + jobDir).getBytes(StandardCharsets.UTF_8);
    long self = ProcessHandle.current().pid();
    Path ownNamespace = pidNamespace(Path.of("/proc/self"));
    List<ProcessHandle> found = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : (Iterable<Path>) procs::iterator) {
        String name = p.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit) || Long.parseLong(name) == self) continue;
        if (ownNamespace != null && !ownNamespace.equals(pidNamespace(p))) continue;
        byte[] environ;
        try {
          environ = Files.readAllBytes(p.resolve("environ"));
        } catch (IOException | SecurityException e) {
          continue; // gone, or not ours to read
        }
        if (containsEntry(environ, marker) && (dirMarker == null || containsEntry(environ, dirMarker))) ProcessHandle.of(Long.parseLong(name)).ifPresent(found::add);
      }
    } catch (IOException e) {
      return found;
    }
    return found;
  }

  /** The process's PID namespace ("pid:[inode]"), or null when it cannot be read. */
  private static Path pidNamespace(Path proc) {
    try {
      return Files.readSymbolicLink(proc.resolve("ns/pid"));
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return null;
    }
  }

  private static boolean containsEntry(byte[] environ, byte[] entry) {
    int start = 0;
    for (int i = 0; i <= environ.length; i++) {
      if (i == environ.length || environ[i] == 0) {
        if (i - start == entry.length && java.util.Arrays.equals(environ, start, i, entry, 0, entry.length)) return true;
        start = i + 1;
      }
    }
    return false;
  }

  /**
   * Ends every process of the job: SIGTERM, a grace period, then SIGKILL; returns the pids that
   * were still running at the start (empty when the job left nothing behind).
   */
  public static List<Long> endAll(String jobId, String jobDir, long graceMillis) {
    List<ProcessHandle> left = find(jobId, jobDir);
    List<Long> pids = left.stream().map(ProcessHandle::pid).toList();
    left.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMillis);
    while (System.nanoTime() < deadline && left.stream().anyMatch(ProcessHandle::isAlive)) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    left.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    reapAdopted(pids, deadline + TimeUnit.SECONDS.toNanos(2));
    return pids;
  }

  /**
   * As a subreaper the launcher adopts the job's orphans, so their zombies are its to collect:
   * waitpid on exactly those pids (never -1, which would steal the exit status of processes
   * the JVM started itself).
   */
  private static void reapAdopted(List<Long> pids, long deadlineNanos) {
    MethodHandle waitpid;
    try {
      Linker linker = Linker.nativeLinker();
      waitpid = linker.downcallHandle(linker.defaultLookup().find("waitpid").orElseThrow(),
          FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    } catch (RuntimeException e) {
      return;
    }
    final int wnohang = 1;
    List<Long> pending = new ArrayList<>(pids);
    while (!pending.isEmpty() && System.nanoTime() < deadlineNanos) {
      pending.removeIf(pid -> {
        try {
          int rc = (int) waitpid.invokeExact((int) (long) pid, java.lang.foreign.MemorySegment.NULL, wnohang);
          return rc != 0; // reaped (pid) or not our child (-1)
        } catch (Throwable t) {
          return true;
        }
      });
      if (!pending.isEmpty()) {
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }
}
