package org.jmswk.executor;

/**
 * Something that happened in a {@link FarmExecutor}, with the wall-clock time the master learned
 * of it. Kinds: {@code worker-started}, {@code worker-start-failed}, {@code worker-lost} (detail:
 * why), {@code node-excluded} (detail: the node), {@code task-started} and {@code task-done} (only
 * when {@link ExecutorListener#taskEvents()}; task: the wire task's first element id, detail: the
 * number of elements), {@code task-retried} (the task that was running on a lost worker goes to
 * another), {@code task-failed} (its crash limit, or no worker left).
 *
 * @param worker the worker's id, -1 when none
 * @param task   the task's (first element's) id, -1 when none
 */
public record ExecutorEvent(String kind, int worker, String host, String node, long task, String detail,
                            long epochMillis) {}
