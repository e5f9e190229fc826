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
 * The agent pool chooses the node and excludes nodes whose agent is lost (its own node-level
 * evidence); a worker is launched once (no re-launch by the pool: the executor replaces it).
 */
public final class AgentWorkers implements WorkerStarter {
  private final AgentPool pool;
  private final Class<?> workerMain;
  private final String[] workerArgs;
  private final Map<Integer, CompletableFuture<WorkerResult>> running = new ConcurrentHashMap<>();

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
    List<String> argv = new ArrayList<>();
    argv.add(JavaCommand.executable());
    argv.addAll(List.of(JavaCommand.arguments(workerMain, properties, workerArgs)));
    running.put(id, pool.launch(WorkerSpec.of(argv).withMaxAttempts(1)));
    return "";
  }

  @Override
  public boolean startsMpiProcesses() {
    return false;
  }

  @Override
  public void lost(int id, String node, boolean unreachable) {
    running.remove(id); // the agent pool learns of a lost node from its agent
  }

  @Override
  public void startFailed(int id, String node) {
    CompletableFuture<WorkerResult> f = running.remove(id);
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
  }
}
