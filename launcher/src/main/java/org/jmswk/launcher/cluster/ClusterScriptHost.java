package org.jmswk.launcher.cluster;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jmswk.launcher.BoundedProcess;
import org.jmswk.launcher.job.ScriptHost;

/**
 * The job script process on the head of a container cluster; at the end of the job every live
 * node ends the job's processes itself ({@code jmswk reap}), and nodes whose container is gone
 * count as down.
 */
public final class ClusterScriptHost implements ScriptHost {
  private static final Duration REAP_WAIT = Duration.ofSeconds(30);
  private final Cluster cluster;

  public ClusterScriptHost(Cluster cluster) {
    this.cluster = cluster;
  }

  @Override
  public BoundedProcess.Result run(List<String> command, Map<String, String> env, Path dir, Duration limit,
                                   Consumer<String> onLine, Consumer<String> onErrLine) throws IOException {
    List<String> argv = new ArrayList<>();
    argv.add(cluster.dockerExecutable());
    argv.addAll(cluster.execArguments(Cluster.HEAD, limit, dir.toString(), env, command));
    BoundedProcess.Result r = BoundedProcess.run(argv, null, null, limit.plusSeconds(20), onLine, onErrLine);
    if (r.exitCode() == 137) awaitSettled(Cluster.HEAD); // what docker exec reports when the container dies
    // timeout(1) inside the container reports the limit as 124
    boolean limitHit = r.timedOut() || (r.exitCode() == ExecResult.TIMED_OUT && r.elapsed().compareTo(limit) >= 0);
    return new BoundedProcess.Result(r.exitCode(), limitHit, r.lines(), r.elapsed());
  }

  /**
   * The docker client can return before the engine has recorded a killed container as
   * stopped: give the head's state a bounded moment to settle, so a lost master node is seen.
   */
  private void awaitSettled(String host) {
    long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    while (cluster.isRunning(host) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  public String cluster() {
    return cluster.name();
  }

  @Override
  public Map<String, String> environment() {
    return Map.of("JMSWK_JAVA", Cluster.JAVA, "JMSWK_CLASSPATH", Cluster.JAR, "JMSWK_HOME", "/opt/jmswk",
        "PATH", "/opt/jmswk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  }

  @Override
  public List<String> endLeftovers(String jobId, Path jobDir) {
    return reap(jobId, "ended ");
  }

  @Override
  public List<String> survivors(String jobId, Path jobDir) {
    return reap(jobId, "left ");
  }

  private List<String> reap(String jobId, String which) {
    List<String> found = new ArrayList<>();
    for (String host : cluster.hosts()) {
      if (!cluster.isRunning(host)) continue;
      ExecResult r = cluster.exec(host, REAP_WAIT, "/", Map.of(), null,
          List.of(Cluster.JAVA, "--enable-native-access=ALL-UNNAMED", "-jar", Cluster.JAR, "reap", jobId));
      for (String line : r.stdout().split("\n")) {
        if (!line.startsWith(which)) continue;
        for (String pid : line.substring(which.length()).trim().split("\\s+")) {
          if (!pid.isEmpty()) found.add(host + ":" + pid);
        }
      }
    }
    return found;
  }

  @Override
  public List<String> downNodes(List<String> nodes) {
    return nodes.stream().filter(n -> !cluster.isRunning(n)).toList();
  }
}
