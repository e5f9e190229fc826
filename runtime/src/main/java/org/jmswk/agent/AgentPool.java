package org.jmswk.agent;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The master's side of the agent method (SPEC 2.2): listens for agents, authenticates them
 * with the job secret, and runs tasks (non-MPI workers) through them.
 *
 * <ul>
 *   <li>{@link #launch(WorkerSpec)} queues a task and returns a future that always completes
 *       with a {@link WorkerResult} (never exceptionally, except when the caller cancels it).
 *   <li>A task goes to the live agent with the fewest running tasks. When an agent is lost
 *       (its process or node dies, the network is cut: seen within the dead-peer bound), each
 *       of its tasks is queued again and runs through another agent, up to
 *       {@code maxAttempts} starts; then it ends as {@link WorkerResult.Status#LOST}. The lost
 *       agent's node is not used again (an agent rejoining from it is refused).
 *   <li>A task no agent takes within {@code queueTimeout} ends as {@code NO_AGENT}.
 *   <li>Peers that fail authentication, or send oversized or malformed frames, are refused and
 *       logged with their address.
 * </ul>
 */
public final class AgentPool implements AutoCloseable {
  /** A joined agent. */
  public record AgentInfo(int id, String node, String host, String address, long pid, Instant joined) {
    @Override
    public String toString() {
      return "agent " + id + " (node " + node + ", " + address + ", pid " + pid + ")";
    }
  }

  /** Join and leave events, delivered in order on one thread. */
  public interface Listener {
    default void joined(AgentInfo agent) {}

    /** The agent is gone (process or node died, silent beyond the dead-peer bound, protocol error). */
    default void left(AgentInfo agent, String reason) {}
  }

  /**
   * @param bindHost         address to listen on (null: all interfaces)
   * @param port             port (0: any free port)
   * @param maxAttempts      starts per task when agents are lost under it (at least 1)
   * @param maxTasksPerAgent tasks one agent runs at once (at least 1)
   * @param queueTimeout     a task not started within this ends as NO_AGENT
   */
  public record Options(String bindHost, int port, byte[] secret, AgentSettings settings, int maxAttempts,
                        int maxTasksPerAgent, Duration queueTimeout, Consumer<String> log) {
    public Options {
      if (secret == null || secret.length == 0) throw new IllegalArgumentException("a job secret is required");
      if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be at least 1");
      if (maxTasksPerAgent < 1) throw new IllegalArgumentException("maxTasksPerAgent must be at least 1");
      if (queueTimeout == null || queueTimeout.isNegative() || queueTimeout.isZero()) {
        throw new IllegalArgumentException("queueTimeout must be positive");
      }
      if (log == null) log = line -> System.err.println("jmswk master: " + line);
    }

    /** Defaults: all interfaces, any port, settings from the environment, 3 attempts, 1 task per agent, 5 min queue bound. */
    public static Options defaults(byte[] secret) {
      return new Options(null, 0, secret, AgentSettings.fromEnv(), 3, 1, Duration.ofMinutes(5), null);
    }

    public Options bind(String host, int p) {
      return new Options(host, p, secret, settings, maxAttempts, maxTasksPerAgent, queueTimeout, log);
    }

    public Options withSettings(AgentSettings s) {
      return new Options(bindHost, port, secret, s, maxAttempts, maxTasksPerAgent, queueTimeout, log);
    }

    public Options withMaxAttempts(int n) {
      return new Options(bindHost, port, secret, settings, n, maxTasksPerAgent, queueTimeout, log);
    }

    public Options withMaxTasksPerAgent(int n) {
      return new Options(bindHost, port, secret, settings, maxAttempts, n, queueTimeout, log);
    }

    public Options withQueueTimeout(Duration d) {
      return new Options(bindHost, port, secret, settings, maxAttempts, maxTasksPerAgent, d, log);
    }

    public Options withLog(Consumer<String> l) {
      return new Options(bindHost, port, secret, settings, maxAttempts, maxTasksPerAgent, queueTimeout, l);
    }
  }

  private final class AgentState {
    final AgentInfo info;
    final Connection conn;
    final Set<Task> running = new LinkedHashSet<>();
    boolean alive = true;

    AgentState(AgentInfo info, Connection conn) {
      this.info = info;
      this.conn = conn;
    }
  }

  private static final class Task {
    final String id;
    final WorkerSpec spec;
    final CompletableFuture<WorkerResult> future = new CompletableFuture<>();
    final int maxAttempts;
    /** The node it must run on, or null for any. */
    final String node;
    final List<String> history = new ArrayList<>();
    int attempts;
    AgentState agent;
    boolean started;
    long startNanos;
    boolean timedOut;
    boolean done;
    ScheduledFuture<?> queueTimer;
    ScheduledFuture<?> runTimer;

    Task(String id, WorkerSpec spec, int maxAttempts, String node) {
      this.id = id;
      this.spec = spec;
      this.maxAttempts = maxAttempts;
      this.node = node;
    }

    boolean mayRunOn(AgentState a) {
      return node == null || node.equals(a.info.node());
    }
  }

  private final Options options;
  private final ServerSocket server;
  private final Object lock = new Object();
  private final Map<Integer, AgentState> agents = new LinkedHashMap<>();
  private final Deque<Task> queue = new ArrayDeque<>();
  private final Map<String, Task> tasks = new LinkedHashMap<>();
  private final Set<String> failedNodes = new LinkedHashSet<>();
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private final ExecutorService events = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "jmswk-pool-events");
    t.setDaemon(true);
    return t;
  });
  private final Semaphore handshakes = new Semaphore(64);
  private final AtomicInteger nextAgent = new AtomicInteger(1);
  private final AtomicInteger nextTask = new AtomicInteger(1);
  private volatile boolean closing;

  private AgentPool(Options options, ServerSocket server) {
    this.options = options;
    this.server = server;
  }

  /** Opens the listening socket and starts accepting agents. */
  public static AgentPool open(Options options) throws IOException {
    ServerSocket server = new ServerSocket();
    server.setReuseAddress(true);
    InetAddress bind = options.bindHost() == null ? null : InetAddress.getByName(options.bindHost());
    server.bind(new InetSocketAddress(bind, options.port()), 128);
    AgentPool pool = new AgentPool(options, server);
    Thread.ofVirtual().name("jmswk-pool-accept").start(pool::acceptLoop);
    return pool;
  }

  public int port() {
    return server.getLocalPort();
  }

  /** Writes the listening port to {@code file} atomically (for the job script to read). */
  public void writePortFile(Path file) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, port() + "\n", StandardCharsets.US_ASCII);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  public void addListener(Listener l) {
    listeners.add(l);
  }

  /** The agents alive now. */
  public List<AgentInfo> agents() {
    synchronized (lock) {
      return agents.values().stream().map(a -> a.info).toList();
    }
  }

  /** The nodes of the agents alive now, each with the tasks its agents may run at once, in the order they joined. */
  public Map<String, Integer> nodeSlots() {
    synchronized (lock) {
      Map<String, Integer> slots = new LinkedHashMap<>();
      for (AgentState a : agents.values()) {
        if (a.alive && !failedNodes.contains(a.info.node())) slots.merge(a.info.node(), options.maxTasksPerAgent(), Integer::sum);
      }
      return slots;
    }
  }

  /** Nodes whose agent was lost in this pool's lifetime (never used again). */
  public Set<String> failedNodes() {
    synchronized (lock) {
      return Set.copyOf(failedNodes);
    }
  }

  /** Waits until at least {@code n} agents are alive; false if not within {@code timeout}. */
  public boolean awaitAgents(int n, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (agents.size() < n) {
        long left = deadline - System.nanoTime();
        if (left <= 0 || closing) return false;
        TimeUnit.NANOSECONDS.timedWait(lock, Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
      }
      return true;
    }
  }

  /** Queues a task; the future always ends with its result (cancel it to kill the worker). */
  public CompletableFuture<WorkerResult> launch(WorkerSpec spec) {
    return launchOn(null, spec);
  }

  /**
   * As {@link #launch}, on an agent of {@code node} only (null: any node). The task waits in the
   * queue (bounded by the queue timeout) while that node's agents are full or absent.
   */
  public CompletableFuture<WorkerResult> launchOn(String node, WorkerSpec spec) {
    Task task = new Task("t" + nextTask.getAndIncrement(), spec,
        spec.maxAttempts() > 0 ? spec.maxAttempts() : options.maxAttempts(), node);
    task.future.whenComplete((r, e) -> {
      if (e instanceof CancellationException) cancelled(task);
    });
    synchronized (lock) {
      if (closing) {
        task.done = true;
        task.future.complete(result(task, WorkerResult.Status.CANCELLED, "the agent pool is closed"));
        return task.future;
      }
      tasks.put(task.id, task);
      enqueue(task, false);
    }
    dispatch();
    return task.future;
  }

  // ------------------------------------------------------------------ accepting agents

  private void acceptLoop() {
    Acceptor.loop(server, () -> closing, handshakes, "handshakes", "jmswk-pool-handshake", options.log(),
        this::handshake);
  }

  private void handshake(Socket socket, String from) {
    long t0 = System.nanoTime();
    Handshake.Peer peer;
    try {
      peer = Handshake.serve(socket, options.secret(), Handshake.ROLE_AGENT, options.settings(),
          Map.of("role", "master"));
    } catch (IOException e) {
      Acceptor.closeQuietly(socket);
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      String why = socket.isClosed() && ms >= options.settings().handshake().toMillis() - 50
          && !(e instanceof ProtocolException) ? "no complete handshake within " + ms + " ms" : e.getMessage();
      options.log().accept("refused connection from " + from + ": " + why);
      return;
    }
    String node = peer.info().getOrDefault("node", from);
    long pid;
    try {
      pid = Long.parseLong(peer.info().getOrDefault("pid", "-1"));
    } catch (NumberFormatException e) {
      pid = -1;
    }
    AgentInfo info = new AgentInfo(nextAgent.getAndIncrement(), node, peer.info().getOrDefault("host", "?"), from, pid,
        Instant.now());
    Connection conn;
    try {
      conn = new Connection(socket, info.toString(), options.settings().heartbeat(), options.settings().deadAfter(),
          options.settings().maxFrame());
    } catch (IOException e) {
      Acceptor.closeQuietly(socket);
      return;
    }
    AgentState agent = new AgentState(info, conn);
    synchronized (lock) {
      if (closing || failedNodes.contains(node)) {
        options.log().accept("refused " + info + ": " + (closing ? "the pool is closing"
            : "node " + node + " failed earlier in this job and is not used again"));
        conn.close("refused");
        return;
      }
      agents.put(info.id(), agent);
      lock.notifyAll();
    }
    conn.startLiveness();
    options.log().accept(info + " joined");
    fire(l -> l.joined(info));
    Thread.ofVirtual().name("jmswk-pool-agent-" + info.id()).start(() -> readLoop(agent));
    dispatch();
  }

  private void readLoop(AgentState agent) {
    while (true) {
      Message m;
      try {
        m = agent.conn.receive();
      } catch (Connection.PeerLostException e) {
        lost(agent, e.getMessage());
        return;
      }
      try {
        handle(agent, m);
      } catch (ProtocolException e) {
        options.log().accept("protocol error from " + agent.info + ": " + e.getMessage() + "; closing");
        agent.conn.close("protocol error: " + e.getMessage());
        lost(agent, "protocol error: " + e.getMessage());
        return;
      }
    }
  }

  private void handle(AgentState agent, Message m) throws ProtocolException {
    switch (m.type()) {
      case STARTED -> {
        Task t = taskOf(agent, m.string("task"));
        if (t == null) return;
        synchronized (lock) {
          t.started = true;
          t.startNanos = System.nanoTime();
          if (!t.spec.timeout().isZero()) {
            t.runTimer = Timers.SCHEDULER.schedule(() -> timeout(t, agent), t.spec.timeout().toMillis(), TimeUnit.MILLISECONDS);
          }
        }
      }
      case LAUNCH_FAILED -> {
        Task t = taskOf(agent, m.string("task"));
        if (t != null) finish(t, result(t, WorkerResult.Status.LAUNCH_FAILED, m.string("message")));
      }
      case EXITED -> {
        Task t = taskOf(agent, m.string("task"));
        if (t == null) return;
        int code = (int) m.number("exit_code");
        int signal = (int) m.number("signal");
        WorkerResult.Status status;
        String message = "";
        synchronized (lock) {
          if (signal == 0) {
            status = WorkerResult.Status.EXITED;
          } else if (t.timedOut) {
            status = WorkerResult.Status.TIMED_OUT;
            message = "ran longer than " + t.spec.timeout().toMillis() + " ms";
          } else {
            status = WorkerResult.Status.SIGNALED;
            message = "killed by " + NativeSpawn.signalName(signal);
          }
        }
        finish(t, new WorkerResult(t.id, status, code, signal, m.bytes("stdout", new byte[0]), m.bytes("stderr", new byte[0]),
            m.number("truncated", 0) != 0, agent.info.node(), t.attempts, t.history, message,
            Duration.ofMillis(m.number("elapsed_ms", 0))));
      }
      case ERROR -> throw new ProtocolException("agent reports: " + m.string("message", "?"));
      default -> throw new ProtocolException("unexpected " + m.type() + " from an agent");
    }
  }

  private Task taskOf(AgentState agent, String id) {
    synchronized (lock) {
      Task t = tasks.get(id);
      return t != null && t.agent == agent && !t.done ? t : null;
    }
  }

  private void timeout(Task t, AgentState agent) {
    synchronized (lock) {
      if (t.done || t.agent != agent) return;
      t.timedOut = true;
    }
    sendQuietly(agent, Message.of(Message.Type.KILL, "task", t.id, "signal", (long) NativeSpawn.SIGKILL));
  }

  private void cancelled(Task t) {
    AgentState agent;
    synchronized (lock) {
      if (t.done) return;
      t.done = true;
      queue.remove(t);
      tasks.remove(t.id);
      agent = t.agent;
      if (agent != null) agent.running.remove(t);
      cancelTimers(t);
    }
    if (agent != null) sendQuietly(agent, Message.of(Message.Type.KILL, "task", t.id, "signal", (long) NativeSpawn.SIGKILL));
    dispatch();
  }

  // ------------------------------------------------------------------ losing agents

  private void lost(AgentState agent, String reason) {
    List<Task> rerun = new ArrayList<>();
    List<Map.Entry<Task, WorkerResult>> failed = new ArrayList<>();
    synchronized (lock) {
      if (!agent.alive) return;
      agent.alive = false;
      agents.remove(agent.info.id());
      if (closing) return;
      failedNodes.add(agent.info.node());
      for (Task t : List.copyOf(agent.running)) {
        agent.running.remove(t);
        cancelTimers(t);
        t.history.add("attempt " + t.attempts + " on node " + agent.info.node() + ": agent lost (" + reason + ")");
        t.agent = null;
        t.started = false;
        if (t.timedOut) {
          t.done = true;
          tasks.remove(t.id);
          failed.add(Map.entry(t, result(t, WorkerResult.Status.TIMED_OUT, "timed out, then its agent was lost")));
        } else if (t.attempts >= t.maxAttempts) {
          t.done = true;
          tasks.remove(t.id);
          failed.add(Map.entry(t, result(t, WorkerResult.Status.LOST, "agents lost under it " + t.attempts
              + " time(s); no attempts left (max " + t.maxAttempts + ")")));
        } else {
          rerun.add(t);
          enqueue(t, true);
        }
      }
    }
    options.log().accept(agent.info + " lost: " + reason + (rerun.isEmpty() ? "" : "; re-running "
        + rerun.stream().map(t -> t.id).toList() + " elsewhere") + (failed.isEmpty() ? "" : "; failed "
        + failed.stream().map(e -> e.getKey().id).toList()));
    for (var e : failed) complete(e.getKey(), e.getValue());
    fire(l -> l.left(agent.info, reason));
    dispatch();
  }

  // ------------------------------------------------------------------ scheduling

  /** Under the lock. */
  private void enqueue(Task t, boolean front) {
    if (front) queue.addFirst(t);
    else queue.addLast(t);
    t.queueTimer = Timers.SCHEDULER.schedule(() -> queueExpired(t), options.queueTimeout().toMillis(), TimeUnit.MILLISECONDS);
  }

  private void queueExpired(Task t) {
    WorkerResult r;
    synchronized (lock) {
      if (t.done || !queue.remove(t)) return;
      t.done = true;
      tasks.remove(t.id);
      r = result(t, WorkerResult.Status.NO_AGENT, "no agent took the task within " + options.queueTimeout().toMillis()
          + " ms (" + agents.size() + " agent(s) alive, failed nodes " + failedNodes + ")");
    }
    complete(t, r);
  }

  private void dispatch() {
    List<Map.Entry<AgentState, Task>> sends = new ArrayList<>();
    synchronized (lock) {
      // in queue order; a task bound to a node whose agents are full waits without holding up the others
      for (var it = queue.iterator(); it.hasNext() && !closing; ) {
        Task t = it.next();
        AgentState best = agents.values().stream()
            .filter(a -> a.alive && a.running.size() < options.maxTasksPerAgent() && t.mayRunOn(a))
            .min(Comparator.comparingInt(a -> a.running.size())).orElse(null);
        if (best == null) {
          if (t.node == null) break; // every agent is full
          continue;
        }
        it.remove();
        if (t.queueTimer != null) t.queueTimer.cancel(false);
        t.agent = best;
        t.attempts++;
        best.running.add(t);
        sends.add(Map.entry(best, t));
      }
    }
    for (var e : sends) {
      // a failed send closes the connection; the agent's reader then re-queues the task
      sendQuietly(e.getKey(), e.getValue().spec.toMessage(e.getValue().id, e.getValue().attempts));
    }
  }

  private void sendQuietly(AgentState agent, Message m) {
    try {
      agent.conn.send(m);
    } catch (IOException e) {
      agent.conn.close("send failed: " + e.getMessage());
    }
  }

  private void finish(Task t, WorkerResult r) {
    synchronized (lock) {
      if (t.done) return;
      t.done = true;
      tasks.remove(t.id);
      if (t.agent != null) t.agent.running.remove(t);
      cancelTimers(t);
    }
    complete(t, r);
    dispatch();
  }

  private void complete(Task t, WorkerResult r) {
    Thread.ofVirtual().start(() -> t.future.complete(r));
  }

  private static void cancelTimers(Task t) {
    if (t.queueTimer != null) t.queueTimer.cancel(false);
    if (t.runTimer != null) t.runTimer.cancel(false);
  }

  private WorkerResult result(Task t, WorkerResult.Status status, String message) {
    return new WorkerResult(t.id, status, -1, 0, new byte[0], new byte[0], false,
        t.agent != null ? t.agent.info.node() : null, t.attempts, t.history, message, Duration.ZERO);
  }

  private void fire(Consumer<Listener> event) {
    for (Listener l : listeners) {
      events.execute(() -> {
        try {
          event.accept(l);
        } catch (RuntimeException e) {
          options.log().accept("listener failed: " + e);
        }
      });
    }
  }

  /**
   * Stops accepting, ends every task not yet done as CANCELLED, tells every agent to shut down
   * (which kills its workers), and closes. Bounded by about the dead-peer bound.
   */
  @Override
  public void close() {
    List<AgentState> all;
    List<Task> open;
    synchronized (lock) {
      if (closing) return;
      closing = true;
      all = new ArrayList<>(agents.values());
      open = new ArrayList<>(tasks.values());
      for (Task t : open) {
        t.done = true;
        cancelTimers(t);
      }
      queue.clear();
      tasks.clear();
      lock.notifyAll();
    }
    Acceptor.closeQuietly(server);
    for (Task t : open) complete(t, result(t, WorkerResult.Status.CANCELLED, "the agent pool was closed"));
    List<Thread> senders = new ArrayList<>();
    for (AgentState a : all) {
      senders.add(Thread.ofVirtual().start(() -> {
        try {
          a.conn.send(Message.of(Message.Type.SHUTDOWN));
        } catch (IOException ignored) {
          // lost already
        }
        a.conn.close("pool closed");
      }));
    }
    long deadline = System.nanoTime() + options.settings().deadAfter().toNanos() + TimeUnit.SECONDS.toNanos(1);
    for (Thread t : senders) {
      try {
        t.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    for (AgentState a : all) a.conn.close("pool closed");
    events.shutdown();
  }

  /** For tests: the set of node names with a live agent. */
  Set<String> liveNodes() {
    synchronized (lock) {
      Set<String> s = new HashSet<>();
      for (AgentState a : agents.values()) s.add(a.info.node());
      return s;
    }
  }
}
