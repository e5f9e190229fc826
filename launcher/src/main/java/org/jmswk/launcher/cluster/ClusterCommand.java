package org.jmswk.launcher.cluster;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jmswk cluster up|down|exec|status}: a multi-node test cluster made of containers. */
@Command(name = "cluster", mixinStandardHelpOptions = true,
    description = {
        "Start, use and stop a multi-node test cluster made of Docker containers.",
        "",
        "A multi-node MPI cluster made of Docker containers on this machine, for",
        "trying jobs and injecting faults: a head (the job master node, hostname",
        "'head') and N slave nodes ('node1'..'nodeN') on a private network, with",
        "passwordless root ssh between them, Open MPI, Java 25 and",
        "this jmswk build (/opt/jmswk/lib/jmswk.jar, /opt/jmswk/lib/libjmswk.so).",
        "",
        "First run ci/cluster-setup: it installs and starts a Docker engine if",
        "needed and builds two images from Debian packages: jmswk-cluster:ompi4",
        "(bookworm, Open MPI 4.1; also tagged :current, the default) and",
        "jmswk-cluster:ompi5 (trixie, Open MPI 5.0 with PRRTE 3.0 and ULFM; its",
        "launcher crashes in some spawn + connect/accept runs: --image to try it).",
        "Re-run it after rebuilding jmswk.jar so the image carries the new build.",
        "",
        "Typical session:",
        "  jmswk cluster up --nodes 3",
        "  jmswk cluster exec -- mpirun -np 1 --hostfile /etc/jmswk/hostfile \\",
        "      java -cp /opt/jmswk/lib/jmswk.jar org.jmswk.examples.spawn.SpawnMaster",
        "  jmswk cluster down"},
    subcommands = {ClusterCommand.Up.class, ClusterCommand.Down.class, ClusterCommand.Exec.class,
        ClusterCommand.Status.class, CommandLine.HelpCommand.class})
public final class ClusterCommand implements Runnable {
  static final String DEFAULT_NAME = "jmswk";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  @Command(name = "up", mixinStandardHelpOptions = true,
      description = {
          "Start a cluster (replacing one of the same name); returns once every",
          "node answers ssh. The containers run on until 'jmswk cluster down'.",
          "The head gets /etc/jmswk/hostfile ('head slots=1', 'nodeK slots=S'): a",
          "master started with 'mpirun -np 1 --hostfile /etc/jmswk/hostfile' sees",
          "MPI_UNIVERSE_SIZE = 1 + N*S and its spawned workers land on node1..N.",
          "--share directories (default: the current one) are mounted at the same",
          "path on every node, so a job submitted from there finds its files.",
          "--slurm (ompi4 image) also starts Slurm 22.05: slurmctld and slurmdbd",
          "(accounting in MariaDB, so sacct answers) on the head, slurmd on every",
          "slave node (partition 'batch', S CPUs each), munge with a key made for",
          "this start. Submit from the head: jmswk cluster exec -- jmswk sub",
          "--scheduler slurm job.sh (or sbatch, squeue, sacct, sinfo)."})
  static final class Up implements Callable<Integer> {
    @Option(names = {"-n", "--nodes"}, defaultValue = "3", description = "Slave nodes besides the head (default ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--slots", defaultValue = "1", description = "MPI slots per slave node in the hostfile (default ${DEFAULT-VALUE}).")
    int slots;

    @Option(names = "--name", defaultValue = DEFAULT_NAME, description = "Cluster name: container and network prefix (default ${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--image", description = "Node image (default $JMSWK_CLUSTER_IMAGE, else " + ClusterSpec.DEFAULT_IMAGE + ").")
    String image;

    @Option(names = "--share", paramLabel = "DIR", description = "Host directory to mount at the same path on every node (repeatable; default: the current directory).")
    List<Path> share = new ArrayList<>();

    @Option(names = "--no-share", description = "Mount nothing.")
    boolean noShare;

    @Option(names = "--slurm", description = "Also run Slurm: slurmctld + slurmdbd on the head, slurmd on every slave node.")
    boolean slurm;

