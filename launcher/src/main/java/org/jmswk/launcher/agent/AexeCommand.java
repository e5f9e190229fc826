package org.jmswk.launcher.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import org.jmswk.agent.AgentServer;
import org.jmswk.agent.AgentSettings;
import org.jmswk.agent.JobSecret;
import org.jmswk.agent.ServeClient;
import org.jmswk.agent.WorkerSpec;
import org.jmswk.launcher.job.JobScriptParser;
import org.jmswk.launcher.job.JobSpec;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jmswk aexe}: start a non-MPI worker on the node at given coordinates of the job's node
 * shape (SPEC 2.3, the vendor's pjaexe), and return as soon as it has started.
 *
 * <p>How a command reaches its node: each node runs {@code jmswk agent --serve} (started once
 * per node by the job script with mpiexec), which registers its port in
 * {@code $JMSWK_JOB_DIR/agents/node-N}; aexe connects there, both sides prove the job secret
 * (HMAC challenge/response), aexe sends the argument vector and waits for STARTED. The worker is
 * the serving agent's child on that node.
 */
@Command(name = "aexe", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Start a non-MPI worker on a chosen node of the job (like pjaexe).", "",
        "Coordinates are in the job's node shape (#PJM -L \"node=12x8\"; a plain node count is a",
        "1-D shape); the origin is the master's node (the hostfile's first line), ranks run in",
        "row-major order. On a single host every coordinate maps to it. Returns when the worker",
        "has started; it keeps running. Its stdin is /dev/zero, stdout and stderr /dev/null",
        "(redirect in the command if needed); JMSWK_VPID and PLE_VPID hold its node's rank.",
        "Needs `jmswk agent --serve` running on the nodes (see examples/aexe/job.sh).",
        "",
        "At most 128 launches may be under way at once in one job. A node that does not answer",
        "within --timeout, or whose launch fails, goes on $JMSWK_JOB_DIR/broken-nodes and is not",
        "chosen again.",
        "",
        "Exit codes: 0 started; 1 your specification is wrong (coordinates, shape, command);",
        "2 not inside a job, or its setup is incomplete; 3 a node did not answer in time (now",
        "broken); 4 the node is on the broken-node list; 5 the launch failed on the node (now",
        "broken); 6 128 launches already under way; 7 no serving agent registered for the node.",
        "With several targets the largest code is returned."})
public final class AexeCommand implements Callable<Integer> {
  static final int EXIT_SPEC = 1;
  static final int EXIT_SETUP = 2;
  static final int EXIT_TIMEOUT = 3;
  static final int EXIT_BROKEN = 4;
  static final int EXIT_FAILED = 5;
  static final int EXIT_BUSY = 6;
  static final int EXIT_NO_AGENT = 7;

  static final class Target {
    @Option(names = "--vcoord", paramLabel = "(x[,y[,z]])", required = true, description = "Coordinates of the node.")
    String vcoord;

    @Option(names = "--vcoordfile", paramLabel = "FILE", required = true, description = "A file of coordinates, one (x[,y[,z]]) a line: one worker per line.")
    Path vcoordFile;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Target target;

  @Option(names = "--timeout", paramLabel = "S", defaultValue = "30", description = "Seconds to wait for a node to start the worker (default: ${DEFAULT-VALUE}).")
  double timeoutSeconds;

  @Option(names = "--shape", paramLabel = "NxM", description = "The node shape (default: the job script's, else the hostfile's node count).")
  String shape;

  @Option(names = "--env", paramLabel = "NAME=VALUE", description = "An environment variable for the worker (repeatable).")
  List<String> envVars = new ArrayList<>();

  @Option(names = {"-v", "--verbose"}, description = "Print one line per started worker.")
  boolean verbose;

  @Option(names = "--sh", description = {"A single COMMAND word is a command string, run by /bin/sh -c on the node",
      "(as pjaexe does: './a.out >> out.txt'); several words stay an argument vector."})
  boolean commandString;

  @Option(names = "--start-agents", description = "Start the job's serving agents (one per node) if none were started yet, as pjaexe needs no set-up.")
  boolean startAgents;

  @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "The command and its arguments (after --).")
  List<String> command = new ArrayList<>();

  Map<String, String> env = System.getenv();

  private record Planned(Coordinates coord, int rank, String node, int nodeIndex) {}

