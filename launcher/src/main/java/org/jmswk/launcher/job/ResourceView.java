package org.jmswk.launcher.job;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A resource view like the vendor's pjshowrsc: per cluster TOTAL / FREE / ALLOC nodes (and cpu,
 * mem). A node that is down is left out of every figure and of the per-node listing.
 */
public final class ResourceView {
  /** One node as seen now. */
  public record Node(String name, boolean up, int cpus, long memMiB) {}

  private ResourceView() {}

  /** The view's text for one cluster; {@code allocated} names the nodes running jobs. */
  public static String render(String cluster, List<Node> nodes, Set<String> allocated, boolean long_, boolean verbose) {
    List<Node> up = nodes.stream().filter(Node::up).toList();
    List<Node> busy = up.stream().filter(n -> allocated.contains(n.name())).toList();
    StringBuilder t = new StringBuilder();
    t.append("[ CLUSTER: ").append(cluster).append(" ]\n");
    if (long_) {
      t.append(String.format("%-10s %19s %23s %29s%n", "", "NODE", "CPU", "MEM(MiB)"));
      t.append(String.format("%-10s %6s %6s %5s %7s %7s %7s %9s %9s %9s%n", "CLUSTER",
          "TOTAL", "FREE", "ALLOC", "TOTAL", "FREE", "ALLOC", "TOTAL", "FREE", "ALLOC"));
      int cpuTotal = up.stream().mapToInt(Node::cpus).sum();
      int cpuAlloc = busy.stream().mapToInt(Node::cpus).sum();
      long memTotal = up.stream().mapToLong(Node::memMiB).sum();
      long memAlloc = busy.stream().mapToLong(Node::memMiB).sum();
      t.append(String.format("%-10s %6d %6d %5d %7d %7d %7d %9d %9d %9d%n", cluster, up.size(),
          up.size() - busy.size(), busy.size(), cpuTotal, cpuTotal - cpuAlloc, cpuAlloc,
          memTotal, memTotal - memAlloc, memAlloc));
    } else {
      t.append(String.format("%-10s %6s %6s %6s%n", "CLUSTER", "TOTAL", "FREE", "ALLOC"));
      t.append(String.format("%-10s %6d %6d %6d%n", cluster, up.size(), up.size() - busy.size(), busy.size()));
    }
    if (verbose) {
      t.append(String.format("%n%-16s %-6s %5s %9s%n", "NODE", "STATE", "CPU", "MEM(MiB)"));
      List<Node> listed = new ArrayList<>(up);
      for (Node n : listed) {
        t.append(String.format("%-16s %-6s %5d %9d%n", n.name(), allocated.contains(n.name()) ? "ALLOC" : "FREE",
            n.cpus(), n.memMiB()));
      }
    }
    return t.toString();
  }
}