    @Override
    public Integer call() {
      ClusterSpec spec = ClusterSpec.defaults().withName(name).withNodes(nodes).withSlotsPerNode(slots).withPersistent(true)
          .withSlurm(slurm);
      if (image != null) spec = spec.withImage(image);
      if (!noShare) spec = spec.withShared((share.isEmpty() ? List.of(Path.of("")) : share).toArray(Path[]::new));
      try {
        Cluster cluster = Cluster.start(spec, System.out);
        System.out.printf("hosts: %s; universe size %d; hostfile %s on head%n", String.join(" ", cluster.hosts()),
            cluster.universeSize(), Cluster.HOSTFILE);
        for (Path dir : cluster.shared()) System.out.println("shared: " + dir);
        if (slurm) System.out.printf("slurm: partition %s = %s; sinfo, sbatch, squeue, sacct on head%n",
            SlurmConfig.PARTITION, String.join(" ", cluster.nodes()));
        System.out.printf("run:   jmswk cluster exec%s -- COMMAND...%n", name.equals(DEFAULT_NAME) ? "" : " --name " + name);
        System.out.printf("stop:  jmswk cluster down%s%n", name.equals(DEFAULT_NAME) ? "" : " --name " + name);
        return 0;
      } catch (ClusterException | IllegalArgumentException e) {
        System.err.println("jmswk cluster up: " + e.getMessage());
        return 1;
      }
    }
  }

  @Command(name = "down", mixinStandardHelpOptions = true,
      description = "Remove the cluster's containers and network (everything 'up' made).")
  static final class Down implements Callable<Integer> {
    @Option(names = "--name", defaultValue = DEFAULT_NAME, description = "Cluster name (default ${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--all", description = "Remove every jmswk cluster on this engine, including test leftovers.")
    boolean all;

    @Override
    public Integer call() {
      try {
        List<String> names = all ? Cluster.list() : List.of(name);
        boolean any = false;
        for (String n : names) {
          if (Cluster.remove(n)) {
            System.out.println("removed cluster " + n);
            any = true;
          }
        }
        if (!any) System.out.println(all ? "no clusters" : "no cluster named " + name);
        return 0;
      } catch (ClusterException e) {
        System.err.println("jmswk cluster down: " + e.getMessage());
        return 1;
      }
    }
  }

  @Command(name = "exec", mixinStandardHelpOptions = true,
      description = {
          "Run COMMAND (an argument vector; no shell unless you call one) in a",
          "cluster container, by default on the head, streaming its output. Exits",
          "with the command's exit code (124 when --timeout ran out; the command is",
          "then killed inside the container). Open MPI-as-root settings, JAVA_HOME",
          "and JMSWK_NATIVE_LIB are preset on every node.",
          "Example: jmswk cluster exec -- mpirun -np 4 --hostfile /etc/jmswk/hostfile hostname"})
  static final class Exec implements Callable<Integer> {
    @Option(names = "--name", defaultValue = DEFAULT_NAME, description = "Cluster name (default ${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--node", defaultValue = Cluster.HEAD, description = "Host to run on: head, node1, ... (default ${DEFAULT-VALUE}).")
    String node;

    @Option(names = "--timeout", defaultValue = "600", paramLabel = "SECONDS", description = "Stop the command after this long (default ${DEFAULT-VALUE}).")
    long timeout;

    @Option(names = {"-w", "--workdir"}, description = "Working directory in the container (default: the current directory if it is shared, else the first shared directory, else /root).")
    String workdir;

    @Option(names = {"-e", "--env"}, paramLabel = "NAME=VALUE", description = "Extra environment variable (repeatable).")
    Map<String, String> env = Map.of();

    @Parameters(arity = "1..*", paramLabel = "COMMAND", description = "The command and its arguments (put them after --).")
    List<String> command;

    @Override
    public Integer call() {
      try {
        Cluster cluster = Cluster.attach(name).orElseThrow(() ->
            new ClusterException("no cluster named " + name + ": start one with 'jmswk cluster up'"));
        String dir = workdir;
        if (dir == null) {
          Path cwd = Path.of("").toAbsolutePath().normalize();
          if (cluster.shared().stream().anyMatch(cwd::startsWith)) dir = cwd.toString();
        }
        PrintStream out = System.out;
        ExecResult result = cluster.exec(node, Duration.ofSeconds(timeout), dir, env, out, command);
        if (result.timedOut()) System.err.printf("jmswk cluster exec: timed out after %d s%n", timeout);
        return result.exitCode();
      } catch (ClusterException | IllegalArgumentException e) {
        System.err.println("jmswk cluster exec: " + e.getMessage());
        return 1;
      }
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "List the clusters on this engine and the state of each host's container.")
  static final class Status implements Callable<Integer> {
    @Override
    public Integer call() {
      try {
        List<String> names = Cluster.list();
        if (names.isEmpty()) System.out.println("no clusters");
        for (String n : names) {
          Cluster.attach(n).ifPresent(c -> {
            System.out.printf("%s: universe size %d%s%n", n, c.universeSize(), c.slurm() ? ", Slurm" : "");
            c.states().forEach((host, state) -> System.out.printf("  %-8s %-10s %s%n", host, state,
                c.address(host) == null ? "" : c.address(host)));
          });
        }
        return 0;
      } catch (ClusterException e) {
        System.err.println("jmswk cluster status: " + e.getMessage());
        return 1;
      }
    }
  }
}
