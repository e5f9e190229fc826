package org.jmswk.farm;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jmswk.mpi.MPI;
import org.jmswk.runtime.JavaCommand;
import org.jmswk.runtime.LauncherEnvironment;

/**
 * Workers in failure domains of their own: each worker is started by an mpiexec of its own,
 * run on a node chosen here (over ssh, or {@code JMSWK_DOMAIN_RSH}), and all of them join the
 * master through the job's ompi-server. The mpiexec runs on the worker's node itself: Open MPI
 * 4.1's mpirun crashed (pmix_server_keyval_client) when a worker it ran on another node
 * connected to a master of another job, and so a lost node leaves nothing behind elsewhere. Open MPI
 * ends an mpiexec job when one of its nodes is lost; here that job holds one worker, so a lost
 * node, a cut network or a killed daemon takes down only the workers on that node. The master
 * learns it from the Mswk heartbeat, the node is excluded for the rest of the job, and the
 * replacement goes to the least loaded surviving node. Master and worker are in different MPI
 * jobs, so their Mswk exchanges go over links, never through an Open MPI intercommunicator
 * (see {@link org.jmswk.mpi.Mswk}).
 */
final class NodeDomainStarter implements WorkerStarter {
  private final Class<?> workerMain;
  private final String[] workerArgs;
  private final Path serverUri;
  /** Worker nodes (the hostfile without this node) and their slots, in hostfile order. */
  private final Map<String, Integer> slots;
  private final Map<Integer, Process> launchers = new ConcurrentHashMap<>();
  private final Map<Integer, String> nodeOf = new ConcurrentHashMap<>();
  /** Each running worker's session directory number on its node (see {@link #sessionBase}). */
  private final Map<Integer, Integer> sessionOf = new ConcurrentHashMap<>();
  private final List<String> excluded = new ArrayList<>();

  private NodeDomainStarter(Class<?> workerMain, String[] workerArgs, Path serverUri, Map<String, Integer> slots) {
    this.workerMain = workerMain;
    this.workerArgs = workerArgs;
    this.serverUri = serverUri;
    this.slots = slots;
  }

  /** Null when the hostfile names no node besides this one (nothing to isolate). */
  static NodeDomainStarter create(Class<?> workerMain, String[] workerArgs, Path serverUri, Path hostfile) {
    Map<String, Integer> slots = workerNodes(readHostfile(hostfile), MPI.processorName());
    return slots.isEmpty() ? null : new NodeDomainStarter(workerMain, workerArgs, serverUri, slots);
  }

  private static List<String> readHostfile(Path hostfile) {
    try {
      return Files.readAllLines(hostfile);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the job's hostfile " + hostfile + ": " + e.getMessage(), e);
    }
  }

  /** The hostfile's nodes ({@code host [slots=N]} lines) without {@code masterNode}, with their slots. */
  static Map<String, Integer> workerNodes(List<String> hostfileLines, String masterNode) {
    Map<String, Integer> slots = new LinkedHashMap<>();
    for (String line : hostfileLines) {
      String[] words = line.strip().split("\\s+");
      if (words[0].isEmpty() || words[0].startsWith("#") || words[0].equals(masterNode)) continue;
      int n = 1;
      for (String w : words) if (w.startsWith("slots=")) n = Integer.parseInt(w.substring(6));
      slots.merge(words[0], n, Integer::sum);
    }
    return slots;
  }

  /**
   * The node for the next worker: not excluded, fewest live workers relative to its slots, then
   * hostfile order. Null when every node is excluded.
   */
  static String choose(Map<String, Integer> slots, Map<Integer, String> nodeOf, List<String> excluded) {
    String best = null;
    double bestLoad = Double.MAX_VALUE;
    for (var e : slots.entrySet()) {
      if (excluded.contains(e.getKey())) continue;
      long running = nodeOf.values().stream().filter(e.getKey()::equals).count();
      double load = running / (double) Math.max(1, e.getValue());
      if (load < bestLoad) {
        best = e.getKey();
        bestLoad = load;
      }
    }
    return best;
  }

  @Override
  public String start(int id, Map<String, String> properties) throws IOException {
    String node;
    synchronized (this) {
      node = choose(slots, nodeOf, excluded);
    }
    if (node == null) throw new IllegalStateException("every worker node is excluded: " + excluded);
    launch(id, properties, node);
    return node;
  }

  @Override
  public Map<String, Integer> nodeSlots() {
    return java.util.Collections.unmodifiableMap(slots);
  }

