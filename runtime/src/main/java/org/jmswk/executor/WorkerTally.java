package org.jmswk.executor;

/**
 * One worker's counters for {@link ExecutorMetrics}. The task counters and compute time change
 * under the executor's scheduler lock; the two communication times are written only by that
 * worker's writer and reader thread respectively (one writer each), read by anyone.
 */
final class WorkerTally {
  long tasksDone;
  long tasksFailed;
  long tasksRetried;
  long tasksLost;
  long computeNanos;
  volatile long sendNanos;
  volatile long receiveNanos;

  /** A wire task of {@code elements} elements answered after {@code nanos} in the handler, {@code failed} of them with an exception. */
  void answered(int elements, int failed, long nanos) {
    tasksDone += elements;
    tasksFailed += failed;
    computeNanos += nanos;
  }

  void sent(long nanos) {
    sendNanos += nanos; // single writer: the link's writer thread
  }

  void received(long nanos) {
    receiveNanos += nanos; // single writer: the link's reader thread
  }
}