  @Override
  public Integer call() {
    // 1. the user's own specification
    if (command.isEmpty()) return fail(EXIT_SPEC, "no command given: jmswk aexe --vcoord \"(x)\" -- COMMAND ARGS...");
    if (!(timeoutSeconds > 0) || timeoutSeconds > 86_400) return fail(EXIT_SPEC, "--timeout must be between 0 and 86400 seconds");
    Map<String, String> extraEnv = new LinkedHashMap<>();
    for (String kv : envVars) {
      int eq = kv.indexOf('=');
      if (eq <= 0) return fail(EXIT_SPEC, "--env expects NAME=VALUE, not " + kv);
      extraEnv.put(kv.substring(0, eq), kv.substring(eq + 1));
    }
    List<Coordinates> coords = new ArrayList<>();
    try {
      if (target.vcoord != null) {
        coords.add(Coordinates.parse(target.vcoord));
      } else {
        List<String> lines;
        try {
          lines = Files.readAllLines(target.vcoordFile);
        } catch (IOException e) {
          return fail(EXIT_SPEC, "cannot read coordinates file " + target.vcoordFile + ": " + e.getMessage());
        }
        for (int i = 0; i < lines.size(); i++) {
          String line = lines.get(i).strip();
          if (line.isEmpty() || line.startsWith("#")) continue;
          try {
            coords.add(Coordinates.parse(line));
          } catch (Coordinates.SpecException e) {
            return fail(EXIT_SPEC, target.vcoordFile + ":" + (i + 1) + ": " + e.getMessage());
          }
        }
        if (coords.isEmpty()) return fail(EXIT_SPEC, "coordinates file " + target.vcoordFile + " lists no coordinates");
      }
    } catch (Coordinates.SpecException e) {
      return fail(EXIT_SPEC, e.getMessage());
    }
    if (coords.size() > LaunchSlots.MAX) {
      return fail(EXIT_SPEC, coords.size() + " coordinates in one call: at most " + LaunchSlots.MAX + " launches may be under way at once");
    }

    // 2. the job
    String jobDirName = env.get("JMSWK_JOB_DIR");
    if (jobDirName == null || jobDirName.isBlank()) return fail(EXIT_SETUP, "not inside a job (JMSWK_JOB_DIR is not set)");
    Path jobDir = Path.of(jobDirName);
    List<String> hosts = Hostfile.read(jobDir.resolve("hostfile"));
    if (hosts.isEmpty()) return fail(EXIT_SETUP, "the job has no hostfile at " + jobDir.resolve("hostfile"));
    List<Integer> nodeShape;
    try {
      nodeShape = shape != null ? Coordinates.parseShape(shape) : jobShape(jobDir, hosts.size());
    } catch (Coordinates.SpecException e) {
      return fail(EXIT_SPEC, e.getMessage());
    }
    List<Planned> plan = new ArrayList<>();
    for (Coordinates c : coords) {
      int rank;
      try {
        rank = c.rank(nodeShape);
      } catch (Coordinates.SpecException e) {
        return fail(EXIT_SPEC, e.getMessage());
      }
      int index = hosts.size() == 1 ? 0 : rank;
      if (index >= hosts.size()) {
        return fail(EXIT_SETUP, "coordinates " + c + " are node rank " + rank + " but the job's hostfile lists only "
            + hosts.size() + " nodes");
      }
      plan.add(new Planned(c, rank, hosts.get(index), index));
    }
    Set<Integer> broken = BrokenNodes.ranks(jobDir);
    int worst = 0;
    List<Planned> runnable = new ArrayList<>();
    for (Planned p : plan) {
      if (broken.contains(p.rank)) {
        System.err.println("jmswk aexe: node " + p.coord + " (rank " + p.rank + ", " + p.node
            + ") is on the job's broken-node list (" + jobDir.resolve(BrokenNodes.FILE) + "): not chosen again");
        worst = Math.max(worst, EXIT_BROKEN);
      } else {
        runnable.add(p);
      }
    }
    if (runnable.isEmpty()) return worst;
    byte[] secret;
    AgentSettings settings;
    try {
      if (startAgents) ServingAgents.ensureStarted(jobDir, hosts, env);
      secret = startAgents ? JobSecret.loadOrCreate(env) : JobSecret.load(env);
      settings = AgentSettings.fromEnv(env);
    } catch (IOException | RuntimeException e) {
      return fail(EXIT_SETUP, e.getMessage());
    }

    // 3. the launches, at most 128 under way in the whole job
    Duration timeout = Duration.ofMillis((long) (timeoutSeconds * 1000));
    try (LaunchSlots slots = LaunchSlots.acquire(jobDir, runnable.size())) {
      if (slots == null) {
        return fail(EXIT_BUSY, "at most " + LaunchSlots.MAX + " launches may be under way at once in job "
            + jobDir.getFileName() + "; " + LaunchSlots.busy(jobDir) + " are under way now and this call needs "
            + runnable.size() + ": retry when some have started");
      }
      int[] codes = new int[runnable.size()];
      List<Thread> threads = new ArrayList<>();
      String cwd = System.getProperty("user.dir");
      for (int i = 0; i < runnable.size(); i++) {
        int k = i;
        threads.add(Thread.ofVirtual().start(() -> codes[k] = launchOne(jobDir, runnable.get(k), secret, settings,
            timeout, extraEnv, cwd)));
      }
      for (Thread t : threads) {
        try {
          if (!t.join(timeout.plusSeconds(10))) worst = Math.max(worst, EXIT_TIMEOUT);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return EXIT_TIMEOUT;
        }
      }
      for (int c : codes) worst = Math.max(worst, c);
      return worst;
    } catch (IOException e) {
      return fail(EXIT_SETUP, "cannot use the launch slots under " + jobDir.resolve(LaunchSlots.DIR) + ": " + e.getMessage());
    }
  }

