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

  SpawnStarter(Class<?> workerMain, String[] workerArgs, Info spawnInfo) {
    this.workerMain = workerMain;
    this.workerArgs = workerArgs;
    this.spawnInfo = spawnInfo;
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
    return "";
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
