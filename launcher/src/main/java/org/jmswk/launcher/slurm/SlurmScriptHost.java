package org.jmswk.launcher.slurm;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.jmswk.launcher.BoundedProcess;
import org.jmswk.launcher.Installation;
import org.jmswk.launcher.job.ScriptHost;

/**
 * The job script process inside a Slurm allocation, on the node that holds the batch script.
 * Processes of the job on the other nodes were started by mpiexec over ssh (not by Slurm, so
 * that a lost node ends only its own workers), so Slurm does not know them: at the end each
 * other node that still answers ends the job's processes itself ({@code jmswk reap} over ssh,
 * all nodes at once, bounded). Down nodes are those Slurm reports down.
 */
public final class SlurmScriptHost implements ScriptHost {
  private static final Duration REAP_WAIT = Duration.ofSeconds(30);
  private final List<String> otherNodes;

  /** {@code nodes}: the allocation's nodes; this node (the batch node) is handled locally. */
  public SlurmScriptHost(List<String> nodes, String thisNode) {
    this.otherNodes = nodes.stream().filter(n -> !n.equals(thisNode)).toList();
  }

  @Override
  public BoundedProcess.Result run(List<String> command, Map<String, String> env, Path dir, Duration limit,
                                   Consumer<String> onLine, Consumer<String> onErrLine) throws IOException {
    return LOCAL.run(command, env, dir, limit, onLine, onErrLine);
  }

  @Override
  public String cluster() {
    return "slurm";
  }

  @Override
  public List<String> endLeftovers(String jobId, Path jobDir) {
    List<String> found = new ArrayList<>(LOCAL.endLeftovers(jobId, jobDir));
    found.addAll(reapOthers(jobId, jobDir, "ended "));
    return found;
  }

  @Override
  public List<String> survivors(String jobId, Path jobDir) {
    List<String> found = new ArrayList<>(LOCAL.survivors(jobId, jobDir));
    found.addAll(reapOthers(jobId, jobDir, "left "));
    return found;
  }

  @Override
  public List<String> downNodes(List<String> nodes) {
    return Slurm.downNodes(nodes);
  }

  private List<String> reapOthers(String jobId, Path jobDir, String which) {
    if (!jobId.matches("[0-9A-Za-z._-]{1,64}")) throw new IllegalArgumentException("not a job id: " + jobId);
    // the job's directory narrows the search where it can cross ssh's remote shell as it is
    List<String> reap = jobDir.toString().matches("[0-9A-Za-z._/+-]{1,4000}")
        ? List.of("reap", "--job-dir", jobDir.toString(), jobId) : List.of("reap", jobId);
    List<String> live = new ArrayList<>(otherNodes);
    live.removeAll(Slurm.downNodes(otherNodes));
    String jmswk = Installation.home().map(h -> h.resolve("bin").resolve("jmswk").toString()).orElse("jmswk");
    Map<String, List<String>> found = new ConcurrentHashMap<>();
    List<Thread> threads = new ArrayList<>();
    for (String node : live) {
      threads.add(Thread.ofVirtual().start(() -> {
        try {
          // ssh hands its command to the remote shell: only our own paths and a checked id in it
          List<String> command = new ArrayList<>(List.of("ssh", "-o", "BatchMode=yes", "-o", "ConnectTimeout=5", node, jmswk));
          command.addAll(reap);
          BoundedProcess.Result r = BoundedProcess.run(command, null, null, REAP_WAIT, line -> {});
          List<String> pids = new ArrayList<>();
          for (String line : r.lines()) {
            if (!line.startsWith(which)) continue;
            for (String pid : line.substring(which.length()).trim().split("\\s+")) if (!pid.isEmpty()) pids.add(node + ":" + pid);
          }
          found.put(node, pids);
        } catch (IOException e) {
          found.put(node, List.of());
        }
      }));
    }
    for (Thread t : threads) {
      try {
        t.join(REAP_WAIT.plusSeconds(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    List<String> all = new ArrayList<>();
    for (String node : live) all.addAll(found.getOrDefault(node, List.of()));
    return all;
  }
}
