package org.jmswk.launcher.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The end reason from what Open MPI 4.1 and 5 print and what the job's mpiexec recorded. */
class EndReasonTest {
  @TempDir Path jobDir;

  @Test
  void normalEndIsADash() {
    assertEquals("-", EndReason.of(0, List.of("MPI_ABORT was invoked on rank 0 in communicator MPI_COMM_WORLD"), jobDir));
  }

  @Test
  void mpirunsAbortReportNamesRankCommunicatorAndErrorcodeInBothVersions() {
    assertEquals("MPI_Abort on rank 1 (MPI_COMM_WORLD), errorcode 5", EndReason.of(5, List.of(
        "MPI_ABORT was invoked on rank 1 in communicator MPI_COMM_WORLD", "with errorcode 5."), jobDir));
    assertEquals("MPI_Abort on rank 0 (MPI_COMM_WORLD), errorcode 5", EndReason.of(5, List.of(
        "MPI_ABORT was invoked on rank 0 in communicator MPI_COMM_WORLD", "  Proc: [[25921,1],0]", "  Errorcode: 5"), jobDir));
  }

  @Test
  void theAbortingProcessesOwnLineServesWhenMpirunsReportIsLostButACrashIsNoAbort() throws Exception {
    assertEquals("MPI_Abort by pid 20642 on vm, errorcode 5",
        EndReason.of(5, List.of("[vm:20642] Delaying for 1 seconds before aborting"), jobDir));
    Files.writeString(jobDir.resolve(JobCommands.STATUS_FILE), "139 rank 0 (./m) ended with status 139 (signal 11, SIGSEGV)\n");
    assertEquals("mpiexec: rank 0 (./m) ended with status 139 (signal 11, SIGSEGV)", EndReason.of(139, List.of(
        "[vm:20700] *** Process received signal ***", "[vm:20700] Delaying for 1 seconds before aborting"), jobDir));
  }

  @Test
  void otherwiseTheScriptsOwnStatus() {
    assertEquals("job script ended with status 3", EndReason.of(3, List.of("exit 3"), jobDir));
  }
}
