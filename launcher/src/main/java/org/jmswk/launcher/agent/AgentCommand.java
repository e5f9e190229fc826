package org.jmswk.launcher.agent;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.jmswk.agent.Agent;
import org.jmswk.agent.AgentServer;
import org.jmswk.agent.AgentSettings;
import org.jmswk.agent.JobSecret;
import org.jmswk.mpi.MPI;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jmswk agent}: one per node, started by mpiexec (SPEC 2.2, 2.3). It calls MPI_Init and
 * MPI_Finalize itself at start (through the binding; what the MPI launcher expects of every
 * program it starts), then works as a plain process, so the MPI job's collective finalize never
 * couples the agents' lifetimes.
 */
@Command(name = "agent", mixinStandardHelpOptions = true,
    description = {"Run a worker agent on this node (one per node, started by mpiexec).", "",
        "Default mode: connect to the master at --master-host/--port (or --master HOST:PORT, or a",
        "port file), prove the job secret, start non-MPI workers on request and report their",
        "exit status and output; heartbeats both ways. On the master's own node (its address is",
        "one of this host's) the agent exits at once. When the master is gone the agent kills its",
        "workers and exits.",
        "",
        "--serve: the node end of `jmswk aexe`: listen, register in $JMSWK_JOB_DIR/agents/node-N",
        "(N = the MPI rank, i.e. the hostfile line with `mpiexec -npernode 1`), and start the",
        "workers aexe asks for until the job ends.",
        "",
        "The job secret comes from JMSWK_JOB_SECRET, JMSWK_JOB_SECRET_FILE, or $JMSWK_JOB_DIR/secret.",
        "Liveness and limits: JMSWK_AGENT_HEARTBEAT_MS, JMSWK_AGENT_DEAD_MS, JMSWK_AGENT_MAX_FRAME,",
        "JMSWK_AGENT_HANDSHAKE_MS, JMSWK_AGENT_CONNECT_MS, JMSWK_AGENT_CAPTURE_BYTES.",
        "",
        "Exit codes: 0 done (or nothing to do on the master's node), 2 bad usage or setup,",
        "3 master lost, 4 master unreachable or authentication refused."})
public final class AgentCommand implements Callable<Integer> {
  /** How the agent deals with MPI. */
  enum MpiMode { auto, always, never }

  @Option(names = "--master", paramLabel = "HOST:PORT", description = "The master's address and port.")
  String master;

  @Option(names = "--master-host", paramLabel = "HOST", description = "The master's address (with --port or --port-file).")
  String masterHost;

  @Option(names = "--port", description = "The master's port.")
  Integer port;

  @Option(names = "--port-file", paramLabel = "FILE", description = "Read the master's port from FILE (waits for it, bounded by JMSWK_AGENT_CONNECT_MS).")
  Path portFile;

  @Option(names = "--serve", description = "Serve direct launches (jmswk aexe) on this node instead.")
  boolean serve;

  @Option(names = "--node-index", description = "Serve mode: this node's line in the hostfile (default: the MPI rank).")
  Integer nodeIndex;

  @Option(names = "--bind", paramLabel = "ADDR", description = "Serve mode: address to listen on (default: all, or 127.0.0.1 when the job runs on localhost only).")
  String bind;

  @Option(names = "--mpi", defaultValue = "auto", description = "MPI_Init/MPI_Finalize at start: auto (when started by an MPI launcher), always, never (default: ${DEFAULT-VALUE}).")
  MpiMode mpi;

  @Option(names = "--emulated-nodes", description = {"All nodes are this one host (a local job): the agent with MPI rank 0",
      "plays the master's node and exits; the others are nodes of their own (also JMSWK_AGENT_EMULATED_NODES=1)."})
  boolean emulatedNodes;

  Map<String, String> env = System.getenv();

  @Override
  public Integer call() {
    int rank;
    try {
      rank = mpiPhase();
    } catch (RuntimeException | LinkageError e) {
      log("MPI_Init/MPI_Finalize failed: " + e.getMessage());
      return 2;
    }
    String nodeName = Agent.localHostName();
    boolean emulated = emulatedNodes || "1".equals(env.get("JMSWK_AGENT_EMULATED_NODES"));
    AgentSettings settings;
    try {
      settings = AgentSettings.fromEnv(env);
    } catch (IllegalArgumentException e) {
      log(e.getMessage());
      return 2;
    }
    return serve ? serve(rank, settings) : connect(rank, nodeName, emulated, settings);
  }

  /** MPI_Init then MPI_Finalize at once when started by an MPI launcher; returns the world rank (or -1). */
  private int mpiPhase() {
    boolean launched = env.containsKey("OMPI_COMM_WORLD_RANK") || env.containsKey("PMIX_RANK") || env.containsKey("PMI_RANK");
    if (mpi == MpiMode.never || (mpi == MpiMode.auto && !launched)) {
      String r = env.getOrDefault("OMPI_COMM_WORLD_RANK", env.getOrDefault("PMIX_RANK", "-1"));
      try {
        return Integer.parseInt(r);
      } catch (NumberFormatException e) {
        return -1;
      }
    }
    MPI.init();
    int rank = MPI.COMM_WORLD.rank();
    MPI.finish();
    return rank;
  }

