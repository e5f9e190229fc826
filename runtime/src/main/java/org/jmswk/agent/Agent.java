package org.jmswk.agent;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The agent core (SPEC 2.2): connects to the master, proves the job secret, then starts
 * non-MPI workers on request and reports each one's end (exit code or signal, captured output).
 * Heartbeats run both ways; when the master is lost (connection closed, silent beyond the
 * dead-peer bound, protocol error) or sends SHUTDOWN, the agent kills its workers and returns.
 *
 * <p>Exit codes of {@link #run}: 0 after SHUTDOWN, 3 when the master was lost, 4 when it could
 * not be reached or authentication failed.
 */
public final class Agent {
  public static final int EXIT_SHUTDOWN = 0;
  public static final int EXIT_MASTER_LOST = 3;
  public static final int EXIT_NO_MASTER = 4;

  private final String host;
  private final int port;
  private final byte[] secret;
  private final AgentSettings settings;
  private final Map<String, String> info;
  private final Consumer<String> log;

  /**
   * @param info what this agent tells the master about itself: at least {@code node} (the node
   *     name failures are recorded under) and {@code host}
   */
  public Agent(String host, int port, byte[] secret, AgentSettings settings, Map<String, String> info, Consumer<String> log) {
    this.host = host;
    this.port = port;
    this.secret = secret.clone();
    this.settings = settings;
    this.info = Map.copyOf(info);
    this.log = log;
  }

  /** Runs until SHUTDOWN or the master's loss; every wait is bounded by the settings. */
  public int run() {
    Connection conn;
    try {
      conn = connect();
    } catch (IOException e) {
      log.accept("cannot join the master at " + host + ":" + port + ": " + e.getMessage());
      return EXIT_NO_MASTER;
    }
    log.accept("joined the master at " + host + ":" + port + " (heartbeat " + conn.deadAfter().toMillis()
        + " ms bound)");
    Path scratch;
    try {
      scratch = Files.createTempDirectory("jmswk-agent-");
    } catch (IOException e) {
      log.accept("cannot create a scratch directory: " + e.getMessage());
      conn.close("agent failed");
      return EXIT_NO_MASTER;
    }
    Workers workers = new Workers(scratch, settings.captureBytes(), exit -> report(conn, exit));
    Thread hook = new Thread(() -> workers.killAll(Duration.ofMillis(500)));
    Runtime.getRuntime().addShutdownHook(hook);
    int code;
    try {
      code = serve(conn, workers);
    } finally {
      int n = workers.running();
      if (n > 0) log.accept("killing " + n + " worker(s)");
      workers.killAll(Duration.ofSeconds(1));
      conn.close("agent ends");
      deleteTree(scratch);
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException ignored) {
        // shutting down already
      }
    }
    return code;
  }

  private Connection connect() throws IOException {
    long deadline = System.nanoTime() + settings.connect().toNanos();
    IOException last = null;
    long backoff = 100;
    do {
      Socket socket = new Socket();
      try {
        long left = Math.max(100, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        socket.connect(new InetSocketAddress(host, port), (int) Math.min(left, 5000));
        Handshake.Peer master = Handshake.connect(socket, secret, Handshake.ROLE_AGENT, settings, info);
        return new Connection(socket, "master " + host + ":" + port, master.heartbeat(), master.deadAfter(),
            settings.maxFrame()).startLiveness();
      } catch (Handshake.AuthenticationException e) {
        socket.close();
        throw e; // no point retrying with the same secret
      } catch (IOException e) {
        socket.close();
        last = e;
      }
      try {
        Thread.sleep(backoff);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      backoff = Math.min(backoff * 2, 1000);
    } while (System.nanoTime() < deadline);
    throw new IOException("not reachable within " + settings.connect().toMillis() + " ms"
        + (last != null ? " (" + last.getMessage() + ")" : ""), last);
  }

  private int serve(Connection conn, Workers workers) {
    while (true) {
      Message m;
      try {
        m = conn.receive();
      } catch (Connection.PeerLostException e) {
        log.accept("master lost: " + e.getMessage());
        return EXIT_MASTER_LOST;
      }
      try {
        switch (m.type()) {
          case LAUNCH -> launch(conn, workers, m);
          case KILL -> {
            String task = m.string("task");
            int sig = (int) m.number("signal", NativeSpawn.SIGKILL);
            if (sig < 1 || sig > 64) throw new ProtocolException("KILL with signal " + sig);
            workers.kill(task, sig);
          }
          case SHUTDOWN -> {
            log.accept("shutdown requested by the master");
            return EXIT_SHUTDOWN;
          }
          default -> throw new ProtocolException("unexpected " + m.type() + " from the master");
        }
      } catch (ProtocolException e) {
        log.accept("protocol error from the master: " + e.getMessage() + "; closing");
        try {
          conn.send(Message.of(Message.Type.ERROR, "message", e.getMessage()));
        } catch (IOException ignored) {
          // closing anyway
        }
        conn.close("protocol error: " + e.getMessage());
        return EXIT_MASTER_LOST;
      } catch (IOException e) {
        log.accept("master lost: " + e.getMessage());
        return EXIT_MASTER_LOST;
      }
    }
  }

  private void launch(Connection conn, Workers workers, Message m) throws IOException {
    String task = m.string("task");
    long attempt = m.number("attempt", 1);
    WorkerSpec spec = WorkerSpec.fromMessage(m);
    Map<String, String> extra = new LinkedHashMap<>();
    extra.put("JMSWK_TASK_ID", task);
    extra.put("JMSWK_ATTEMPT", Long.toString(attempt));
    int pid;
    try {
      pid = workers.start(task, spec, extra);
    } catch (NativeSpawn.SpawnException e) {
      conn.send(Message.of(Message.Type.LAUNCH_FAILED, "task", task, "errno", (long) e.errno, "message", e.getMessage()));
      return;
    } catch (IOException | RuntimeException e) {
      conn.send(Message.of(Message.Type.LAUNCH_FAILED, "task", task, "errno", 0L, "message", String.valueOf(e.getMessage())));
      return;
    }
    conn.send(Message.of(Message.Type.STARTED, "task", task, "pid", (long) pid));
  }

  private void report(Connection conn, Workers.Exit exit) {
    try {
      conn.send(Message.of(Message.Type.EXITED, "task", exit.taskId(), "pid", (long) exit.pid(),
          "exit_code", (long) exit.exitCode(), "signal", (long) exit.signal(), "stdout", exit.stdout(),
          "stderr", exit.stderr(), "truncated", exit.truncated() ? 1L : 0L, "elapsed_ms", exit.elapsedMillis()));
    } catch (IOException e) {
      // the master is lost; it re-runs the task elsewhere
    }
  }

  /** Host name of this machine as the system names it (for agent info and logs). */
  public static String localHostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }

  static void deleteTree(Path dir) {
    try (var walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException ignored) {
          // scratch space
        }
      });
    } catch (IOException ignored) {
      // scratch space
    }
  }
}
