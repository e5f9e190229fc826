package org.jmswk.launcher.job;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jmswk.executor.TimeLimit;
import org.jmswk.launcher.BoundedProcess;

/**
 * The warning before a job's time limit. The master learns the moment the job will be ended
 * ({@link TimeLimit#AT}) and the warning's lead ({@link TimeLimit#LEAD}) from its environment,
 * which reaches it through mpiexec on any node; with a signal asked for ({@code --signal USR1@90},
 * {@code #SBATCH --signal=USR1@90}) the job's mpiexec is also sent that signal at the warning,
 * and Open MPI 4.1's mpirun forwards it to every process it started (spawned workers too). The
 * executor stops at the limit with a record ({@link TimeLimit#RECORD}) from which
 * the job's end reason is made.
 */
public final class TimeLimitWarning {
  /** A job stopped at its time limit with tasks left: its exit status (sysexits' EX_TEMPFAIL: try again). */
  public static final int EXIT_STATUS = 75;
  /** Slurm's --signal: [B:|R:]SIG[@SECONDS]. */
  private static final Pattern SIGNAL = Pattern.compile("(?:[BR]:)?([A-Za-z0-9]+)(?:@([0-9]{1,5}))?");
  /** Slurm's default lead for --signal, and jmswk's for the clock-only warning (at most a quarter of the limit). */
  static final long DEFAULT_LEAD_S = 60;

  private TimeLimitWarning() {}

  /**
   * {@code SIG[@SECONDS]} as the job's -x variables, or an IllegalArgumentException naming the
   * problem. Only USR1 and USR2 reach the master: Open MPI's mpirun ends the job on TERM, INT, HUP.
   */
  public static Map<String, String> parse(String text) {
    Matcher m = SIGNAL.matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException("--signal takes SIG[@SECONDS] (e.g. USR1@90), not '" + text + "'");
    }
    String name = TimeLimit.signalName(m.group(1));
    if (name.equals("10")) name = "USR1";
    if (name.equals("12")) name = "USR2";
    if (!name.equals("USR1") && !name.equals("USR2")) {
      throw new IllegalArgumentException("--signal " + text + ": only USR1 or USR2 reach the master through mpiexec"
          + " (Open MPI's mpirun ends the whole job on TERM, INT or HUP)");
    }
    Map<String, String> vars = new LinkedHashMap<>();
    vars.put(TimeLimit.SIGNAL, name);
    vars.put(TimeLimit.LEAD, m.group(2) != null ? m.group(2) : Long.toString(DEFAULT_LEAD_S));
    return vars;
  }

  /**
   * The job's time limit variables: when it will be ended (the limit from now; under Slurm never
   * after the allocation's end), the lead (the job's own {@link TimeLimit#LEAD}, else the
   * launcher's, else 60 s but at most a quarter of the limit) and the signal, if one was asked for.
   */
  static TimeLimit of(Duration limit, Map<String, String> jobEnv, long nowMillis) {
    long at = nowMillis + limit.toMillis();
    long allocationEnd = slurmEnd();
    if (allocationEnd > nowMillis) at = Math.min(at, allocationEnd);
    long leadS = askedLead(jobEnv);
    if (leadS < 0) leadS = Math.min(DEFAULT_LEAD_S, (at - nowMillis) / 4000);
    return new TimeLimit(at, leadS * 1000, askedSignal(jobEnv));
  }

  /** Refuses (IllegalArgumentException naming it) a malformed lead or signal, before anything runs. */
  public static void check(Map<String, String> jobEnv) {
    askedLead(jobEnv);
    askedSignal(jobEnv);
  }

  /** The lead asked for in the job's -x variables, else the launcher's environment; -1 when none. */
  private static long askedLead(Map<String, String> jobEnv) {
    String lead = jobEnv.getOrDefault(TimeLimit.LEAD, System.getenv(TimeLimit.LEAD));
    if (lead == null || lead.isBlank()) return -1;
    try {
      long s = Long.parseLong(lead.strip());
      if (s >= 0) return s;
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new IllegalArgumentException(TimeLimit.LEAD + " must be a whole number of seconds, not '" + lead + "'");
  }

  private static String askedSignal(Map<String, String> jobEnv) {
    String signal = jobEnv.getOrDefault(TimeLimit.SIGNAL, System.getenv(TimeLimit.SIGNAL));
    return signal == null || signal.isBlank() ? null : parse(signal).get(TimeLimit.SIGNAL);
  }

  /** The Slurm allocation's end (epoch ms) from squeue, or -1 outside Slurm or when it has none. */
  private static long slurmEnd() {
    String job = System.getenv("SLURM_JOB_ID");
    if (job == null || !job.matches("[0-9_]+")) return -1;
    try {
      BoundedProcess.Result r = BoundedProcess.run(List.of("squeue", "-h", "-j", job, "-o", "%e"), null, null,
          Duration.ofSeconds(10), null);
      String end = r.output().strip();
      if (r.exitCode() != 0 || !end.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d")) return -1; // N/A, UNLIMITED
      return LocalDateTime.parse(end).atZone(ZoneId.systemDefault()).toInstant().toEpochMilli();
    } catch (IOException e) {
      return -1;
    }
  }

  /**
   * Sends {@code signal} to the job's mpiexec/mpirun on this machine (the job's own wrappers in
   * {@code jobDir/bin}, which pass it on to the real one); returns how many got it.
   */
  static int signalMpiexec(String jobId, Path jobDir, String signal) {
    int number = signal.equals("USR2") ? 12 : 10;
    Path bin = jobDir.resolve("bin").toAbsolutePath();
    List<Long> targets = new ArrayList<>();
    for (ProcessHandle p : JobProcesses.find(jobId, jobDir.toString())) {
      String cmdline;
      try {
        cmdline = Files.readString(Path.of("/proc", Long.toString(p.pid()), "cmdline")).replace('\0', ' ');
      } catch (IOException gone) {
        continue;
      }
      if (cmdline.contains(bin.resolve("mpiexec") + " ") || cmdline.contains(bin.resolve("mpirun") + " ")) {
        targets.add(p.pid());
      }
    }
    int sent = 0;
    try {
      Linker linker = Linker.nativeLinker();
      MethodHandle kill = linker.downcallHandle(linker.defaultLookup().find("kill").orElseThrow(),
          FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
      for (long pid : targets) if ((int) kill.invokeExact((int) pid, number) == 0) sent++;
    } catch (Throwable t) {
      System.err.println("[jmswk] cannot send SIG" + signal + ": " + t);
    }
    return sent;
  }

  /** Removes an earlier run's record (a job run again). */
  static void clearRecord(Path jobDir) throws IOException {
    Files.deleteIfExists(jobDir.resolve(TimeLimit.RECORD));
  }

  /** "time limit; N of M tasks done, resumable" from the executor's record, or null when it left none. */
  static String endReason(Path jobDir) {
    Path file = jobDir.resolve(TimeLimit.RECORD);
    if (!Files.exists(file)) return null;
    Properties p = new Properties();
    try (var r = Files.newBufferedReader(file)) {
      p.load(r);
    } catch (IOException e) {
      return "time limit; " + file + " unreadable: " + e.getMessage();
    }
    boolean resumable = Boolean.parseBoolean(p.getProperty("resumable"));
    return "time limit; " + p.getProperty("done", "?") + " of " + p.getProperty("total", "?") + " tasks done, "
        + (resumable ? "resumable" : "not resumable (no journal: everything runs again)");
  }
}
