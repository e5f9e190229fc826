package org.jmswk.launcher.cluster;

import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A multi-node cluster made of Docker containers on one private network: a head ({@code head},
 * the job master node) and N slave nodes ({@code node1..nodeN}), each container's hostname equal
 * to its network alias, passwordless root ssh between them, Open MPI (4.1 or 5.0, per image) and the jmswk
 * build installed (image from {@code ci/cluster-setup}). Jobs run on the head with
 * {@code mpirun --hostfile /etc/jmswk/hostfile}; faults are injected per node.
 *
 * <p>Every call is bounded: commands run under {@code timeout} inside the container (killing a
 * {@code docker exec} client would leave them running) and every docker CLI call has its own
 * deadline. {@link #close()} removes every container and the network this cluster made; a
 * start first removes what an earlier, crashed run left (same name, or owned by a process that
 * no longer exists).
 *
 * <pre>{@code
 * try (Cluster cluster = Cluster.start(ClusterSpec.defaults().withNodes(3))) {
 *   ExecResult job = cluster.mpirunJava(Duration.ofMinutes(3), List.of(), "org.example.Master");
 *   cluster.cutNetwork("node2", Cluster.NetworkCut.FIREWALL);
 * }
 * }</pre>
 */
public final class Cluster implements AutoCloseable {
  public static final String LABEL_MANAGED = "org.jmswk.managed";
  public static final String LABEL_CLUSTER = "org.jmswk.cluster";
  public static final String LABEL_OWNER = "org.jmswk.owner";
  public static final String LABEL_HOST = "org.jmswk.host";
  public static final String LABEL_SLOTS = "org.jmswk.slots";
  public static final String LABEL_SHARED = "org.jmswk.shared";
  public static final String LABEL_SLURM = "org.jmswk.slurm";
  public static final String HEAD = "head";
  /** The hostfile on the head: head 1 slot (the master), each node its slots. */
  public static final String HOSTFILE = "/etc/jmswk/hostfile";
  public static final String JAR = "/opt/jmswk/lib/jmswk.jar";
  public static final String JAVA = "/opt/jmswk/java/bin/java";
  static final String PERSISTENT_OWNER = "persistent";

  private static final Duration DOCKER_CALL = Duration.ofSeconds(60);
  private static final Duration READY_WAIT = Duration.ofSeconds(60);
  /** Extra time the docker client gets beyond the in-container timeout (plus its kill grace). */
  private static final Duration CLIENT_GRACE = Duration.ofSeconds(30);

  /** How {@link #cutNetwork} isolates a node. */
  public enum NetworkCut {
    /** iptables DROP on the node's cluster interface: packets vanish, the address stays. */
    FIREWALL,
    /** docker network disconnect: the interface goes away; restore reconnects the same address. */
    DISCONNECT
  }

  private final Docker docker;
  private final String name;
  private final String network;
  private final List<String> hosts;
  private final int slotsPerNode;
  private final List<Path> shared;
  private final boolean slurm;
  private final Map<String, String> addresses;
  private final Map<String, NetworkCut> cut = new ConcurrentHashMap<>();
  private final AtomicReference<Thread> shutdownHook = new AtomicReference<>();
  private volatile boolean closed;

  private Cluster(Docker docker, String name, List<String> hosts, int slotsPerNode, List<Path> shared,
      boolean slurm, Map<String, String> addresses) {
    this.docker = docker;
    this.name = name;
    this.network = networkName(name);
    this.hosts = List.copyOf(hosts);
    this.slotsPerNode = slotsPerNode;
    this.shared = List.copyOf(shared);
    this.slurm = slurm;
    this.addresses = new ConcurrentHashMap<>(addresses);
  }

  // ------------------------------------------------------------------------------------------
  // start, attach, close

  /**
   * Starts the cluster and waits (bounded) until every node's sshd answers the head. Fails with
   * a {@link ClusterException} that says what to do when the engine or the image is missing.
   */
  public static Cluster start(ClusterSpec spec) {
    return start(spec, null);
  }

  /** As {@link #start(ClusterSpec)}, printing progress lines to {@code log} when not null. */
  public static Cluster start(ClusterSpec spec, PrintStream log) {
    Docker docker = requireDocker();
    long t0 = System.nanoTime();
    if (!docker.run(DOCKER_CALL, "image", "inspect", "--format", "{{.Id}}", spec.image()).ok()) {
      throw new ClusterException("image " + spec.image() + " not found: run ci/cluster-setup (it builds the"
          + " node image from Debian packages, no registry needed), or set JMSWK_CLUSTER_IMAGE");
    }
    for (Path dir : spec.shared()) {
      if (!Files.isDirectory(dir)) throw new ClusterException("shared directory " + dir + " does not exist");
    }
    int reaped = reapLeftovers(docker, spec.name());
    if (reaped > 0 && log != null) log.printf("removed %d leftovers of earlier runs%n", reaped);

    List<String> hosts = new ArrayList<>();
    hosts.add(HEAD);
    for (int i = 1; i <= spec.nodes(); i++) hosts.add("node" + i);
    String owner = spec.persistent() ? PERSISTENT_OWNER : ProcessHandle.current().pid() + "@" + localHostName();

    String subnet = createNetwork(docker, spec.name(), owner);
    Cluster cluster = new Cluster(docker, spec.name(), hosts, spec.slotsPerNode(), spec.shared(), spec.slurm(),
        Map.of());
    if (!spec.persistent()) cluster.installShutdownHook();
    try {
      if (log != null) log.printf("network %s (%s); starting %d containers from %s%n",
          cluster.network, subnet, hosts.size(), spec.image());
      List<Thread> starters = new ArrayList<>();
      Map<String, RuntimeException> failures = new ConcurrentHashMap<>();
      for (String host : hosts) {
        starters.add(Thread.ofVirtual().start(() -> {
          try {
            cluster.runContainer(host, spec, owner);
          } catch (RuntimeException e) {
            failures.put(host, e);
          }
        }));
      }
      for (Thread t : starters) t.join(DOCKER_CALL.plusSeconds(10));
      if (!failures.isEmpty()) throw failures.values().iterator().next();
      for (String host : hosts) cluster.addresses.put(host, cluster.inspectAddress(host));
      cluster.writeHostfile();
      cluster.awaitSsh(READY_WAIT);
      if (spec.slurm()) cluster.startSlurm(log);
      if (log != null) {
        log.printf("cluster %s ready in %.1f s: %s%n", spec.name(), (System.nanoTime() - t0) / 1e9,
            String.join(" ", hosts));
      }
      return cluster;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      cluster.close();
      throw new ClusterException("interrupted while starting cluster " + spec.name(), e);
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  /** A running cluster started earlier (e.g. by {@code jmswk cluster up}), found by its name. */
  public static Optional<Cluster> attach(String name) {
    Docker docker = requireDocker();
    ExecResult ps = docker.run(DOCKER_CALL, "ps", "-a", "--filter", "label=" + LABEL_CLUSTER + "=" + name,
        "--format", "{{.Label \"" + LABEL_HOST + "\"}} {{.Label \"" + LABEL_SLOTS + "\"}} {{.Label \""
            + LABEL_SLURM + "\"}} {{.Label \"" + LABEL_SHARED + "\"}}").orThrow("docker ps");
    List<String> hosts = new ArrayList<>();
    List<Path> shared = new ArrayList<>();
    int slots = 1;
    boolean slurm = false;
    for (String line : ps.stdout().strip().split("\n")) {
      String[] f = line.strip().split(" ", 4);
      if (f.length < 1 || f[0].isEmpty()) continue;
      hosts.add(f[0]);
      if (f.length > 1 && !f[1].isEmpty()) slots = Integer.parseInt(f[1]);
      if (f.length > 2 && f[2].equals("true")) slurm = true;
      if (f.length > 3 && !f[3].isEmpty() && shared.isEmpty()) {
        for (String dir : f[3].split(":")) shared.add(Path.of(dir));
      }
    }
    if (hosts.isEmpty()) return Optional.empty();
    hosts.sort((a, b) -> a.equals(HEAD) ? -1 : b.equals(HEAD) ? 1
        : Integer.compare(Integer.parseInt(a.substring(4)), Integer.parseInt(b.substring(4))));
    Cluster cluster = new Cluster(docker, name, hosts, slots, shared, slurm, Map.of());
    for (String host : hosts) {
      try {
        cluster.addresses.put(host, cluster.inspectAddress(host));
      } catch (ClusterException e) {
        // stopped or cut off: no address now
      }
    }
    return Optional.of(cluster);
  }

  /** Names of the clusters that exist now (running or not). */
  public static List<String> list() {
    Docker docker = requireDocker();
    ExecResult ps = docker.run(DOCKER_CALL, "ps", "-a", "--filter", "label=" + LABEL_MANAGED,
        "--format", "{{.Label \"" + LABEL_CLUSTER + "\"}}").orThrow("docker ps");
    return ps.stdout().lines().map(String::strip).filter(s -> !s.isEmpty()).distinct().sorted().toList();
  }

  /** Removes every container and the network of cluster {@code name}; true if there was any. */
  public static boolean remove(String name) {
    Docker docker = requireDocker();
    return removeByLabel(docker, LABEL_CLUSTER + "=" + name) > 0;
  }

  /** Removes every container and network of this cluster. Idempotent, bounded. */
  @Override
  public void close() {
    if (closed) return;
    closed = true;
    removeByLabel(docker, LABEL_CLUSTER + "=" + name);
    Thread hook = shutdownHook.getAndSet(null);
    if (hook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // already shutting down: the hook is what called us
      }
    }
  }

  // ------------------------------------------------------------------------------------------
  // what the cluster is

  public String name() {
    return name;
  }

  /** head, node1, ..., nodeN. */
  public List<String> hosts() {
    return hosts;
  }

  /** node1..nodeN: the job slave nodes. */
  public List<String> nodes() {
    return hosts.subList(1, hosts.size());
  }

  public int slotsPerNode() {
    return slotsPerNode;
  }

  public List<Path> shared() {
    return shared;
  }

  /** True when the cluster runs Slurm (started with {@link ClusterSpec#slurm()}). */
  public boolean slurm() {
    return slurm;
  }

  /** MPI_UNIVERSE_SIZE under the cluster's hostfile. */
  public int universeSize() {
    return 1 + nodes().size() * slotsPerNode;
  }

  /** The container's name for {@code host} (for docker commands by hand). */
  public String container(String host) {
    requireHost(host);
    return name + "-" + host;
  }

  /** The cluster-network address of {@code host} as it was at start. */
  public String address(String host) {
    requireHost(host);
    return addresses.get(host);
  }

  /** The hostfile's content: {@code head slots=1}, then {@code nodeK slots=S}. */
  public String hostfile() {
    StringBuilder text = new StringBuilder(HEAD + " slots=1\n");
    for (String node : nodes()) text.append(node).append(" slots=").append(slotsPerNode).append('\n');
    return text.toString();
  }

  /** Each host's container state as Docker reports it (running, paused, exited, ...). */
  public Map<String, String> states() {
    ExecResult ps = docker.run(DOCKER_CALL, "ps", "-a", "--filter", "label=" + LABEL_CLUSTER + "=" + name,
        "--format", "{{.Label \"" + LABEL_HOST + "\"}} {{.State}}").orThrow("docker ps");
    Map<String, String> states = new LinkedHashMap<>();
    for (String host : hosts) states.put(host, "gone");
    for (String line : ps.stdout().strip().split("\n")) {
      String[] f = line.strip().split(" ");
      if (f.length == 2 && states.containsKey(f[0])) states.put(f[0], f[1]);
    }
    return states;
  }

  /** True when {@code host}'s container is running (not killed, not paused). */
  /**
   * True when {@code host}'s container runs and the head reaches its sshd within 2 s: a node
   * that is paused, killed or cut off the network is not reachable.
   */
  public boolean isReachable(String host) {
    if (!isRunning(host)) return false;
    if (host.equals(HEAD)) return true;
    // the host name is passed as $0, never spliced into the script
    ExecResult r = exec(HEAD, Duration.ofSeconds(3), "/", Map.of(), null,
        List.of("bash", "-c", "exec 3<>\"/dev/tcp/$0/22\"", host));
    return r.ok();
  }

  public boolean isRunning(String host) {
    ExecResult r = docker.run(DOCKER_CALL, "inspect", "--format", "{{.State.Status}}", container(host));
    return r.ok() && r.stdout().strip().equals("running");
  }

  // ------------------------------------------------------------------------------------------
  // running things

  /** {@code command} on the head, in the first shared directory (else /root), output captured. */
  public ExecResult exec(Duration timeout, String... command) {
    return exec(HEAD, timeout, null, Map.of(), null, List.of(command));
  }

  /**
   * {@code command} (an argument vector, no shell) on {@code host}.
   *
   * @param timeout the command is stopped inside the container after this (SIGTERM, SIGKILL 10 s
   *     later); the result then has exit code 124
   * @param workdir working directory in the container; null for the first shared directory, or
   *     /root when nothing is shared
   * @param env extra environment variables
   * @param echo when not null, the command's output is also copied there as it arrives
   */
  public ExecResult exec(String host, Duration timeout, String workdir, Map<String, String> env, PrintStream echo,
      List<String> command) {
    long seconds = Math.max(1, timeout.toSeconds());
    return docker.run(Duration.ofSeconds(seconds).plus(CLIENT_GRACE), null, echo,
        execArguments(host, timeout, workdir, env, command));
  }

  /**
   * The docker CLI arguments (after {@code docker}) that run {@code command} on {@code host}
   * with {@code timeout(1)} inside the container, for callers that run the client themselves.
   */
  public List<String> execArguments(String host, Duration timeout, String workdir, Map<String, String> env,
      List<String> command) {
    requireHost(host);
    if (command.isEmpty()) throw new IllegalArgumentException("empty command");
    long seconds = Math.max(1, timeout.toSeconds());
    List<String> args = new ArrayList<>(List.of("exec", "-w", workdir != null ? workdir : defaultWorkdir()));
    for (Map.Entry<String, String> e : env.entrySet()) {
      args.add("-e");
      args.add(e.getKey() + "=" + e.getValue());
    }
    args.add(container(host));
    args.addAll(List.of("timeout", "-k", "10", Long.toString(seconds)));
    args.addAll(command);
    return args;
  }

  /** The docker CLI this cluster drives. */
  public String dockerExecutable() {
    return docker.executable();
  }

  /**
   * {@code mpirun -np 1 --hostfile HOSTFILE OPTIONS... PROGRAM...} on the
   * head: one master on the head; MPI_UNIVERSE_SIZE covers every node's slots, so spawned
   * workers land on node1..N. mpirun's exit code alone proves little (0 after an aborted job
   * has been seen): check what the master reports.
   */
  public ExecResult mpirun(Duration timeout, List<String> mpirunOptions, List<String> program, PrintStream echo) {
    List<String> command = new ArrayList<>(List.of("mpirun", "-np", "1", "--hostfile", HOSTFILE));
    command.addAll(mpirunOptions);
    command.addAll(program);
    return exec(HEAD, timeout, null, Map.of(), echo, command);
  }

  /** A Java master ({@code mainClass} from the installed jmswk.jar) under {@link #mpirun}. */
  public ExecResult mpirunJava(Duration timeout, List<String> mpirunOptions, String mainClass, PrintStream echo,
      String... args) {
    List<String> program = new ArrayList<>(List.of(JAVA, "--enable-native-access=ALL-UNNAMED", "-cp", JAR, mainClass));
    program.addAll(List.of(args));
    return mpirun(timeout, mpirunOptions, program, echo);
  }

  // ------------------------------------------------------------------------------------------
  // fault injection

  /**
   * Sends {@code signal} (e.g. "KILL", "TERM", "STOP") to every process on {@code host} whose
   * full command line matches the regular expression {@code pattern} ({@code pkill -f}).
   *
   * @return true if some process matched
   */
  public boolean killProcess(String host, String pattern, String signal) {
    if (!signal.matches("[A-Z0-9]{1,10}")) throw new IllegalArgumentException("signal name like KILL or TERM: " + signal);
    requireHost(host);
    // not through exec(): its timeout(1) wrapper's command line holds the pattern and would match
    ExecResult r = docker.run(Duration.ofSeconds(20), null, null, List.of("exec", container(host), "pkill", "-" + signal, "-f", pattern));
    if (r.exitCode() > 1) throw new ClusterException("pkill on " + host + " failed: " + r.output().strip());
    return r.exitCode() == 0;
  }

  /** The whole node dies at once ({@code docker kill}: SIGKILL to everything in it). */
  public void killNode(String host) {
    docker.run(DOCKER_CALL, "kill", container(host)).orThrow("docker kill " + host);
  }

  /** Cuts {@code host} off the cluster network until {@link #restoreNetwork}. */
  public void cutNetwork(String host, NetworkCut how) {
    requireHost(host);
    if (cut.containsKey(host)) return;
    switch (how) {
      case FIREWALL -> {
        for (List<String> rule : List.of(List.of("INPUT", "-i"), List.of("OUTPUT", "-o"))) {
          exec(host, Duration.ofSeconds(20), "/", Map.of(), null,
              List.of("iptables", "-I", rule.get(0), "1", rule.get(1), "eth0", "-j", "DROP"))
              .orThrow("iptables on " + host);
        }
      }
      case DISCONNECT -> docker.run(DOCKER_CALL, "network", "disconnect", "--force", network, container(host))
          .orThrow("docker network disconnect " + host);
    }
    cut.put(host, how);
  }

  /** Cuts with {@link NetworkCut#FIREWALL}. */
  public void cutNetwork(String host) {
    cutNetwork(host, NetworkCut.FIREWALL);
  }

  /** Undoes {@link #cutNetwork}: same address, same alias. */
  public void restoreNetwork(String host) {
    NetworkCut how = cut.remove(host);
    if (how == null) return;
    switch (how) {
      case FIREWALL -> {
        for (List<String> rule : List.of(List.of("INPUT", "-i"), List.of("OUTPUT", "-o"))) {
          exec(host, Duration.ofSeconds(20), "/", Map.of(), null,
              List.of("iptables", "-D", rule.get(0), rule.get(1), "eth0", "-j", "DROP"))
              .orThrow("iptables on " + host);
        }
      }
      case DISCONNECT -> docker.run(DOCKER_CALL, "network", "connect", "--ip", address(host), "--alias", host,
          network, container(host)).orThrow("docker network connect " + host);
    }
  }

  /** Freezes every process of {@code host} (cgroup freezer): a hung node. */
  public void pause(String host) {
    docker.run(DOCKER_CALL, "pause", container(host)).orThrow("docker pause " + host);
  }

  public void unpause(String host) {
    docker.run(DOCKER_CALL, "unpause", container(host)).orThrow("docker unpause " + host);
  }

  // ------------------------------------------------------------------------------------------
  // internals

  private static Docker requireDocker() {
    return Docker.find().orElseThrow(() -> new ClusterException(
        "no docker CLI on PATH: run ci/cluster-setup (installs and starts a Docker engine)"));
  }

  private static String networkName(String cluster) {
    return cluster + "-net";
  }

  private static String localHostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }

  private String defaultWorkdir() {
    return shared.isEmpty() ? "/root" : shared.get(0).toString();
  }

  private void requireHost(String host) {
    if (!hosts.contains(host)) throw new IllegalArgumentException("no host " + host + " in cluster " + name + " " + hosts);
  }

  private void runContainer(String host, ClusterSpec spec, String owner) {
    List<String> args = new ArrayList<>(List.of("run", "-d", "--name", container(host), "--hostname", host,
        "--network", network, "--network-alias", host,
        "--label", LABEL_MANAGED + "=true", "--label", LABEL_CLUSTER + "=" + name,
        "--label", LABEL_OWNER + "=" + owner, "--label", LABEL_HOST + "=" + host,
        "--label", LABEL_SLOTS + "=" + spec.slotsPerNode(),
        "--label", LABEL_SLURM + "=" + spec.slurm(),
        "--label", LABEL_SHARED + "=" + String.join(":", spec.shared().stream().map(Path::toString).toList()),
        // iptables for network cuts; nothing else is added to the default capability set
        "--cap-add", "NET_ADMIN",
        // Open MPI's shared-memory transport lives in /dev/shm (64 MB by default)
        "--shm-size", "512m"));
    for (Path dir : spec.shared()) {
      args.add("-v");
      args.add(dir + ":" + dir);
    }
    args.add(spec.image());
    docker.run(DOCKER_CALL, args.toArray(String[]::new)).orThrow("starting container " + container(host));
  }

  private String inspectAddress(String host) {
    String ip = docker.run(DOCKER_CALL, "inspect", "--format",
        "{{with index .NetworkSettings.Networks \"" + network + "\"}}{{.IPAddress}}{{end}}", container(host))
        .orThrow("docker inspect " + host).stdout().strip();
    if (ip.isEmpty()) throw new ClusterException(host + " has no address on " + network);
    return ip;
  }

  private void writeHostfile() {
    exec(HEAD, Duration.ofSeconds(20), "/", Map.of(), null, List.of("mkdir", "-p", "/etc/jmswk")).orThrow("mkdir on head");
    List<String> args = List.of("exec", "-i", container(HEAD), "timeout", "20", "tee", HOSTFILE);
    docker.run(DOCKER_CALL, hostfile().getBytes(StandardCharsets.UTF_8), null, args).orThrow("writing " + HOSTFILE);
  }

  /**
   * Slurm on the running containers: a fresh munge key and the configuration written to every
   * host (over docker exec's stdin, never through a shell), then jmswk-slurm-start (from the
   * image) on the head (munged, MariaDB, slurmdbd, slurmctld) and on every slave node (munged,
   * slurmd); returns once sinfo shows every slave node idle.
   */
  private void startSlurm(PrintStream log) {
    long t0 = System.nanoTime();
    byte[] key = SlurmConfig.newMungeKey();
    byte[] conf = SlurmConfig.slurmConf(nodes().size(), slotsPerNode, addresses).getBytes(StandardCharsets.UTF_8);
    for (String host : hosts) {
      writeFile(host, "/etc/munge/munge.key", key);
      writeFile(host, "/etc/slurm/slurm.conf", conf);
    }
    writeFile(HEAD, "/etc/slurm/slurmdbd.conf", SlurmConfig.slurmdbdConf().getBytes(StandardCharsets.UTF_8));
    exec(HEAD, Duration.ofSeconds(120), "/", Map.of(), null, List.of("jmswk-slurm-start", "head"))
        .orThrow("starting Slurm on head (is " + name + " from an ompi4 image? only that flavour has Slurm)");
    Map<String, RuntimeException> failures = new ConcurrentHashMap<>();
    List<Thread> starters = new ArrayList<>();
    for (String node : nodes()) {
      starters.add(Thread.ofVirtual().start(() -> {
        try {
          exec(node, Duration.ofSeconds(60), "/", Map.of(), null, List.of("jmswk-slurm-start", "node"))
              .orThrow("starting slurmd on " + node);
        } catch (RuntimeException e) {
          failures.put(node, e);
        }
      }));
    }
    try {
      for (Thread t : starters) t.join(Duration.ofSeconds(90));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClusterException("interrupted while starting Slurm", e);
    }
    if (!failures.isEmpty()) throw failures.values().iterator().next();
    awaitSlurmNodesIdle(READY_WAIT);
    if (log != null) log.printf("Slurm up in %.1f s: slurmctld and slurmdbd on head, slurmd on %s%n",
        (System.nanoTime() - t0) / 1e9, String.join(" ", nodes()));
  }

  private void awaitSlurmNodesIdle(Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      ExecResult r = exec(HEAD, Duration.ofSeconds(10), "/", Map.of(), null, List.of("sinfo", "-h", "-N", "-o", "%N %t"));
      last = r.output().strip();
      if (r.ok() && last.lines().filter(l -> l.endsWith(" idle")).count() == nodes().size()) return;
      try {
        Thread.sleep(300);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ClusterException("interrupted while waiting for Slurm's nodes", e);
      }
    }
    throw new ClusterException("Slurm's nodes not idle within " + limit.toSeconds() + " s: sinfo says\n" + last);
  }

  /** Writes {@code content} to {@code path} on {@code host} (docker exec's stdin into dd). */
  private void writeFile(String host, String path, byte[] content) {
    List<String> args = List.of("exec", "-i", container(host), "timeout", "20", "dd", "of=" + path, "status=none");
    docker.run(DOCKER_CALL, content, null, args).orThrow("writing " + path + " on " + host);
  }

  /** Every node's sshd accepts the head's key (what mpirun's ssh launch needs). */
  private void awaitSsh(Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    List<String> pending = new ArrayList<>(nodes());
    ExecResult last = null;
    while (!pending.isEmpty()) {
      String host = pending.get(0);
      last = exec(HEAD, Duration.ofSeconds(10), "/", Map.of(), null,
          List.of("ssh", "-o", "ConnectTimeout=3", host, "true"));
      if (last.ok()) {
        pending.remove(0);
        continue;
      }
      if (System.nanoTime() > deadline) {
        throw new ClusterException("ssh from head to " + host + " not ready within " + limit.toSeconds() + " s: "
            + last.output().strip());
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ClusterException("interrupted while waiting for ssh", e);
      }
    }
  }

  private void installShutdownHook() {
    Thread hook = new Thread(this::close, "cluster-" + name + "-cleanup");
    shutdownHook.set(hook);
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** A network on a free 10.213.x.0/24 (a fixed subnet lets a reconnect keep its address). */
  private static String createNetwork(Docker docker, String cluster, String owner) {
    ExecResult last = null;
    for (int attempt = 0; attempt < 16; attempt++) {
      String subnet = "10.213." + ThreadLocalRandom.current().nextInt(256) + ".0/24";
      last = docker.run(DOCKER_CALL, "network", "create", "--internal", "--subnet", subnet,
          "--label", LABEL_MANAGED + "=true", "--label", LABEL_CLUSTER + "=" + cluster,
          "--label", LABEL_OWNER + "=" + owner, networkName(cluster));
      if (last.ok()) return subnet;
      if (!last.output().contains("overlap")) break;
    }
    throw new ClusterException("cannot create network " + networkName(cluster) + ": " + last.output().strip());
  }

  /**
   * Removes containers and networks of cluster {@code name}, and of clusters whose owning
   * process (on this machine) is gone. Returns how many containers went.
   */
  static int reapLeftovers(Docker docker, String name) {
    Map<String, String> owners = new LinkedHashMap<>();
    for (String kind : List.of("ps -a", "network ls")) {
      List<String> args = new ArrayList<>(List.of(kind.split(" ")));
      args.addAll(List.of("--filter", "label=" + LABEL_MANAGED, "--format",
          "{{.Label \"" + LABEL_CLUSTER + "\"}} {{.Label \"" + LABEL_OWNER + "\"}}"));
      ExecResult r = docker.run(DOCKER_CALL, args.toArray(String[]::new)).orThrow("docker " + kind);
      for (String line : r.stdout().strip().split("\n")) {
        String[] f = line.strip().split(" ");
        if (f.length == 2) owners.put(f[0], f[1]);
      }
    }
    String me = localHostName();
    int removed = 0;
    for (Map.Entry<String, String> e : owners.entrySet()) {
      String cluster = e.getKey();
      String owner = e.getValue();
      boolean stale = cluster.equals(name);
      int at = owner.indexOf('@');
      if (!stale && at > 0 && owner.substring(at + 1).equals(me)) {
        try {
          stale = ProcessHandle.of(Long.parseLong(owner.substring(0, at))).map(p -> !p.isAlive()).orElse(true);
        } catch (NumberFormatException ignored) {
          // not ours
        }
      }
      if (stale) removed += removeByLabel(docker, LABEL_CLUSTER + "=" + cluster);
    }
    return removed;
  }

  private static int removeByLabel(Docker docker, String label) {
    ExecResult ps = docker.run(DOCKER_CALL, "ps", "-aq", "--filter", "label=" + label).orThrow("docker ps");
    List<String> ids = ps.stdout().lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
    if (!ids.isEmpty()) {
      List<String> args = new ArrayList<>(List.of("rm", "-f", "-v"));
      args.addAll(ids);
      docker.run(Duration.ofSeconds(120), args.toArray(String[]::new)).orThrow("docker rm");
    }
    ExecResult nets = docker.run(DOCKER_CALL, "network", "ls", "-q", "--filter", "label=" + label).orThrow("docker network ls");
    List<String> netIds = nets.stdout().lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
    for (String id : netIds) docker.run(DOCKER_CALL, "network", "rm", id).orThrow("docker network rm");
    return ids.size() + netIds.size();
  }
}