  private int launchOne(Path jobDir, Planned p, byte[] secret, AgentSettings settings, Duration timeout,
                        Map<String, String> extraEnv, String cwd) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String where = "node " + p.coord + " (rank " + p.rank + ", " + p.node + ")";
    Path reg = jobDir.resolve("agents").resolve("node-" + p.nodeIndex);
    Map<String, String> fields = null;
    while (fields == null) {
      try {
        if (Files.exists(reg)) fields = AgentServer.readRegistration(reg);
      } catch (IOException e) {
        fields = null;
      }
      if (fields == null) {
        if (System.nanoTime() > deadline) {
          return fail(EXIT_NO_AGENT, "no serving agent registered for " + where + " at " + reg
              + " (start `jmswk agent --serve` on every node, see examples/aexe/job.sh)");
        }
        sleep(50);
      }
    }
    int port;
    try {
      port = Integer.parseInt(fields.getOrDefault("port", ""));
    } catch (NumberFormatException e) {
      return fail(EXIT_SETUP, "registration " + reg + " has no valid port");
    }
    Map<String, String> workerEnv = new LinkedHashMap<>(extraEnv);
    workerEnv.put("JMSWK_VPID", Integer.toString(p.rank));
    workerEnv.put("PLE_VPID", Integer.toString(p.rank));
    List<String> argv = commandString && command.size() == 1 ? List.of("/bin/sh", "-c", command.get(0)) : command;
    WorkerSpec spec = WorkerSpec.of(argv).withStdio("/dev/zero", "/dev/null", "/dev/null");
    for (var e : workerEnv.entrySet()) spec = spec.withEnv(e.getKey(), e.getValue());
    if (cwd != null && Files.isDirectory(Path.of(cwd))) spec = spec.withCwd(cwd);
    Duration left = Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
    ServeClient.Outcome o = ServeClient.launch(p.node, port, secret, settings, "vpid-" + p.rank, spec, left);
    switch (o.kind()) {
      case STARTED -> {
        if (verbose) System.err.println("jmswk aexe: " + where + ": started " + command.get(0) + " as pid " + o.pid());
        return 0;
      }
      case LAUNCH_FAILED -> {
        // no such program, not executable, bad directory: the user's own specification
        if (o.errno() == 2 || o.errno() == 13 || o.errno() == 8 || o.errno() == 20) {
          return fail(EXIT_SPEC, where + ": " + o.message());
        }
        markBroken(jobDir, p, "launch failed: " + o.message());
        return fail(EXIT_FAILED, where + ": launch failed: " + o.message() + "; node put on the broken-node list");
      }
      case TIMEOUT -> {
        markBroken(jobDir, p, "no answer within " + timeout.toMillis() + " ms");
        return fail(EXIT_TIMEOUT, where + " did not start the worker within " + fmt(timeout)
            + "; node put on the broken-node list (" + jobDir.resolve(BrokenNodes.FILE) + ")");
      }
      default -> {
        markBroken(jobDir, p, o.kind() + ": " + o.message());
        return fail(EXIT_FAILED, where + ": " + (o.kind() == ServeClient.Kind.AUTH_FAILED ? "authentication failed: " : "")
            + o.message() + "; node put on the broken-node list");
      }
    }
  }

  private static void markBroken(Path jobDir, Planned p, String reason) {
    try {
      BrokenNodes.add(jobDir, p.rank, p.node, p.coord, reason);
    } catch (IOException e) {
      System.err.println("jmswk aexe: cannot record broken node " + p.node + ": " + e.getMessage());
    }
  }

  /** The node shape of the job: its script's shape or node count, else the hostfile's count. */
  static List<Integer> jobShape(Path jobDir, int hostfileNodes) {
    String fromEnv = System.getenv("JMSWK_NODE_SHAPE");
    if (fromEnv != null && !fromEnv.isBlank()) {
      try {
        return Coordinates.parseShape(fromEnv);
      } catch (Coordinates.SpecException ignored) {
        // fall through to the job script
      }
    }
    Path props = jobDir.resolve("job.properties");
    if (Files.exists(props)) {
      Properties p = new Properties();
      try (var r = Files.newBufferedReader(props)) {
        p.load(r);
        String script = p.getProperty("script");
        if (script != null && Files.isRegularFile(Path.of(script))) {
          JobSpec spec = JobScriptParser.parse(script, Files.readAllLines(Path.of(script)), false, List.of());
          if (!spec.shape().isEmpty()) return spec.shape();
          return List.of(spec.nodes());
        }
      } catch (Exception e) {
        // unreadable: fall back to the hostfile
      }
    }
    return List.of(hostfileNodes);
  }

  private static String fmt(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  private static int fail(int code, String message) {
    System.err.println("jmswk aexe: " + message);
    return code;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
