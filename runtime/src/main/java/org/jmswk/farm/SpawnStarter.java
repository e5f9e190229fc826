package org.jmswk.farm;

import java.util.List;
import java.util.Map;
import org.jmswk.mpi.Info;
import org.jmswk.mpi.MPI;
import org.jmswk.mpi.SpawnResult;
import org.jmswk.runtime.JavaCommand;

/** Workers by MPI_Comm_spawn, one at a time, placed by the MPI runtime (Info {@code spawnInfo}). */
final class SpawnStarter implements WorkerStarter {
  private final Class<?> workerMain;
  private final String[] workerArgs;
  private final Info spawnInfo;

  /** The job's nodes and their worker slots (from the job's hostfile; empty outside a job). */
  private final Map<String, Integer> slots;

  SpawnStarter(Class<?> workerMain, String[] workerArgs, Info spawnInfo) {
    this.workerMain = workerMain;
    this.workerArgs = workerArgs;
    this.spawnInfo = spawnInfo;
    this.slots = jobSlots();
  }

  /** The job hostfile's nodes with their slots, the master's (the first) one slot fewer. */
  private static Map<String, Integer> jobSlots() {
    String jobDir = System.getenv("JMSWK_JOB_DIR");
    if (jobDir == null || jobDir.isBlank()) return Map.of();
    java.nio.file.Path hostfile = java.nio.file.Path.of(jobDir, "hostfile");
    try {
      List<String> lines = java.nio.file.Files.readAllLines(hostfile);
      Map<String, Integer> all = NodeDomainStarter.workerNodes(lines, null);
      if (all.isEmpty()) return Map.of();
      String master = all.keySet().iterator().next();
      all.put(master, Math.max(0, all.get(master) - 1));
      return java.util.Collections.unmodifiableMap(all);
    } catch (java.io.IOException | RuntimeException e) {
      return Map.of();
    }
  }

  @Override
  public Map<String, Integer> nodeSlots() {
    return slots;
  }

  /** The node workers land on when the job has one node; "" when MPI chooses among several. */
  private String onlyNode() {
    return slots.size() == 1 ? slots.keySet().iterator().next() : "";
  }

  /** All at once: one MPI_Comm_spawn_multiple, each worker with its own properties, placed with the "host" key. */
  @Override
  public void startOn(List<Integer> ids, List<String> nodes, List<Map<String, String>> properties) {
    int n = ids.size();
    String[] commands = new String[n];
    String[][] argvs = new String[n][];
    int[] counts = new int[n];
    Info[] infos = new Info[n];
    try {
      for (int i = 0; i < n; i++) {
        commands[i] = JavaCommand.executable();
        argvs[i] = JavaCommand.arguments(workerMain, properties.get(i), workerArgs);
        counts[i] = 1;
        infos[i] = slots.size() > 1 ? Info.of(Map.of("host", nodes.get(i))) : null;
      }
      SpawnResult s = MPI.COMM_SELF.spawnMultiple(commands, argvs, counts, infos, 0);
      s.intercomm().free();
      if (s.started() != n) throw new IllegalStateException("spawn started " + s.started() + " of " + n + " workers");
    } finally {
      for (Info i : infos) if (i != null) i.free();
    }
  }

  @Override
  public String start(int id, Map<String, String> properties) {
    // The master's address travels on the command line, and the spawn intercommunicator is freed at once:
    // sending on it or disconnecting it would hang if the child died while starting.
    SpawnResult s = MPI.COMM_SELF.spawn(JavaCommand.executable(),
        JavaCommand.arguments(workerMain, properties, workerArgs),
        1, spawnInfo, 0);
    s.intercomm().free();
    if (s.started() != 1) throw new IllegalStateException("spawn reported error code " + s.errorCodes()[0]);
    return onlyNode();
  }

  @Override
  public void lost(int id, String node, boolean unreachable) {
    // the MPI runtime places the next spawn; Open MPI ends the job on a lost node anyway
  }

  @Override
  public void startFailed(int id, String node) {}

  @Override
  public boolean domainEnded(int id) {
    return false;
  }

  @Override
  public List<String> excludedNodes() {
    return List.of();
  }

  @Override
  public void close() {}
}