  private int connect(int rank, String nodeName, boolean emulated, AgentSettings settings) {
    String host = masterHost;
    Integer p = port;
    if (master != null) {
      int colon = master.lastIndexOf(':');
      if (colon <= 0) return usage("--master must be HOST:PORT, not " + master);
      host = master.substring(0, colon);
      try {
        p = Integer.parseInt(master.substring(colon + 1));
      } catch (NumberFormatException e) {
        return usage("--master must be HOST:PORT, not " + master);
      }
    }
    if (host == null) return usage("give the master's address: --master HOST:PORT or --master-host HOST");
    InetAddress address;
    try {
      address = InetAddress.getByName(host);
    } catch (IOException e) {
      return usage("cannot resolve the master's address " + host + ": " + e.getMessage());
    }
    if (emulated) {
      if (rank <= 0) {
        log("rank " + rank + " plays the master's node: nothing to do");
        return 0;
      }
      nodeName = nodeName + "#" + rank;
    } else if (isLocal(address)) {
      log("on the master's node (" + address.getHostAddress() + " is this host's): nothing to do");
      return 0;
    }
    if (p == null && portFile != null) p = readPortFile(portFile, settings.connect());
    if (p == null || p < 1 || p > 65535) return usage("give the master's port: --port, --port-file or --master HOST:PORT");
    byte[] secret;
    try {
      secret = JobSecret.load(env);
    } catch (IOException | IllegalStateException e) {
      log(e.getMessage());
      return 2;
    }
    Map<String, String> info = new LinkedHashMap<>();
    info.put("node", nodeName);
    info.put("host", Agent.localHostName());
    info.put("pid", Long.toString(ProcessHandle.current().pid()));
    info.put("rank", Integer.toString(rank));
    String tag = nodeName;
    return new Agent(host, p, secret, settings, info, line -> log(tag, line)).run();
  }

  private int serve(int rank, AgentSettings settings) {
    String jobDir = env.get("JMSWK_JOB_DIR");
    if (jobDir == null || jobDir.isBlank()) return usage("--serve needs JMSWK_JOB_DIR (run it inside a job)");
    Path dir = Path.of(jobDir);
    List<String> hosts = Hostfile.read(dir.resolve("hostfile"));
    int index = nodeIndex != null ? nodeIndex : hosts.size() <= 1 ? 0 : Math.max(rank, 0);
    if (index < 0 || (!hosts.isEmpty() && index >= hosts.size() && hosts.size() > 1)) {
      return usage("node index " + index + " is not a line of " + dir.resolve("hostfile") + " (" + hosts.size() + " nodes)");
    }
    String listen = bind != null ? bind : hosts.size() <= 1 && hosts.stream().allMatch(Hostfile::isLocalName) ? "127.0.0.1" : null;
    byte[] secret;
    try {
      secret = JobSecret.loadOrCreate(env);
    } catch (IOException | IllegalStateException e) {
      log(e.getMessage());
      return 2;
    }
    String tag = "node-" + index;
    AgentServer server;
    try {
      server = AgentServer.start(listen, 0, secret, settings, line -> log(tag, line));
      Map<String, String> reg = new LinkedHashMap<>();
      reg.put("port", Integer.toString(server.port()));
      reg.put("host", Agent.localHostName());
      reg.put("pid", Long.toString(ProcessHandle.current().pid()));
      AgentServer.writeRegistration(dir.resolve("agents").resolve("node-" + index), reg);
    } catch (IOException e) {
      log(tag, "cannot serve: " + e.getMessage());
      return 2;
    }
    log(tag, "serving direct launches on port " + server.port() + (listen != null ? " (" + listen + ")" : ""));
    Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    long parent = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(1L);
    try {
      while (!server.awaitClose(Duration.ofMillis(500))) {
        long now = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(1L);
        if (now != parent) {
          log(tag, "the process that started this agent is gone: ending");
          break;
        }
        if (jobEnded(dir)) {
          log(tag, "the job has ended: ending");
          break;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    server.close();
    return 0;
  }

  private static boolean jobEnded(Path dir) {
    Path props = dir.resolve("job.properties");
    if (!Files.exists(props)) return false;
    Properties p = new Properties();
    try (var r = Files.newBufferedReader(props)) {
      p.load(r);
    } catch (IOException e) {
      return false;
    }
    return "END".equals(p.getProperty("state"));
  }

  private Integer readPortFile(Path file, Duration bound) {
    long deadline = System.nanoTime() + bound.toNanos();
    while (true) {
      try {
        String s = Files.readString(file).strip();
        if (!s.isEmpty()) return Integer.parseInt(s);
      } catch (IOException | NumberFormatException e) {
        // not there yet, or being written
      }
      if (System.nanoTime() > deadline) {
        log("no port in " + file + " within " + bound.toMillis() + " ms");
        return null;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
  }

  /** True if {@code a} is an address of this host. */
  static boolean isLocal(InetAddress a) {
    if (a.isLoopbackAddress() || a.isAnyLocalAddress()) return true;
    try {
      return NetworkInterface.getByInetAddress(a) != null;
    } catch (SocketException e) {
      return false;
    }
  }

  private int usage(String message) {
    log(message);
    return 2;
  }

  private void log(String line) {
    log(null, line);
  }

  private static void log(String tag, String line) {
    System.err.println(LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss.SSS")) + " jmswk agent"
        + (tag != null ? "[" + tag + "]" : "") + ": " + line);
  }
}
