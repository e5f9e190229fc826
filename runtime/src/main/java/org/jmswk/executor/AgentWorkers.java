package org.jmswk.executor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.jmswk.agent.AgentPool;
import org.jmswk.agent.WorkerResult;
import org.jmswk.agent.WorkerSpec;
import org.jmswk.farm.WorkerStarter;
import org.jmswk.runtime.JavaCommand;

/**
 * Executor workers started through agents (non-MPI workers, SPEC 2.2): each worker is a Java
 * process an agent launches on its node, which then connects to the executor like any other
 * worker. The code that submits tasks is the same; only how workers start changes:
 *
 * <pre>
 *   FarmExecutor.start(ExecutorOptions.of(MyWorker.class, n), AgentWorkers.starter(pool, MyWorker.class));
 * </pre>
 *
 * Each worker goes to the node whose agents have the most free room (its agents' task slots
 * less this executor's workers there), so the pool can also grow and shrink by node; the agent
 * pool excludes nodes whose agent is lost (its own node-level evidence). A worker is launched
 * once (no re-launch by the pool: the executor replaces it).
 */
public final class AgentWorkers implements WorkerStarter {
  private final AgentPool pool;
  private final Class<?> workerMain;
  private final String[] workerArgs;
  private final Map<Integer, CompletableFuture<WorkerResult>> running = new ConcurrentHashMap<>();
  private final Map<Integer, String> nodeOf = new ConcurrentHashMap<>();

  private AgentWorkers(AgentPool pool, Class<?> workerMain, String[] workerArgs) {
    this.pool = pool;
    this.workerMain = workerMain;
    this.workerArgs = workerArgs;
  }

  public static AgentWorkers starter(AgentPool pool, Class<?> workerMain, String... workerArgs) {
    return new AgentWorkers(pool, workerMain, workerArgs);
  }

  @Override
  public String start(int id, Map<String, String> properties) {
    String node = roomiestNode();
    launch(id, node, properties);
    return node == null ? "" : node;
  }

  @Override
  public Map<String, Integer> nodeSlots() {
    return pool.nodeSlots();
  }

  @Override
  public void startOn(List<Integer> ids, List<String> nodes, List<Map<String, String>> properties) {
    for (int i = 0; i < ids.size(); i++) launch(ids.get(i), nodes.get(i), properties.get(i));
  }

  /** The node with the most free worker slots, or null while no agent has joined (the pool then places it). */
  private String roomiestNode() {
    String best = null;
    int bestFree = Integer.MIN_VALUE;
    for (var e : pool.nodeSlots().entrySet()) {
      int free = e.getValue() - (int) nodeOf.values().stream().filter(e.getKey()::equals).count();
      if (free > bestFree) {
        best = e.getKey();
        bestFree = free;
      }
    }
    return best;
  }

  private void launch(int id, String node, Map<String, String> properties) {
    Map<String, String> props = new java.util.LinkedHashMap<>(properties);
    if (node != null) {
      props.put(FarmExecutor.NODE, node);
      nodeOf.put(id, node);
    }
    List<String> argv = new ArrayList<>();
    argv.add(JavaCommand.executable());
    argv.addAll(List.of(JavaCommand.arguments(workerMain, props, workerArgs)));
    running.put(id, pool.launchOn(node, WorkerSpec.of(argv).withMaxAttempts(1)));
  }

  @Override
  public void retired(int id) {
    // a drained worker exits by itself on its stop; one of a rolled-back grow may never have connected
    CompletableFuture<WorkerResult> f = forget(id);
    if (f != null) CompletableFuture.delayedExecutor(5, java.util.concurrent.TimeUnit.SECONDS).execute(() -> f.cancel(true));
  }

  private CompletableFuture<WorkerResult> forget(int id) {
    nodeOf.remove(id);
    return running.remove(id);
  }

  @Override
  public boolean startsMpiProcesses() {
    return false;
  }

  @Override
  public void lost(int id, String node, boolean unreachable) {
    forget(id); // the agent pool learns of a lost node from its agent
  }

  @Override
  public void startFailed(int id, String node) {
    CompletableFuture<WorkerResult> f = forget(id);
    if (f != null) f.cancel(true);
  }

  @Override
  public boolean domainEnded(int id) {
    CompletableFuture<WorkerResult> f = running.get(id);
    return f != null && f.isDone();
  }

  @Override
  public List<String> excludedNodes() {
    return List.copyOf(pool.failedNodes());
  }

  @Override
  public void close() {
    running.clear(); // the workers were told to stop; the pool's own close ends what is left
    nodeOf.clear();
  }
}