  /** Every worker's mpiexec is started before any is waited for: they come up in parallel. */
  @Override
  public void startOn(List<Integer> ids, List<String> nodes, List<Map<String, String>> properties) throws IOException {
    for (int i = 0; i < ids.size(); i++) {
      synchronized (this) {
        if (excluded.contains(nodes.get(i))) throw new IllegalStateException("node " + nodes.get(i) + " is excluded");
      }
      launch(ids.get(i), properties.get(i), nodes.get(i));
    }
  }

  @Override
  public void retired(int id) {
    synchronized (this) {
      end(id);
    }
  }

  /**
   * A session directory base of its own for each mpiexec running at once on a node: Open MPI 4.1's
   * mpiexecs started together on one node race to create their shared session directory, and
   * the loser fails in orte_init with "File exists" (open-mpi/ompi#8510; seen in grows of 16 on
   * 4 nodes). Numbered per node and reused, so a node keeps at most as many as it runs workers.
   */
  private synchronized String sessionBase(int id, String node) {
    java.util.Set<Integer> taken = new java.util.HashSet<>();
    sessionOf.forEach((w, n) -> {
      if (node.equals(nodeOf.get(w))) taken.add(n);
    });
    int n = 0;
    while (taken.contains(n)) n++;
    sessionOf.put(id, n);
    String root = System.getenv("OMPI_MCA_orte_tmpdir_base");
    if (root == null || root.isBlank()) root = System.getenv("TMPDIR");
    if (root == null || root.isBlank()) root = "/tmp";
    return Path.of(root, "jmswk-ompi-" + System.getProperty("user.name") + "-" + n).toString();
  }

  /** Starts worker {@code id}'s own mpiexec on {@code node} over the remote shell (returns once it is started). */
  private void launch(int id, Map<String, String> properties, String node) throws IOException {
    Map<String, String> env = new LinkedHashMap<>();
    LauncherEnvironment.withoutLauncherVariables().forEach((k, v) -> {
      if (FORWARDED_PREFIXES.stream().anyMatch(k::startsWith)) env.put(k, v);
    });
    // A Mswk worker watches the master like a spawned child watches its parent: it exits when the
    // master is lost, so a worker cut off with its node never lingers. (Executor workers watch
    // their master over their own connection.)
    String masterPort = properties.get(TaskWorker.MASTER_PORT_PROPERTY);
    if (masterPort != null) env.put("JMSWK_MSWK_PARENT", masterPort);
    List<String> remote = new ArrayList<>(List.of("mpiexec", "--ompi-server", "file:" + serverUri,
        "--mca", "orte_tmpdir_base", sessionBase(id, node), "-n", "1", JavaCommand.executable()));
    remote.addAll(List.of(JavaCommand.arguments(workerMain, properties, workerArgs)));
    List<String> command = new ArrayList<>(remoteShell());
    command.add(node);
    command.add(remoteCommand(Path.of("").toAbsolutePath().toString(), env, remote));
    ProcessBuilder pb = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(ProcessBuilder.Redirect.INHERIT).redirectError(ProcessBuilder.Redirect.INHERIT);
    launchers.put(id, pb.start());
    nodeOf.put(id, node);
  }

  /** What a worker's mpiexec needs from the master's environment: jmswk's and Open MPI's settings. */
  private static final List<String> FORWARDED_PREFIXES = List.of("JMSWK_", "OMPI_MCA_", "OMPI_ALLOW_", "PRTE_ALLOW_");

  /** The remote shell prefix: {@code JMSWK_DOMAIN_RSH} split on white space (default ssh), the node appended. */
  private static List<String> remoteShell() {
    String rsh = System.getenv("JMSWK_DOMAIN_RSH");
    return rsh == null || rsh.isBlank() ? List.of("ssh", "-o", "BatchMode=yes", "-o", "ConnectTimeout=10",
        "-o", "ServerAliveInterval=5", "-o", "ServerAliveCountMax=2")
        : List.of(rsh.trim().split("\\s+"));
  }

  /**
   * The one string a remote shell gets (ssh passes no argument vector): {@code cd DIR && exec env
   * K=V... ARGV...}, every word single-quoted, so nothing in it is evaluated by that shell.
   */
  static String remoteCommand(String dir, Map<String, String> env, List<String> argv) {
    StringBuilder s = new StringBuilder("cd ").append(quote(dir)).append(" && exec env");
    env.forEach((k, v) -> s.append(' ').append(quote(k + "=" + v)));
    for (String a : argv) s.append(' ').append(quote(a));
    return s.toString();
  }

  /** POSIX shell single quoting: the word stays one word, literally. */
  static String quote(String word) {
    return "'" + word.replace("'", "'\\''") + "'";
  }

