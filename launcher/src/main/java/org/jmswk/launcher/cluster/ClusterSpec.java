package org.jmswk.launcher.cluster;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * What cluster to start: one head (the job master node, {@code head}) and {@code nodes} job
 * slave nodes ({@code node1..nodeN}) from {@code image}, each host directory in {@code shared}
 * bind-mounted at the same path in every container.
 *
 * @param name prefix of every container and of the network; lower-case letters, digits, '-'
 * @param nodes number of slave nodes (1..64)
 * @param slotsPerNode MPI slots each slave node offers in the hostfile (the head offers 1: the
 *     master's), so MPI_UNIVERSE_SIZE = 1 + nodes * slotsPerNode
 * @param image the node image (default {@code $JMSWK_CLUSTER_IMAGE}, else
 *     {@code jmswk-cluster:current} as ci/cluster-setup tags it)
 * @param shared host directories visible at the same path on every node
 * @param persistent true for a cluster that outlives this JVM ({@code jmswk cluster up}); false
 *     for one owned by this process, which a later start reaps if this process died
 * @param slurm true for a Slurm cluster: slurmctld, slurmdbd (MariaDB) on the head, slurmd on
 *     every slave node, a fresh munge key ({@link SlurmConfig})
 */
public record ClusterSpec(String name, int nodes, int slotsPerNode, String image, List<Path> shared,
    boolean persistent, boolean slurm) {
  public static final String DEFAULT_IMAGE = "jmswk-cluster:current";
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,40}");

  public ClusterSpec {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("cluster name '" + name + "': use 1-41 lower-case letters, digits and '-'");
    }
    if (nodes < 1 || nodes > 64) throw new IllegalArgumentException("nodes must be 1..64, not " + nodes);
    if (slotsPerNode < 1 || slotsPerNode > 256) {
      throw new IllegalArgumentException("slots per node must be 1..256, not " + slotsPerNode);
    }
    List<Path> absolute = new ArrayList<>();
    for (Path p : shared) absolute.add(p.toAbsolutePath().normalize());
    shared = List.copyOf(absolute);
  }

  /** 3 nodes, 1 slot each, the default image, nothing shared, a fresh name, owned by this JVM. */
  public static ClusterSpec defaults() {
    String image = System.getenv("JMSWK_CLUSTER_IMAGE");
    byte[] random = new byte[3];
    ThreadLocalRandom.current().nextBytes(random);
    return new ClusterSpec("jmswk-" + HexFormat.of().formatHex(random), 3, 1,
        image == null || image.isBlank() ? DEFAULT_IMAGE : image, List.of(), false, false);
  }

  public ClusterSpec withName(String newName) {
    return new ClusterSpec(newName, nodes, slotsPerNode, image, shared, persistent, slurm);
  }

  public ClusterSpec withNodes(int n) {
    return new ClusterSpec(name, n, slotsPerNode, image, shared, persistent, slurm);
  }

  public ClusterSpec withSlotsPerNode(int s) {
    return new ClusterSpec(name, nodes, s, image, shared, persistent, slurm);
  }

  public ClusterSpec withImage(String newImage) {
    return new ClusterSpec(name, nodes, slotsPerNode, newImage, shared, persistent, slurm);
  }

  public ClusterSpec withShared(Path... dirs) {
    List<Path> all = new ArrayList<>(shared);
    all.addAll(List.of(dirs));
    return new ClusterSpec(name, nodes, slotsPerNode, image, all, persistent, slurm);
  }

  public ClusterSpec withPersistent(boolean p) {
    return new ClusterSpec(name, nodes, slotsPerNode, image, shared, p, slurm);
  }

  public ClusterSpec withSlurm(boolean s) {
    return new ClusterSpec(name, nodes, slotsPerNode, image, shared, persistent, s);
  }

  /** MPI_UNIVERSE_SIZE a master started with the cluster's hostfile sees. */
  public int universeSize() {
    return 1 + nodes * slotsPerNode;
  }
}
