package org.jmswk.executor;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.jmswk.farm.WorkerStarter;
import org.jmswk.testkit.MpiRun;

/**
 * A starter for tests: real worker JVMs on this machine, each labelled with one of a few named
 * "nodes" with their slots (so grow and shrink by node run against real processes and sockets).
 * A node named in {@code silentNodes} starts a process that never connects (a grow there cannot
 * finish). {@link #exclude} marks a node as lost.
 */
public final class LocalNodeStarter implements WorkerStarter {
  private final Map<String, Integer> slots;
  private final Map<String, String> extraProps;
  private final List<String> silentNodes;
  private final Map<Integer, Process> processes = new ConcurrentHashMap<>();
  private final Map<Integer, String> nodeOf = new ConcurrentHashMap<>();
  private final List<String> excluded = new CopyOnWriteArrayList<>();
  final AtomicInteger launches = new AtomicInteger();

  public LocalNodeStarter(Map<String, Integer> slots, Map<String, String> extraProps, List<String> silentNodes) {
    this.slots = new LinkedHashMap<>(slots);
    this.extraProps = extraProps;
    this.silentNodes = silentNodes;
  }

  /** Launch number {@code n} (1-based) and every later one never returns, as Open MPI 4.1's MPI_Comm_spawn sometimes does. */
  public void hangFromLaunch(int n) {
    hangFrom = n;
  }

  private volatile int hangFrom = Integer.MAX_VALUE;

  public void exclude(String node) {
    excluded.add(node);
  }

  Process process(int id) {
    return processes.get(id);
  }

  @Override
  public synchronized String start(int id, Map<String, String> properties) throws IOException, InterruptedException {
    String node = null;
    for (var e : slots.entrySet()) {
      long used = nodeOf.values().stream().filter(e.getKey()::equals).count();
      if (!excluded.contains(e.getKey()) && used < e.getValue()) {
        node = e.getKey();
        break;
      }
    }
    if (node == null) throw new IllegalStateException("no free slot");
    if (launches.get() + 1 >= hangFrom) {
      while (true) Thread.sleep(1000); // interrupted only by the JVM's end
    }
    launch(id, properties, node);
    return node;
  }

  @Override
  public Map<String, Integer> nodeSlots() {
    return slots;
  }

  @Override
  public void startOn(List<Integer> ids, List<String> nodes, List<Map<String, String>> properties) throws IOException {
    for (int i = 0; i < ids.size(); i++) launch(ids.get(i), properties.get(i), nodes.get(i));
  }

  private void launch(int id, Map<String, String> properties, String node) throws IOException {
    List<String> cmd = new ArrayList<>();
    if (silentNodes.contains(node)) {
      cmd.addAll(List.of("sleep", "120"));
    } else if (node.startsWith("broken")) {
      cmd.add("true"); // a launcher that fails at once: its worker never connects
    } else {
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.addAll(List.of(MpiRun.FAST_JVM_OPTS.split(" ")));
      properties.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
      extraProps.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
      cmd.add("-D" + FarmExecutor.NODE + "=" + node);
      cmd.addAll(List.of("-cp", MpiRun.absoluteClassPath(), ExecutorTestWorker.class.getName()));
    }
    Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(ProcessBuilder.Redirect.INHERIT).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    processes.put(id, p);
    nodeOf.put(id, node);
    launches.incrementAndGet();
  }

  @Override
  public void lost(int id, String node, boolean unreachable) {
    nodeOf.remove(id);
  }

  @Override
  public void startFailed(int id, String node) {
    retired(id);
  }

  @Override
  public void retired(int id) {
    nodeOf.remove(id);
    Process p = processes.get(id);
    if (p != null && p.isAlive()) {
      java.util.concurrent.CompletableFuture.delayedExecutor(5, java.util.concurrent.TimeUnit.SECONDS).execute(p::destroyForcibly);
    }
  }

  @Override
  public boolean domainEnded(int id) {
    Process p = processes.get(id);
    return p != null && !p.isAlive();
  }

  @Override
  public boolean startsMpiProcesses() {
    return false;
  }

  @Override
  public List<String> excludedNodes() {
    return List.copyOf(excluded);
  }

  @Override
  public void close() {
    for (Process p : processes.values()) p.destroyForcibly();
  }
}
