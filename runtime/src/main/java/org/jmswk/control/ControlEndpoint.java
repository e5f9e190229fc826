package org.jmswk.control;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.jmswk.agent.AgentSettings;
import org.jmswk.agent.JobSecret;
import org.jmswk.executor.FarmExecutor;
import org.jmswk.runtime.ReachableHost;

/**
 * A job's control endpoint: TCP, one per {@link FarmExecutor} running in a job, its address
 * published as {@code $JMSWK_JOB_DIR/control} ({@code tcp:HOST:PORT}). Every connection must
 * first prove the job's secret (the agents' mutual HMAC challenge/response,
 * {@link org.jmswk.agent.Handshake}, role {@code control}); a peer that does not is refused, the
 * refusal is logged on stderr with its address, and nothing it sent is acted on. Then commands
 * go one a line ({@link CommandParser}) and every reply is a JSON line ({@link Reply}).
 */
public final class ControlEndpoint implements AutoCloseable {
  /** The file in the job directory that holds the endpoint's address. */
  public static final String ADDRESS_FILE = "control";

  private final FarmExecutor executor;
  private final byte[] secret;
  private final ControlSettings settings;
  private final AgentSettings handshake = AgentSettings.defaults();
  private final ServerSocket server;
  private final Path published;
  private final String address;
  private final Semaphore clients;
  private final AtomicLong connections = new AtomicLong();
  private volatile boolean closed;

  private ControlEndpoint(FarmExecutor executor, byte[] secret, ControlSettings settings, Path jobDir) throws IOException {
    this.executor = executor;
    this.secret = secret;
    this.settings = settings;
    this.clients = new Semaphore(settings.maxClients());
    InetAddress bind = settings.bind() != null ? InetAddress.getByName(settings.bind())
        : executor.multiNode() ? InetAddress.getByName("0.0.0.0") : InetAddress.getLoopbackAddress();
    this.server = new ServerSocket();
    server.bind(new InetSocketAddress(bind, settings.port()), 64);
    // an address the clients reach: a wildcard bind publishes this host's address, not its name
    // (a container's or compute node's name may not resolve where jmswk ctl runs)
    String host = ReachableHost.forBind(bind, System.getenv());
    this.address = "tcp:" + host + ":" + server.getLocalPort();
    this.published = jobDir == null ? null : publish(jobDir, address);
  }

  /**
   * The endpoint for {@code executor} when it runs in a job ({@code JMSWK_JOB_DIR} set and
   * {@code JMSWK_CONTROL} not 0), else null. A job without a usable secret or port gets a line on
   * stderr and no endpoint: the job itself goes on.
   */
  public static ControlEndpoint forJob(FarmExecutor executor) {
    Map<String, String> env = System.getenv();
    String jobDir = env.get("JMSWK_JOB_DIR");
    if (jobDir == null || jobDir.isBlank()) return null;
    try {
      ControlSettings settings = ControlSettings.fromEnv(env);
      if (!settings.enabled()) return null;
      return open(executor, JobSecret.loadOrCreate(env), settings, Path.of(jobDir));
    } catch (IOException | RuntimeException e) {
      System.err.println("jmswk control: no control endpoint for this job: " + e.getMessage());
      return null;
    }
  }

  /** An endpoint for {@code executor} proving {@code secret}; published in {@code jobDir} unless null. */
  public static ControlEndpoint open(FarmExecutor executor, byte[] secret, ControlSettings settings, Path jobDir) throws IOException {
    ControlEndpoint c = new ControlEndpoint(executor, secret, settings, jobDir);
    Thread.ofVirtual().name("jmswk-control-accept").start(c::acceptLoop);
    return c;
  }

  /** {@code tcp:HOST:PORT}. */
  public String address() {
    return address;
  }

  private static Path publish(Path jobDir, String address) throws IOException {
    Path file = jobDir.resolve(ADDRESS_FILE);
    Path tmp = jobDir.resolve(ADDRESS_FILE + "." + ProcessHandle.current().pid() + ".tmp");
    Files.writeString(tmp, address + "\n");
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return file;
  }

  private void acceptLoop() {
    while (!closed) {
      Socket s;
      try {
        s = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      if (!clients.tryAcquire()) {
        log("refused " + peer(s) + ": already " + settings.maxClients() + " control connections (JMSWK_CONTROL_MAX_CLIENTS)");
        closeQuietly(s);
        continue;
      }
      long n = connections.incrementAndGet();
      Thread.ofVirtual().name("jmswk-control-" + n).start(() -> {
        try {
          new ControlSession(this, s, n).run();
        } finally {
          clients.release();
          closeQuietly(s);
        }
      });
    }
  }

  FarmExecutor executor() {
    return executor;
  }

  byte[] secret() {
    return secret;
  }

  ControlSettings settings() {
    return settings;
  }

  AgentSettings handshakeSettings() {
    return handshake;
  }

  static String peer(Socket s) {
    return String.valueOf(s.getRemoteSocketAddress());
  }

  static void log(String line) {
    System.err.println("jmswk control: " + line);
  }

  static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing only
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException ignored) {
      // closing only
    }
    try {
      // only if it still names this endpoint (another executor of the job may have published since)
      if (published != null && Files.readString(published).strip().equals(address)) Files.deleteIfExists(published);
    } catch (IOException ignored) {
      // already gone
    }
  }
}
