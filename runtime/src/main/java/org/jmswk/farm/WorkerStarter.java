package org.jmswk.farm;

import java.nio.file.Path;
import org.jmswk.mpi.Info;

/**
 * How a {@link TaskFarm} or an {@link org.jmswk.executor.FarmExecutor} starts one worker process:
 * a Java main class with system properties that tell it where its master is. Two ways: {@link SpawnStarter} (MPI_Comm_spawn: the worker joins the master's
 * MPI job, so a lost node ends the job on Open MPI) and {@link NodeDomainStarter} (an mpiexec
 * per worker on a chosen node, joined through an ompi-server: a lost node takes only its own
 * workers down).
 */
public interface WorkerStarter extends AutoCloseable {
  /**
   * Starts worker {@code id} with the JVM system properties {@code properties} (how to reach the
   * master); returns the node it was placed on ("" when MPI decides).
   */
  String start(int id, java.util.Map<String, String> properties) throws Exception;

  /**
   * Worker {@code id} on {@code node} is gone. {@code unreachable}: its host stopped answering
   * (node lost or cut off), not just its process. The starter excludes the node when it was
   * unreachable or the worker's launcher was killed under it.
   */
  void lost(int id, String node, boolean unreachable);

  /** Worker {@code id} did not come up after {@link #start}. */
  void startFailed(int id, String node);

  /** True when the worker's own launcher has ended while the worker was registered (its failure domain is broken). */
  boolean domainEnded(int id);

  /** True when the workers are MPI processes (spawned, or by an mpiexec): they call MPI_Init. */
  default boolean startsMpiProcesses() {
    return true;
  }

  /**
   * The nodes this starter can place workers on, with their worker slots (the master's own slot
   * taken off), in the job's order; empty when it does not place by node (then the pool cannot
   * grow or shrink by node).
   */
  default java.util.Map<String, Integer> nodeSlots() {
    return java.util.Map.of();
  }

  /**
   * Starts workers {@code ids[i]} on {@code nodes[i]} with {@code properties[i]}, all at once
   * (one spawn call, or every launcher before waiting for any), for a grow of the pool. Called
   * from the executor's start thread (the thread that makes its MPI calls).
   */
  default void startOn(java.util.List<Integer> ids, java.util.List<String> nodes,
                       java.util.List<java.util.Map<String, String>> properties) throws Exception {
    throw new UnsupportedOperationException("this way of starting workers cannot place them by node");
  }

  /** Worker {@code id} was drained and stopped on purpose (or a grow was rolled back): forget it, no verdict on its node. */
  default void retired(int id) {}

  /** Nodes excluded for the rest of the job, in the order they were lost. */
  java.util.List<String> excludedNodes();

  @Override
  void close();

  /**
   * {@link NodeDomainStarter} when {@code JMSWK_OMPI_SERVER} names an ompi-server URI file and
   * the job's hostfile lists nodes besides this one; else {@link SpawnStarter}.
   */
  public static WorkerStarter forJob(Class<?> workerMain, String[] workerArgs, Info spawnInfo) {
    String server = System.getenv("JMSWK_OMPI_SERVER");
    String jobDir = System.getenv("JMSWK_JOB_DIR");
    if (server != null && !server.isBlank() && jobDir != null) {
      NodeDomainStarter domains = NodeDomainStarter.create(workerMain, workerArgs, Path.of(server), Path.of(jobDir, "hostfile"));
      if (domains != null) return domains;
    }
    return new SpawnStarter(workerMain, workerArgs, spawnInfo);
  }
}
