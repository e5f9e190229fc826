package org.jmswk.launcher.job;

import java.nio.file.Path;
import java.util.Map;

/**
 * Failure domains smaller than the job, for master-worker jobs across nodes. Open MPI ends a
 * whole mpiexec job when one of its nodes is lost, so the master's mpiexec must not span the
 * workers' nodes: each worker gets an mpiexec of its own (see the runtime's TaskFarm), and all
 * of them meet through one ompi-server per job, the rendezvous Open MPI needs to connect
 * processes of different mpiexec jobs.
 *
 * <p>The job script's own {@code mpiexec}/{@code mpirun} ({@link JobCommands}) join that server,
 * so a plain {@code mpiexec java Master} does; the first call starts it.
 */
public final class NodeDomains {
  /** The variable naming the ompi-server URI file; the runtime starts workers per node when it is set. */
  public static final String SERVER_VARIABLE = "JMSWK_OMPI_SERVER";

  private NodeDomains() {}

  /** Whether a job gets per-node failure domains: a master-worker job spanning several nodes of a real cluster. */
  public static boolean applies(JobSpec spec, Launch launch) {
    return spec.mswk() && launch.nodes().size() > 1 && !launch.target().equals("local");
  }

  /**
   * Points {@code env} at the server's URI file ({@code jobDir/ompi-server.uri}); the job's
   * mpiexec ({@link JobCommands}) joins it, the first one starts it.
   */
  public static void prepare(Path jobDir, Map<String, String> env) {
    env.put(SERVER_VARIABLE, jobDir.resolve("ompi-server.uri").toString());
    env.putIfAbsent(EXCHANGE_TIMEOUT_VARIABLE, DEFAULT_EXCHANGE_TIMEOUT_S);
  }

  /**
   * Open MPI 4.1's bound, in seconds, on the PMIx lookup inside MPI_Comm_connect/accept
   * (default: none). When a worker's mpiexec dies while the master is inside that exchange with
   * the worker, the master's call otherwise never returns (measured: 2 of 3 runs that killed
   * the launchers of two busy workers at once). The Mswk calls enter MPI only after both sides
   * met over the liveness link, so a healthy exchange takes milliseconds; 10 s only bounds the
   * broken ones. A job's own {@code -x} value wins. The workers' mpiexecs inherit it from the
   * master (OMPI_MCA_ variables are forwarded).
   */
  static final String EXCHANGE_TIMEOUT_VARIABLE = "OMPI_MCA_pmix_base_exchange_timeout";
  static final String DEFAULT_EXCHANGE_TIMEOUT_S = "10";
}
