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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * An agent in serve mode, the node end of {@code jmswk aexe} (SPEC 2.3): listens on its node,
 * authenticates each client with the job secret (role {@code aexe}), takes one LAUNCH per
 * connection, starts the worker, answers STARTED (with the pid) or LAUNCH_FAILED, and closes.
 * The worker keeps running as this agent's child; when the agent ends (job end, SIGTERM) it
 * kills the workers it still has. Every connection is bounded by the handshake bound.
 */
public final class AgentServer implements AutoCloseable {
  private final ServerSocket server;
  private final byte[] secret;
  private final AgentSettings settings;
  private final Consumer<String> log;
  private final Workers workers;
  private final Path scratch;
  private final Semaphore connections = new Semaphore(256);
  private final AtomicInteger launches = new AtomicInteger();
  private final CountDownLatch closed = new CountDownLatch(1);
  private volatile boolean closing;

  private AgentServer(ServerSocket server, byte[] secret, AgentSettings settings, Consumer<String> log) throws IOException {
    this.server = server;
    this.secret = secret.clone();
    this.settings = settings;
    this.log = log;
    this.scratch = Files.createTempDirectory("jmswk-serve-");
    this.workers = new Workers(scratch, 0, exit -> log.accept("worker " + exit.taskId() + " (pid " + exit.pid() + ") "
        + (exit.signal() != 0 ? "killed by " + NativeSpawn.signalName(exit.signal()) : "exited with code " + exit.exitCode())
        + " after " + exit.elapsedMillis() + " ms"));
  }

  /** Listens on {@code bindHost:port} (null: all interfaces; 0: any port) and starts serving. */
  public static AgentServer start(String bindHost, int port, byte[] secret, AgentSettings settings, Consumer<String> log)
      throws IOException {
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new InetSocketAddress(bindHost == null ? null : InetAddress.getByName(bindHost), port), 256);
    AgentServer a = new AgentServer(s, secret, settings, log);
    Thread.ofVirtual().name("jmswk-serve-accept").start(a::acceptLoop);
    return a;
  }

  public int port() {
    return server.getLocalPort();
  }

  /** Writes {@code key=value} lines to {@code file} atomically (the registration aexe reads). */
  public static void writeRegistration(Path file, Map<String, String> fields) throws IOException {
    StringBuilder text = new StringBuilder();
    for (var e : fields.entrySet()) text.append(e.getKey()).append('=').append(e.getValue()).append('\n');
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Reads a registration written by {@link #writeRegistration}. */
  public static Map<String, String> readRegistration(Path file) throws IOException {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      int eq = line.indexOf('=');
      if (eq > 0) fields.put(line.substring(0, eq), line.substring(eq + 1));
    }
    return fields;
  }

  /** Waits until closed, at most {@code bound}; true if closed. */
  public boolean awaitClose(Duration bound) throws InterruptedException {
    return closed.await(bound.toMillis(), TimeUnit.MILLISECONDS);
  }

  public int runningWorkers() {
    return workers.running();
  }

  private void acceptLoop() {
    Acceptor.loop(server, () -> closing, connections, "connections", "jmswk-serve-conn", log, (socket, from) -> {
      try {
        serveOne(socket, from);
      } finally {
        Acceptor.closeQuietly(socket);
      }
    });
  }

  private void serveOne(Socket socket, String from) {
    try {
      Handshake.serve(socket, secret, Handshake.ROLE_AEXE, settings, Map.of("role", "serve"));
    } catch (IOException e) {
      log.accept("refused connection from " + from + ": " + e.getMessage());
      return;
    }
    // the request must follow within the handshake bound too
    var guard = Timers.SCHEDULER.schedule(() -> Acceptor.closeQuietly(socket), settings.handshake().toMillis(), TimeUnit.MILLISECONDS);
    try {
      socket.setSoTimeout((int) settings.handshake().toMillis());
      Message m = FrameIO.read(socket.getInputStream(), settings.maxFrame());
      if (m.type() != Message.Type.LAUNCH) throw new ProtocolException("expected LAUNCH, got " + m.type());
      String task = m.string("task");
      WorkerSpec spec = WorkerSpec.fromMessage(m);
      Message answer;
      try {
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("JMSWK_TASK_ID", task);
        int pid = workers.start(task + "#" + launches.incrementAndGet(), spec, extra);
        answer = Message.of(Message.Type.STARTED, "task", task, "pid", (long) pid);
        log.accept("started " + spec.argv() + " as pid " + pid + " for " + from);
      } catch (NativeSpawn.SpawnException e) {
        answer = Message.of(Message.Type.LAUNCH_FAILED, "task", task, "errno", (long) e.errno, "message", e.getMessage());
      } catch (IOException | RuntimeException e) {
        answer = Message.of(Message.Type.LAUNCH_FAILED, "task", task, "errno", 0L, "message", String.valueOf(e.getMessage()));
      }
      FrameIO.write(socket.getOutputStream(), answer, settings.maxFrame());
    } catch (ProtocolException e) {
      log.accept("closed connection from " + from + ": " + e.getMessage());
      try {
        FrameIO.write(socket.getOutputStream(), Message.of(Message.Type.ERROR, "message", e.getMessage()), AgentSettings.HANDSHAKE_MAX_FRAME);
      } catch (IOException ignored) {
        // closing anyway
      }
    } catch (IOException e) {
      log.accept("connection from " + from + " failed: " + e.getMessage());
    } finally {
      guard.cancel(false);
    }
  }

  /** Stops serving and kills the workers still running (SIGTERM, SIGKILL after 1 s). */
  @Override
  public void close() {
    if (closing) return;
    closing = true;
    Acceptor.closeQuietly(server);
    int n = workers.running();
    if (n > 0) log.accept("killing " + n + " worker(s)");
    workers.killAll(Duration.ofSeconds(1));
    Agent.deleteTree(scratch);
    closed.countDown();
  }
}
