package org.jmswk.examples.agent;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jmswk.agent.AgentPool;
import org.jmswk.agent.JobSecret;
import org.jmswk.agent.WorkerResult;
import org.jmswk.agent.WorkerSpec;

/**
 * The master of the agent example (SPEC 2.2): listens for agents (port written to a file for
 * the job script), runs {@code --tasks} non-MPI workers through them, and gathers each worker's
 * result from the TCP connection the worker makes back. Work of a lost agent is re-run through
 * another one by the pool. Exit code 0 when every task delivered the right result.
 *
 * <p>Usage: {@code AgentMaster --bind ADDR --port-file FILE --worker PATH [--tasks N]
 * [--join-timeout S]}
 */
public final class AgentMaster {
  private AgentMaster() {}

  public static void main(String[] args) throws Exception {
    String bind = "127.0.0.1";
    Path portFile = null;
    String worker = null;
    int tasks = 8;
    int joinTimeout = 60;
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--bind" -> bind = value;
        case "--port-file" -> portFile = Path.of(value);
        case "--worker" -> worker = value;
        case "--tasks" -> tasks = Integer.parseInt(value);
        case "--join-timeout" -> joinTimeout = Integer.parseInt(value);
        default -> {
          System.err.println("master: unknown argument " + args[i]);
          System.exit(2);
        }
      }
      i++;
    }
    if (portFile == null || worker == null || tasks < 1) {
      System.err.println("usage: AgentMaster --bind ADDR --port-file FILE --worker PATH [--tasks N] [--join-timeout S]");
      System.exit(2);
    }
    System.exit(run(bind, portFile, worker, tasks, Duration.ofSeconds(joinTimeout)));
  }

  static int run(String bind, Path portFile, String worker, int tasks, Duration joinTimeout) throws Exception {
    byte[] secret = JobSecret.loadOrCreate(System.getenv());
    try (ResultServer results = new ResultServer(bind);
         AgentPool pool = AgentPool.open(AgentPool.Options.defaults(secret).bind(bind, 0).withQueueTimeout(Duration.ofSeconds(60)))) {
      pool.writePortFile(portFile);
      System.out.printf("master: listening for agents on %s:%d, results on port %d%n", bind, pool.port(), results.port());
      if (!pool.awaitAgents(1, joinTimeout)) {
        System.out.println("master: no agent joined within " + joinTimeout.toSeconds() + " s");
        return 1;
      }
      Thread.sleep(500); // let the other agents of the first wave join too
      System.out.println("master: " + pool.agents().size() + " agent(s): "
          + pool.agents().stream().map(AgentPool.AgentInfo::node).toList());
      List<CompletableFuture<WorkerResult>> futures = new ArrayList<>();
      for (int t = 1; t <= tasks; t++) {
        futures.add(pool.launch(WorkerSpec.of(worker, bind, Integer.toString(results.port()), Integer.toString(t))
            .withEnv("JMSWK_RESULT_TOKEN", results.token()).withTimeout(Duration.ofSeconds(60))));
      }
      int good = 0;
      for (int t = 1; t <= tasks; t++) {
        WorkerResult r = futures.get(t - 1).get(5, TimeUnit.MINUTES);
        results.await(t, Duration.ZERO);
        ResultServer.Result sent = results.results().get(t);
        boolean right = r.ok() && sent != null && sent.value() == (long) t * t;
        if (right) good++;
        System.out.printf("task %d: %s%s%n", t, r.describe(),
            sent == null ? ", no result received" : ", result " + sent.value() + " from " + sent.host());
      }
      System.out.printf("master: %d of %d tasks delivered the right result%s%n", good, tasks,
          pool.failedNodes().isEmpty() ? "" : " (failed nodes: " + pool.failedNodes() + ")");
      return good == tasks ? 0 : 1;
    }
  }
}
