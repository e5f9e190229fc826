package org.jmswk.runtime;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * This process's environment without what its MPI launcher put there for this process alone
 * (its rank, job, PMIx server, parent): the environment for a process it starts outside that
 * launcher, which would otherwise believe it belongs to this process's MPI job.
 */
public final class LauncherEnvironment {
  private static final List<String> PRIVATE_PREFIXES = List.of("PMIX_", "PMI_", "OMPI_COMM_WORLD_", "OMPI_MCA_orte_",
      "OMPI_MCA_ess", "OMPI_MCA_pmix", "OMPI_FIRST_RANKS", "OMPI_APP_CTX", "OMPI_NUM_APP_CTX", "OMPI_UNIVERSE_SIZE",
      "OMPI_FILE_LOCATION", "OMPI_ARGV", "OMPI_MCA_initial_wdir", "OMPI_MCA_shmem_RUNTIME_QUERY_hint", "PRTE_MCA_ess",
      "OMPI_PARENT_PORT", "JMSWK_MSWK_PARENT", "JMSWK_JOB_SECRET");

  private LauncherEnvironment() {}

  /** The environment of this process without the launcher's per-process variables and the job secret. */
  public static Map<String, String> withoutLauncherVariables() {
    Map<String, String> env = new LinkedHashMap<>();
    for (var e : System.getenv().entrySet()) {
      if (PRIVATE_PREFIXES.stream().noneMatch(e.getKey()::startsWith)) env.put(e.getKey(), e.getValue());
    }
    return env;
  }
}
