package org.jmswk.launcher.job;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * The commands a job script finds first on its PATH ({@code jobDir/bin}): the vendor's
 * {@code pjaexe} (= {@code jmswk aexe --sh --start-agents}), and the job's own {@code mpiexec}
 * and {@code mpirun} (resource {@code mpiexec.sh}). These call the real launcher further down PATH
 * and make a plain mpiexec behave as on the vendor's system and tell the truth:
 * <ul>
 *   <li>without a process count of its own it starts the job's static processes
 *       ({@value #PROCS_VARIABLE}), while the hostfile still offers every slot, so
 *       MPI_UNIVERSE_SIZE covers the dynamic workers;</li>
 *   <li>its exit status is its static processes' (Open MPI 4.1's mpirun exits 0 in recovery mode
 *       even when they failed): each runs under a recorder ({@code rank-status.sh}) that writes
 *       its status into the job directory, and the first to end non-zero decides;</li>
 *   <li>in a multi-node --mswk job it joins the job's ompi-server ({@link NodeDomains}).</li>
 * </ul>
 * Both are bash scripts, so they work unchanged on every node image and under Slurm.
 */
public final class JobCommands {
  /** How many processes a plain mpiexec of the job starts; unset: every slot. */
  public static final String PROCS_VARIABLE = "JMSWK_MPIEXEC_PROCS";
  /** The mapping policy a plain mpiexec gets with that count; unset: Open MPI's (by slot). */
  public static final String MAP_BY_VARIABLE = "JMSWK_MPIEXEC_MAP_BY";
  /** Per ended mpiexec whose static processes failed: {@code STATUS description}, one a line. */
  static final String STATUS_FILE = "mpiexec-status";

  private JobCommands() {}

  /** Writes the wrappers into {@code jobDir/bin}, puts that first on {@code env}'s PATH and sets the count. */
  public static void install(Path jobDir, JobSpec spec, Map<String, String> env) throws IOException {
    Path bin = Files.createDirectories(jobDir.resolve("bin"));
    String wrapper = resource("mpiexec.sh");
    for (String name : new String[] {"mpiexec", "mpirun"}) executable(bin.resolve(name), wrapper);
    executable(bin.resolve("jmswk-rank"), resource("rank-status.sh"));
    executable(bin.resolve("pjaexe"), resource("pjaexe.sh"));
    env.put("PATH", bin + ":" + env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
    int procs = spec.plainMpiexecProcs();
    if (procs > 0) env.put(PROCS_VARIABLE, Integer.toString(procs));
    // as many static processes as nodes (the agent layout) is one per node, also when each
    // node offers several slots
    if (procs > 1 && procs == spec.nodes() && spec.slotsPerNode() > 1) env.put(MAP_BY_VARIABLE, "node");
  }

  private static void executable(Path file, String text) throws IOException {
    Files.writeString(file, text);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  static String resource(String name) {
    try (InputStream in = JobCommands.class.getResourceAsStream(name)) {
      if (in == null) throw new IllegalStateException("jmswk.jar lacks " + name + ": rebuild it");
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
