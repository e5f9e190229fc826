package org.jmswk.launcher.job;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Why a job script that ended on its own ended with a non-zero status: an MPI_Abort (as mpiexec
 * reported it), else a static process's status (as the job's mpiexec recorded it), else the
 * script's own.
 */
final class EndReason {
  /** Open MPI 4.1: "MPI_ABORT was invoked on rank R in communicator C" then "with errorcode N."; 5.x: "Errorcode: N". */
  private static final Pattern ABORT = Pattern.compile("MPI_ABORT was invoked on rank (\\d+) in communicator (\\S+)");
  private static final Pattern ERRORCODE = Pattern.compile("(?i)errorcode:?\\s+(-?\\d+)");
  /**
   * What a process prints itself under {@link #ABORT_DELAY}, in MPI_Abort and also in Open MPI's
   * crash handler (which first prints {@link #CRASHED}): mpirun's report above can be lost.
   */
  private static final Pattern DELAYING = Pattern.compile("\\[([^\\]:]+):0*(\\d+)\\] Delaying for \\d+ seconds before aborting");
  private static final Pattern CRASHED = Pattern.compile("\\[([^\\]:]+):0*(\\d+)\\] \\*\\*\\* Process received signal \\*\\*\\*");

  /**
   * Set for every job (a -x value wins): a process in MPI_Abort (or crashing in Open MPI's
   * signal handler) says so itself, with its host and pid, and waits 1 s before it exits. mpirun
   * itself fails to print its report of an abort (rank, communicator, errorcode) in some runs
   * (Open MPI 4.1: "ORTE_ERROR_LOG: Out of resource in file .../show_help.c").
   */
  static final String ABORT_DELAY = "OMPI_MCA_opal_abort_delay";

  private EndReason() {}

  static String of(int exitCode, List<String> output, Path jobDir) {
    if (exitCode == 0) return "-";
    for (int i = output.size() - 1; i >= 0; i--) {
      Matcher m = ABORT.matcher(output.get(i));
      if (!m.find()) continue;
      for (int j = i; j < Math.min(output.size(), i + 4); j++) {
        Matcher code = ERRORCODE.matcher(output.get(j));
        if (code.find() && Integer.parseInt(code.group(1)) == exitCode) {
          return "MPI_Abort on rank " + m.group(1) + " (" + m.group(2) + "), errorcode " + exitCode;
        }
      }
    }
    java.util.Set<String> crashed = new java.util.HashSet<>();
    for (String line : output) {
      Matcher m = CRASHED.matcher(line);
      if (m.find()) crashed.add(m.group(1) + ":" + m.group(2));
    }
    for (String line : output) {
      Matcher m = DELAYING.matcher(line);
      if (m.find() && !crashed.contains(m.group(1) + ":" + m.group(2))) {
        return "MPI_Abort by pid " + m.group(2) + " on " + m.group(1) + ", errorcode " + exitCode;
      }
    }
    try {
      Path file = jobDir.resolve(JobCommands.STATUS_FILE);
      List<String> failed = Files.exists(file) ? Files.readAllLines(file) : List.of();
      for (int i = failed.size() - 1; i >= 0; i--) {
        String[] parts = failed.get(i).split(" ", 2);
        if (parts.length == 2 && parts[0].equals(Integer.toString(exitCode))) return "mpiexec: " + parts[1];
      }
    } catch (IOException e) {
      // fall through to the script's own status
    }
    return "job script ended with status " + exitCode;
  }
}
