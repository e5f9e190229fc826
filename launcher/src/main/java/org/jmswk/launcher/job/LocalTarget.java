package org.jmswk.launcher.job;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment in which a plain {@code mpiexec} inside a job script launches on the local
 * machine with the job's slots: a default hostfile ({@code localhost slots=N}, so that
 * MPI_UNIVERSE_SIZE covers the dynamic workers), oversubscription allowed (one machine may have
 * fewer cores than slots), traffic pinned to loopback, and root allowed. Pure: the caller writes
 * the hostfile.
 */
public final class LocalTarget {
  private LocalTarget() {}

  /** The hostfile's text for {@code slots} slots on this machine. */
  public static String hostfile(int slots) {
    if (slots < 1) throw new IllegalArgumentException("a job needs at least 1 slot, not " + slots);
    return "localhost slots=" + slots + "\n";
  }

  /** Variables to add to the job script's environment. */
  public static Map<String, String> environment(Path hostfile, Path jmswkHome) {
    Map<String, String> env = new LinkedHashMap<>();
    // Open MPI 4.1 (ORTE) names
    env.put("OMPI_MCA_orte_default_hostfile", hostfile.toString());
    env.put("OMPI_MCA_rmaps_base_oversubscribe", "1");
    // Open MPI 5 (PRRTE) names; ORTE ignores them
    env.put("PRTE_MCA_prte_default_hostfile", hostfile.toString());
    env.put("PRTE_MCA_rmaps_default_mapping_policy", ":oversubscribe");
    env.put("OMPI_MCA_btl_tcp_if_include", "lo");
    env.put("OMPI_MCA_oob_tcp_if_include", "lo");
    env.put("OMPI_ALLOW_RUN_AS_ROOT", "1");
    env.put("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1");
    env.put("PRTE_ALLOW_RUN_AS_ROOT", "1");
    env.put("PRTE_ALLOW_RUN_AS_ROOT_CONFIRM", "1");
    if (jmswkHome != null) {
      env.put("JMSWK_HOME", jmswkHome.toString());
      String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
      env.put("PATH", jmswkHome.resolve("bin") + ":" + path);
    }
    return env;
  }
}
