package org.jmswk.agent;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * How a task ended. Every task submitted to an {@link AgentPool} ends with exactly one result,
 * never silently: {@link Status#EXITED} or {@link Status#SIGNALED} when a worker ran to its end,
 * otherwise a failure status with a message and the history of its attempts.
 *
 * @param taskId    the pool's id of the task
 * @param status    how it ended
 * @param exitCode  the worker's exit code, or -1 when it did not exit normally
 * @param signal    the signal that killed the worker, or 0
 * @param stdout    captured standard output (the tail when truncated)
 * @param stderr    captured standard error (the tail when truncated)
 * @param truncated whether captured output was cut to the agent's limit
 * @param node      the node of the (last) agent that ran it, or null
 * @param attempts  how many times it was started
 * @param history   one line per attempt that did not end it (agent lost, ...)
 * @param message   what went wrong, or "" for EXITED
 * @param elapsed   worker run time of the last attempt (zero if it never started)
 */
public record WorkerResult(String taskId, Status status, int exitCode, int signal, byte[] stdout, byte[] stderr,
                           boolean truncated, String node, int attempts, List<String> history, String message,
                           Duration elapsed) {
  public enum Status {
    /** The worker exited by itself; see exitCode. */
    EXITED,
    /** The worker was killed by a signal it was not asked to get; see signal. */
    SIGNALED,
    /** The worker ran longer than its spec's timeout and was killed. */
    TIMED_OUT,
    /** The agent could not start the worker (no such program, bad directory, ...). */
    LAUNCH_FAILED,
    /** The agents running it were lost more often than the task may be attempted. */
    LOST,
    /** No agent took the task within the pool's queue timeout. */
    NO_AGENT,
    /** Cancelled by the caller, or the pool was closed first. */
    CANCELLED
  }

  public WorkerResult {
    history = List.copyOf(history);
  }

  /** EXITED with exit code 0. */
  public boolean ok() {
    return status == Status.EXITED && exitCode == 0;
  }

  public String stdoutText() {
    return new String(stdout, StandardCharsets.UTF_8);
  }

  public String stderrText() {
    return new String(stderr, StandardCharsets.UTF_8);
  }

  /** One line for logs. */
  public String describe() {
    String what = switch (status) {
      case EXITED -> "exit code " + exitCode;
      case SIGNALED, TIMED_OUT -> "killed by " + NativeSpawn.signalName(signal) + (status == Status.TIMED_OUT ? " (timeout)" : "");
      default -> message;
    };
    return taskId + " " + status + ": " + what + (node != null ? " on " + node : "") + ", " + attempts + " attempt(s)";
  }
}
