package org.jmswk.executor;

import java.util.List;
import java.util.Map;

/**
 * The rules a grow or shrink must obey, checked before anything starts (pure: the caller passes
 * the pool as it is). A grow: every node known to the job, not excluded, with enough free worker
 * slots. A shrink: every node known and running that many workers, never below the workers the
 * job started with, never more than were added.
 *
 * @param slots    worker slots per node (the master's own slot already taken off)
 * @param workers  workers per node now (connected or starting, not being drained)
 * @param excluded nodes lost for the rest of the job
 * @param base     the workers the executor was started with
 */
public record ResizeRules(Map<String, Integer> slots, Map<String, Integer> workers, List<String> excluded, int base) {

  /** Throws {@link PoolChangeRefusedException} naming the first rule {@code perNode} breaks. */
  public void check(Map<String, Integer> perNode) {
    if (perNode.isEmpty()) throw refuse("nothing to change");
    if (slots.isEmpty()) {
      throw refuse("this executor's workers are not placed by node (started by hand, or no agent has joined yet): it cannot grow or shrink by node");
    }
    boolean grow = perNode.values().iterator().next() > 0;
    int removing = 0;
    for (var e : perNode.entrySet()) {
      String node = e.getKey();
      int n = e.getValue();
      if (n == 0) continue;
      if ((n > 0) != grow) throw refuse("signs are mixed (" + node + " " + n + "): grow and shrink are separate commands");
      if (excluded.contains(node) && grow) throw refuse("node " + node + " is excluded (lost earlier in this job)");
      if (!slots.containsKey(node)) throw refuse("unknown node " + node + " (the job's worker nodes: " + String.join(", ", slots.keySet()) + ")");
      int running = workers.getOrDefault(node, 0);
      if (grow) {
        int free = Math.max(0, slots.get(node) - running);
        if (n > free) {
          throw refuse("node " + node + " has " + free + " free worker slot" + (free == 1 ? "" : "s") + " (" + slots.get(node)
              + " slots, " + running + " workers), not " + n);
        }
      } else {
        if (-n > running) throw refuse("node " + node + " runs " + running + " worker" + (running == 1 ? "" : "s") + ", cannot remove " + -n);
        removing += -n;
      }
    }
    if (!grow) {
      int size = workers.values().stream().mapToInt(Integer::intValue).sum();
      int added = Math.max(0, size - base);
      if (removing > added) {
        throw refuse("the job started with " + base + " workers and has " + size + ": at most " + added
            + " (those added) can be removed, not " + removing);
      }
    }
  }

  private static PoolChangeRefusedException refuse(String why) {
    return new PoolChangeRefusedException(why, false);
  }
}