  /**
   * A worker is gone. Its node is excluded only on node-level evidence ({@link NodeExclusion}):
   * when the worker fell silent ({@code unreachable}) or its launcher ended, the node is probed
   * and excluded if the probe fails; a worker process that merely ended, on a node that still
   * answers, leaves the node in use (its replacement may go there).
   */
  @Override
  public void lost(int id, String node, boolean unreachable) {
    Process launcher;
    synchronized (this) {
      launcher = launchers.get(id);
      end(id);
    }
    NodeExclusion.Loss loss = unreachable ? NodeExclusion.Loss.SILENT
        : launcherEnded(launcher) ? NodeExclusion.Loss.LAUNCHER_ENDED : NodeExclusion.Loss.PROCESS_ENDED;
    decide(node, loss);
  }

  /** Probes the node when the loss calls for it and excludes it when the probe fails. */
  private void decide(String node, NodeExclusion.Loss loss) {
    if (node == null || node.isEmpty()) return;
    NodeExclusion.Probe probe = NodeExclusion.needsProbe(loss) ? probe(node) : NodeExclusion.Probe.NOT_RUN;
    if (NodeExclusion.exclude(loss, probe)) {
      synchronized (this) {
        exclude(node);
      }
    }
  }

  /**
   * How long a probe of a node may take: a node that cannot run {@code true} over its remote
   * shell within this counts as lost (short, so that a cut network restored seconds later
   * still reads as the cut it was).
   */
  private static final long PROBE_SECONDS = 3;

  /** Runs {@code true} on the node through the remote shell, bounded: ANSWERED when it exits 0. */
  static NodeExclusion.Probe probe(String node) {
    List<String> command = new ArrayList<>(remoteShell());
    command.add(node);
    command.add("true");
    try {
      Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      if (!p.waitFor(PROBE_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return NodeExclusion.Probe.FAILED;
      }
      return p.exitValue() == 0 ? NodeExclusion.Probe.ANSWERED : NodeExclusion.Probe.FAILED;
    } catch (IOException e) {
      return NodeExclusion.Probe.FAILED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return NodeExclusion.Probe.NOT_RUN;
    }
  }

  /**
   * True when the worker's remote shell has ended (waiting up to 2 s: a worker whose launcher
   * was killed notices and exits by itself, and the master may learn of that exit first).
   */
  private static boolean launcherEnded(Process launcher) {
    if (launcher == null) return false;
    try {
      return launcher.waitFor(2, TimeUnit.SECONDS) && launcher.exitValue() == 255;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** A worker that did not come up (killed while starting, or a node that cannot start one): its node is probed. */
  @Override
  public void startFailed(int id, String node) {
    synchronized (this) {
      end(id);
    }
    decide(node, NodeExclusion.Loss.START_FAILED);
  }

  /** Never chosen again; also listed in {@code $JMSWK_JOB_DIR/failed-nodes} for the job's statistics. */
  private void exclude(String node) {
    if (node == null || node.isEmpty() || excluded.contains(node)) return;
    excluded.add(node);
    String jobDir = System.getenv("JMSWK_JOB_DIR");
    if (jobDir == null) return;
    try {
      Files.writeString(Path.of(jobDir, "failed-nodes"), node + "\n", java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
    } catch (IOException e) {
      System.err.println("jmswk: cannot record failed node " + node + " in " + jobDir + ": " + e.getMessage());
    }
  }

  @Override
  public boolean domainEnded(int id) {
    Process p = launchers.get(id);
    return p != null && !p.isAlive();
  }

  @Override
  public synchronized List<String> excludedNodes() {
    return List.copyOf(excluded);
  }

  /**
   * Ends worker {@code id}'s mpiexec (and so what is left of its job) without waiting for it:
   * an mpiexec whose node is gone may take long to give up, so it is killed after 5 s.
   */
  private void end(int id) {
    nodeOf.remove(id);
    sessionOf.remove(id);
    Process p = launchers.remove(id);
    if (p == null) return;
    p.destroy();
    CompletableFuture.delayedExecutor(5, TimeUnit.SECONDS).execute(() -> {
      if (p.isAlive()) p.destroyForcibly();
    });
  }

  /** Waits a bounded time for every worker's mpiexec to end after the workers were told to stop. */
  @Override
  public void close() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    for (int id : List.copyOf(launchers.keySet())) {
      Process p = launchers.get(id);
      try {
        long left = deadline - System.nanoTime();
        if (p != null && (left <= 0 || !p.waitFor(left, TimeUnit.NANOSECONDS))) end(id);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        end(id);
      }
    }
    launchers.clear();
    nodeOf.clear();
    sessionOf.clear();
  }
}
