package org.jmswk.launcher.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jmswk.launcher.BoundedProcess;

/** Runs one benchmark program under mpirun on this machine, bounded; a failed run is an error with its output. */
final class LocalMpirun {
  /** What Open MPI needs to run as root (these machines' CI runs as root). */
  static final Map<String, String> ROOT_ALLOWED = Map.of("OMPI_ALLOW_RUN_AS_ROOT", "1",
      "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", "PRTE_ALLOW_RUN_AS_ROOT", "1", "PRTE_ALLOW_RUN_AS_ROOT_CONFIRM", "1");

  /** Keeps MPI's TCP traffic on loopback: on one host a first send on another interface may hang. */
  static final List<String> LOOPBACK_ONLY = List.of("--mca", "btl_tcp_if_include", "lo", "--mca", "oob_tcp_if_include", "lo");

  private LocalMpirun() {}

  /** {@code mpirun OPTIONS --mca ... lo PROGRAM}; returns the output lines of a run that exited 0. */
  static List<String> run(List<String> options, List<String> program, Duration limit) throws IOException {
    return run(options, program, Map.of(), limit);
  }

  /** As {@link #run(List, List, Duration)}, with {@code env} added to mpirun's environment. */
  static List<String> run(List<String> options, List<String> program, Map<String, String> env, Duration limit)
      throws IOException {
    List<String> cmd = new ArrayList<>(List.of("mpirun"));
    cmd.addAll(options);
    cmd.addAll(LOOPBACK_ONLY);
    cmd.addAll(program);
    Map<String, String> all = new HashMap<>(ROOT_ALLOWED);
    all.putAll(env);
    BoundedProcess.Result r = BoundedProcess.run(cmd, all, null, limit, null);
    if (r.exitCode() != 0 || r.lines().stream().anyMatch(l -> l.startsWith("FAIL"))) {
      throw new IllegalStateException("benchmark run failed (" + (r.timedOut() ? "timed out" : "exit " + r.exitCode())
          + "): " + String.join(" ", program) + "\n" + r.output());
    }
    return r.lines();
  }
}
