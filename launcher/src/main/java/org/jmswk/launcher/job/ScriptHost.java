package org.jmswk.launcher.job;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jmswk.launcher.BoundedProcess;

/** Where a job script process runs (this machine, or the head of a cluster) and how its job is cleaned up. */
public interface ScriptHost {
  /**
   * Runs the job script's command, bounded by {@code limit}; each output line goes to
   * {@code onLine}, or its stderr lines to {@code onErrLine} when that is not null.
   */
  BoundedProcess.Result run(List<String> command, Map<String, String> env, Path dir, Duration limit,
                            Consumer<String> onLine, Consumer<String> onErrLine) throws IOException;

  /**
   * Ends every process of the job (its id, and its directory where the host can tell) still
   * running on any node; returns what had to be ended.
   */
  List<String> endLeftovers(String jobId, Path jobDir);

  /** Processes of the job still running after {@link #endLeftovers}: should be empty. */
  List<String> survivors(String jobId, Path jobDir);

  /** Of the job's {@code nodes}, those that are down now. */
  List<String> downNodes(List<String> nodes);

  /** The cluster this host belongs to, as showrsc names it. */
  String cluster();

  /** Variables that differ on this host (where java and jmswk are there). */
  default Map<String, String> environment() {
    return Map.of();
  }

  /** This machine. */
  ScriptHost LOCAL = new ScriptHost() {
    @Override
    public String cluster() {
      return "local";
    }

    @Override
    public BoundedProcess.Result run(List<String> command, Map<String, String> env, Path dir, Duration limit,
                                     Consumer<String> onLine, Consumer<String> onErrLine) throws IOException {
      JobProcesses.becomeSubreaper();
      return BoundedProcess.run(command, env, dir, limit, onLine, onErrLine);
    }

    @Override
    public List<String> endLeftovers(String jobId, Path jobDir) {
      return JobProcesses.endAll(jobId, jobDir.toString(), 2000).stream().map(pid -> "localhost:" + pid).toList();
    }

    @Override
    public List<String> survivors(String jobId, Path jobDir) {
      return JobProcesses.find(jobId, jobDir.toString()).stream().map(p -> "localhost:" + p.pid()).toList();
    }

    @Override
    public List<String> downNodes(List<String> nodes) {
      return List.of();
    }
  };
}
