package org.jmswk.launcher.cluster;

import java.time.Duration;

/**
 * What a command run through the docker CLI gave back.
 *
 * @param exitCode the command's exit status; {@link #TIMED_OUT} (124, as coreutils {@code
 *     timeout} reports it) when the command hit its deadline
 * @param stdout everything the command wrote to standard output
 * @param stderr everything the command wrote to standard error
 * @param elapsed wall-clock time from start to exit
 */
public record ExecResult(int exitCode, String stdout, String stderr, Duration elapsed) {
  /** Exit status of a command that ran out of time (as {@code timeout(1)} reports it). */
  public static final int TIMED_OUT = 124;

  public boolean ok() {
    return exitCode == 0;
  }

  public boolean timedOut() {
    return exitCode == TIMED_OUT;
  }

  /** Both streams, for messages. */
  public String output() {
    return stderr.isEmpty() ? stdout : stdout + (stdout.endsWith("\n") || stdout.isEmpty() ? "" : "\n") + stderr;
  }

  /** Throws with the command's output unless it exited 0. */
  public ExecResult orThrow(String what) {
    if (!ok()) {
      throw new ClusterException(what + " failed with exit code " + exitCode
          + (timedOut() ? " (timed out)" : "") + ":\n" + output().strip());
    }
    return this;
  }
}
