package org.jmswk.launcher.job;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a job launches on a target: the nodes it is given, the hostfile that offers their slots
 * to mpiexec (so MPI_UNIVERSE_SIZE covers the dynamic workers), and the environment in which a
 * plain {@code mpiexec} in the job script uses that hostfile. One pure function per target.
 *
 * @param target       "local", "docker" or "slurm"
 * @param nodes        the allocated nodes, the master's node first
 * @param slots        slots per node, in the order of {@code nodes}
 * @param environment  variables for the job script process
 */
public record Launch(String target, List<String> nodes, List<Integer> slots, Map<String, String> environment) {

  /** The hostfile's text, one {@code host slots=N} line per node. */
  public String hostfile() {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < nodes.size(); i++) text.append(nodes.get(i)).append(" slots=").append(slots.get(i)).append('\n');
    return text.toString();
  }

  /** MPI_UNIVERSE_SIZE as mpiexec will report it: all slots. */
  public int universeSize() {
    return slots.stream().mapToInt(Integer::intValue).sum();
  }

  /**
   * This machine: every node the job asks for becomes its slots on localhost, so a job written
   * for many nodes runs here unchanged (oversubscribed when there are fewer cores).
   */
  public static Launch local(JobSpec spec, Path hostfile) {
    int slots = slotsFor(spec, spec.nodes()).stream().mapToInt(Integer::intValue).sum();
    return new Launch("local", List.of("localhost"), List.of(slots), environment(hostfile, "lo"));
  }

  /**
   * The container cluster: the job's nodes are the head (the master's node) followed by the
   * cluster's other nodes, as many as the job asks for.
   */
  public static Launch docker(JobSpec spec, List<String> clusterNodes, String networkInterface, Path hostfile) {
    if (spec.nodes() > clusterNodes.size()) {
      throw new IllegalArgumentException("the job asks for " + spec.nodes() + " nodes, the cluster has "
          + clusterNodes.size() + " (jmswk cluster up --nodes " + (spec.nodes() - 1) + ")");
    }
    List<String> nodes = List.copyOf(clusterNodes.subList(0, spec.nodes()));
    Map<String, String> env = environment(hostfile, networkInterface);
    // Oversubscription would let PRRTE map every spawned worker onto the head.
    env.remove("OMPI_MCA_rmaps_base_oversubscribe");
    env.remove("PRTE_MCA_rmaps_default_mapping_policy");
    return new Launch("docker", nodes, slotsFor(spec, nodes.size()), env);
  }

  /**
   * Inside a Slurm allocation: the nodes of SLURM_JOB_NODELIST, slots from SLURM_TASKS_PER_NODE
   * (or the job script's tasks per node). mpiexec runs inside the allocation (Open MPI's fault
   * tolerance does not work under a direct srun launch).
   */
  public static Launch slurm(JobSpec spec, Map<String, String> slurmEnv, Path hostfile) {
    String list = slurmEnv.get("SLURM_JOB_NODELIST");
    if (list == null || list.isBlank()) throw new IllegalArgumentException("SLURM_JOB_NODELIST is not set: not inside a Slurm allocation");
    List<String> nodes = SlurmLists.expandNodes(list);
    List<Integer> slots;
    String perNode = slurmEnv.get("SLURM_TASKS_PER_NODE");
    if (perNode != null && !perNode.isBlank()) {
      slots = SlurmLists.expandCounts(perNode);
      if (slots.size() != nodes.size()) {
        throw new IllegalArgumentException("SLURM_TASKS_PER_NODE (" + perNode + ") does not match " + nodes.size() + " nodes");
      }
    } else {
      slots = slotsFor(spec, nodes.size());
    }
    // the batch script's node (where this runs, and the master with it) first
    String here = slurmEnv.get("SLURMD_NODENAME");
    int at = here == null ? -1 : nodes.indexOf(here);
    if (at > 0) {
      nodes = new ArrayList<>(nodes);
      slots = new ArrayList<>(slots);
      nodes.addFirst(nodes.remove(at));
      slots.addFirst(slots.remove(at));
    }
    Map<String, String> env = environment(hostfile, null);
    if (nodes.size() > 1) {
      // Daemons on the other nodes over ssh, not srun: one srun step for all of them would end
      // them all when one node is lost, and Slurm's step would not let per-worker mpiexecs in.
      // The hostfile (batch node first) rather than ORTE's reading of the allocation.
      env.put("OMPI_MCA_plm", "rsh");
      env.put("OMPI_MCA_ras", "^slurm");
    }
    return new Launch("slurm", List.copyOf(nodes), List.copyOf(slots), env);
  }

  /**
   * Slots per node: the job's tasks when it gives a count of them; else the master's node holds
   * the static processes alone for a master-worker job.
   */
  static List<Integer> slotsFor(JobSpec spec, int nodes) {
    List<Integer> slots = new ArrayList<>();
    if (spec.tasks() > 0) {
      // Slurm's --ntasks over the nodes, as Slurm lays them out by default (block: the first
      // nodes take one more); the master's node shares its slots with workers, as in salloc -n
      for (int i = 0; i < nodes; i++) slots.add(spec.tasks() / nodes + (i < spec.tasks() % nodes ? 1 : 0));
      return slots;
    }
    for (int i = 0; i < nodes; i++) {
      boolean mastersNode = i == 0 && (spec.mswk() || spec.masterOnFirstNode());
      slots.add(mastersNode ? Math.min(spec.effectiveStaticProcs(), spec.slotsPerNode()) : spec.slotsPerNode());
    }
    return slots;
  }

  /**
   * What a plain mpiexec needs: the hostfile, oversubscription, the network interface, root
   * allowed, and failure isolation (a dead spawned worker must not end the job: ORTE's
   * recovery mode, the same as mpirun --enable-recovery). Both Open MPI 4 (ORTE) and 5
   * (PRRTE) names are set; each ignores the other's.
   */
  static Map<String, String> environment(Path hostfile, String networkInterface) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("OMPI_MCA_orte_enable_recovery", "1");
    // A node that vanishes (killed, cut off) leaves ORTE's daemon connection silent: without
    // keepalive mpiexec hangs for hours; with it, it ends that mpiexec within about 11 s.
    env.put("OMPI_MCA_oob_tcp_keepalive_time", "5");
    env.put("OMPI_MCA_oob_tcp_keepalive_intvl", "2");
    env.put("OMPI_MCA_oob_tcp_keepalive_probes", "3");
    env.put("OMPI_MCA_orte_default_hostfile", hostfile.toString());
    env.put("OMPI_MCA_rmaps_base_oversubscribe", "1");
    env.put("PRTE_MCA_prte_default_hostfile", hostfile.toString());
    env.put("PRTE_MCA_rmaps_default_mapping_policy", ":oversubscribe");
    if (networkInterface != null) {
      env.put("OMPI_MCA_btl_tcp_if_include", networkInterface);
      env.put("OMPI_MCA_oob_tcp_if_include", networkInterface);
    }
    env.put("OMPI_ALLOW_RUN_AS_ROOT", "1");
    env.put("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1");
    env.put("PRTE_ALLOW_RUN_AS_ROOT", "1");
    env.put("PRTE_ALLOW_RUN_AS_ROOT_CONFIRM", "1");
    return env;
  }
}
