package org.jmswk.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jmswk.launcher.cluster.Cluster;
import org.jmswk.launcher.cluster.ClusterException;
import org.jmswk.launcher.cluster.ClusterScriptHost;
import org.jmswk.launcher.cluster.ClusterSpec;
import org.jmswk.launcher.job.JobRunner;
import org.jmswk.launcher.job.JobScriptException;
import org.jmswk.launcher.job.JobScriptParser;
import org.jmswk.launcher.job.JobSpec;
import org.jmswk.launcher.job.Launch;
import org.jmswk.launcher.job.TimeLimitWarning;
import org.jmswk.launcher.progress.ProgressView;
import org.jmswk.launcher.timeline.JobTimeline;
import org.jmswk.launcher.job.ScriptHost;
import org.jmswk.launcher.slurm.SbatchRequest;
import org.jmswk.launcher.slurm.SlurmScriptHost;
import org.jmswk.launcher.slurm.SlurmSubmit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jmswk sub}: submit a job script and run it as a job. */
@Command(name = "sub", mixinStandardHelpOptions = true,
    description = {
        "Submit a job script: run it as a job on this machine or in a Slurm allocation.",
        "",
        "Runs a job script as a job. The script's #PJM or #SBATCH directives say how many nodes",
        "(node=N or node=XxY counts every node, static and for dynamic workers; --nodes), the",
        "static processes (--mpi proc=N; --ntasks), the time limit (elapse=; --time) and more.",
        "A bad directive is an error naming file:line, and nothing is launched.",
        "",
        "Target: this machine by default (each node of the job becomes slots on localhost); the",
        "Slurm allocation the command runs in, when SLURM_JOB_NODELIST is set.",
        "",
        "--scheduler slurm hands the job to Slurm (sbatch, argument vector) and returns at once",
        "(--wait: when it ends, with its exit status). The directives of either dialect become",
        "--nodes, --ntasks-per-node (every slot: room for the dynamic workers) or --ntasks, and",
        "--time (the job's limit + 1 minute, so jmswk's own limit ends it with the reason).",
        "Master-worker jobs get --requeue (turn off with --no-requeue) and --no-kill: a lost",
        "slave node does not end the job, a lost batch node requeues it and the job resumes from",
        "its journal on other nodes. Inside the allocation the script runs as here: mpiexec",
        "inside the allocation (daemons over ssh, never srun), failure isolation, a failure",
        "domain per worker. The jobs directory must be on storage every node sees.",
        "jmswk stat and jmswk showrsc then read squeue, sacct and sinfo.",
        "",
        "Inside the script a plain `mpiexec` gets the job's hosts and slots, so MPI_UNIVERSE_SIZE",
        "covers the dynamic workers, and without a process count of its own it starts the job's",
        "static processes: proc=, else the shape= count, for --mswk else one (the master). Its exit",
        "status is its static processes' (the first to fail; 128+S for a signal S), never a worker's.",
        "The vendor's pjaexe works inside the job; pjsub is this command. The job ends when the",
        "script ends; every process of the job still running is then ended. The job's output,",
        "hostfile and statistics (stats.json) are kept in ~/.jmswk/jobs/ID (JMSWK_JOBS_DIR); -o/-e",
        "(or #PJM -o/-e/-j, #SBATCH --output/--error, %%j = the job id) also put it where they say.",
        "",
        "--rerun ID runs job ID again in its job directory, as it was submitted (script, arguments,",
        "options) and with the same job id, so an executor with the job's journal resumes: results",
        "of the earlier runs are re-delivered, only the missing tasks run. The earlier run's",
        "output is kept as output.run-N.txt.",
        "",
        "Before the time limit the master is warned: it finds the moment the job will be ended in",
        "JMSWK_TIME_LIMIT_AT and the warning's lead in JMSWK_TIME_LIMIT_LEAD_S (default 60 s, at most",
        "a quarter of the limit; under Slurm never after the allocation's end). FarmExecutor then",
        "hands out only tasks its workers' measured times say will end in time, and halfway through",
        "the lead fails what is left; with the job's journal the job ends with exit status 75 and",
        "the end reason \"time limit; N of M tasks done, resumable\": --rerun ID finishes it.",
        "--signal also sends the master's mpiexec a signal at the warning, as Slurm's --signal.",
        "",
        "While the job runs, the progress its task farm publishes (tasks done / running / failed /",
        "retried, rate, ETA, workers, nodes lost) is a bar under the output on a terminal, else a",
        "line on stderr every JMSWK_PROGRESS_LOG_S seconds. A job with a journal gets its timeline",
        "picture (timeline.html, and timeline.trace.json for Perfetto) when it ends: jmswk stat ID",
        "--timeline prints its path."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"N:the job script's exit status, normally its mpiexec's (the master's)",
        "2:the job script or the command line is wrong (nothing ran)",
        "75:the job stopped at its time limit with tasks left (resume it with --rerun ID)",
        "137:the job was ended at its time limit"})
public final class SubCommand implements Callable<Integer> {
  @Option(names = "--mswk", description = "A master-worker job: the master may spawn workers while it runs."
      + " Cannot be combined with --step, --bulk or --interact.")
  boolean mswk;

  @Option(names = {"-s", "-S"}, description = "Print the job statistics when the job ends (or #PJM -s).")
  boolean printStats;

  @Option(names = "--step", description = "A step job (refused with --mswk).")
  boolean step;

  @Option(names = "--bulk", description = "A bulk job (refused with --mswk).")
  boolean bulk;

  @Option(names = "--interact", description = "An interactive job (refused with --mswk).")
  boolean interactive;

  @Option(names = "--cluster", paramLabel = "docker[:N]", description = "Run on a container cluster of a head and"
      + " N slave nodes (default: the job's nodes - 1), started for this job and removed after it; run"
      + " ci/cluster-setup once first.")
  String cluster;

  @Option(names = "--scheduler", paramLabel = "local|slurm", description = "slurm: submit with sbatch (default"
      + " $JMSWK_SCHEDULER, else local: run here, or in the Slurm allocation this runs in).")
  String scheduler = System.getenv().getOrDefault("JMSWK_SCHEDULER", "local");

  @Option(names = "--requeue", negatable = true, description = "With --scheduler slurm: let Slurm requeue the job when"
      + " its batch node is lost (default: on for --mswk jobs, off otherwise).")
  Boolean requeue;

  @Option(names = "--wait", description = "With --scheduler slurm: return when the job ends, with its exit status.")
  boolean waitForSlurm;

  /** Inside a Slurm allocation: run (or resume, when requeued) job ID; what jmswk's batch script calls. */
  @Option(names = "--slurm-run", hidden = true, paramLabel = "ID")
  String slurmRun;

  @Option(names = "--image", paramLabel = "IMAGE", description = "With --cluster: the node image (default"
      + " $JMSWK_CLUSTER_IMAGE, else jmswk-cluster:current; jmswk-cluster:ompi5 for Open MPI 5).")
  String image;

  @Option(names = "-x", paramLabel = "VAR=value", description = "Set a variable in the job's environment.")
  List<String> exports = new ArrayList<>();

  // The vendor's pjsub spellings: each is the #PJM directive of the same name, given here.
  @Option(names = {"-L", "--rsc-list"}, paramLabel = "LIST", description = "Resources, as #PJM -L (node=, elapse=, rscgrp=).")
  List<String> resources = new ArrayList<>();

  @Option(names = "--mpi", paramLabel = "LIST", description = "MPI options, as #PJM --mpi (proc=, shape=).")
  List<String> mpiOptions = new ArrayList<>();

  @Option(names = "-g", paramLabel = "GROUP", description = "Group (project), as #PJM -g.")
  String group;

  @Option(names = {"-N", "--name"}, paramLabel = "NAME", description = "Job name, as #PJM -N.")
  String name;

  @Option(names = "-o", paramLabel = "FILE", description = "Standard output file, as #PJM -o (%%j: the job id).")
  String stdoutFile;

  @Option(names = "-e", paramLabel = "FILE", description = "Standard error file, as #PJM -e (%%j: the job id).")
  String stderrFile;

  @Option(names = "-j", description = "Standard error into the standard output file, as #PJM -j.")
  boolean join;

  @Option(names = "-X", description = "Accepted, as pjsub -X: on this machine the job gets the submitting"
      + " environment anyway; on a container cluster pass variables with -x.")
  boolean exportAll;

  @Option(names = "--signal", paramLabel = "SIG[@SECONDS]", description = "Warn the master SECONDS (default 60)"
      + " before the time limit with signal SIG (USR1 or USR2) through its mpiexec, as Slurm's --signal (or #SBATCH"
      + " --signal); FarmExecutor handles it. Without it the master is warned by its clock only"
      + " (JMSWK_TIME_LIMIT_LEAD_S).")
  String signal;

  @Option(names = "--rerun", paramLabel = "ID", description = "Run job ID again in its job directory, as it was"
      + " submitted (no SCRIPT then).")
  String rerun;

  /** The job directory of a job run again ({@link JobRerun}); null: a new job. */
  Path rerunDir;

  @Parameters(index = "0", arity = "0..1", paramLabel = "SCRIPT", description = "The job script.")
  Path script;

  @Parameters(index = "1..*", paramLabel = "ARGS", description = "Arguments for the job script.")
  List<String> args = new ArrayList<>();

  @Override
  public Integer call() throws IOException {
    if (slurmRun != null) return JobRerun.runInSlurmAllocation(slurmRun);
    if (!scheduler.equals("local") && !scheduler.equals("slurm")) {
      System.err.println("jmswk sub: --scheduler takes local or slurm, not '" + scheduler + "'");
      return 2;
    }
    if (rerunDir != null) scheduler = "local"; // a recorded submission never carries --scheduler
    if (!scheduler.equals("slurm") && (requeue != null || waitForSlurm)) {
      System.err.println("jmswk sub: --requeue, --no-requeue and --wait go with --scheduler slurm");
      return 2;
    }
    if (scheduler.equals("slurm") && cluster != null) {
      System.err.println("jmswk sub: --scheduler slurm submits to the Slurm of this host; not with --cluster"
          + " (on a container cluster: jmswk cluster up --slurm, then jmswk cluster exec -- jmswk sub --scheduler slurm ...)");
      return 2;
    }
    if (rerun != null) {
      if (script != null) {
        System.err.println("jmswk sub: --rerun ID runs the job as it was submitted; give no SCRIPT with it");
        return 2;
      }
      return JobRerun.rerun(rerun);
    }
    if (script == null) {
      System.err.println("jmswk sub: give a job script (or --rerun ID)");
      return 2;
    }
    if (signal != null) {
      try {
        TimeLimitWarning.parse(signal).forEach((k, v) -> exports.add(k + "=" + v));
      } catch (IllegalArgumentException e) {
        System.err.println("jmswk sub: " + e.getMessage());
        return 2;
      }
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(script);
    } catch (NoSuchFileException e) {
      System.err.println("jmswk sub: no such job script: " + script);
      return 2;
    }
    List<String> submitOptions = submitOptions();
    JobSpec spec;
    try {
      spec = JobScriptParser.parse(script.toString(), lines, mswk, submitOptions);
    } catch (JobScriptException e) {
      e.problems().forEach(p -> System.err.println("jmswk sub: error: " + p));
      System.err.println("jmswk sub: nothing was launched");
      return 2;
    }
    try {
      TimeLimitWarning.check(spec.environment());
    } catch (IllegalArgumentException e) {
      System.err.println("jmswk sub: " + e.getMessage() + "; nothing was launched");
      return 2;
    }
    spec.warnings().forEach(w -> System.err.println("jmswk sub: warning: " + w));
    // Recorded in the statistics' REQUIRE, and Slurm's allocation applies its own limits, but
    // jmswk neither binds CPUs nor limits memory itself.
    spec.resources().where().forEach(w -> System.err.println("jmswk sub: warning: " + w
        + " is counted in the statistics' REQUIRE but not enforced (jmswk binds no CPUs and limits no memory)"));
    if (image != null && cluster == null) {
      System.err.println("jmswk sub: --image goes with --cluster");
      return 2;
    }
    if (cluster != null) {
      if (!cluster.matches("docker(:[1-9][0-9]{0,2})?")) {
        System.err.println("jmswk sub: --cluster takes docker or docker:N (N slave nodes), not '" + cluster + "'");
        return 2;
      }
      int nodes = cluster.contains(":") ? Integer.parseInt(cluster.substring(7)) : Math.max(1, spec.nodes() - 1);
      return runOnCluster(spec, script.toAbsolutePath(), args, nodes, image, jobDir());
    }
    if (scheduler.equals("slurm")) {
      Path dir = jobDir();
      String jobName = spec.jobName() != null ? spec.jobName() : script.getFileName().toString();
      return SlurmSubmit.submit(new SbatchRequest(spec, jobName, dir, script.toAbsolutePath().getParent(),
          requeue != null ? requeue : spec.mswk(), waitForSlurm));
    }
    return run(spec, script, args, jobDir());
  }

  /** The options that stand for #PJM directives, as the parser takes them. */
  private List<String> submitOptions() {
    List<String> submitOptions = new ArrayList<>();
    if (step) submitOptions.add("--step");
    if (bulk) submitOptions.add("--bulk");
    if (interactive) submitOptions.add("--interact");
    if (printStats) submitOptions.add("-s");
    for (String x : exports) submitOptions.addAll(List.of("-x", x));
    for (String l : resources) submitOptions.addAll(List.of("-L", l));
    for (String m : mpiOptions) submitOptions.addAll(List.of("--mpi", m));
    if (group != null) submitOptions.addAll(List.of("-g", group));
    if (name != null) submitOptions.addAll(List.of("-N", name));
    if (stdoutFile != null) submitOptions.addAll(List.of("-o", stdoutFile));
    if (stderrFile != null) submitOptions.addAll(List.of("-e", stderrFile));
    if (join) submitOptions.add("-j");
    return submitOptions;
  }

  /** The job's directory: a new one (recording how the job was submitted), or the one run again. */
  private Path jobDir() throws IOException {
    if (rerunDir != null) return rerunDir;
    Path dir = JobRunner.newJobDir();
    List<String> again = new ArrayList<>();
    if (mswk) again.add("--mswk");
    again.addAll(submitOptions());
    if (cluster != null) again.addAll(List.of("--cluster", cluster));
    if (image != null) again.addAll(List.of("--image", image));
    again.add("--");
    again.add(script.toAbsolutePath().toString());
    again.addAll(args);
    JobRerun.record(dir, again);
    return dir;
  }

  /** Starts a cluster for the job, runs the job script on its head, removes the cluster. */
  static int runOnCluster(JobSpec spec, Path script, List<String> args, int slaveNodes, String image, Path jobDir)
      throws IOException {
    ClusterSpec defaults = ClusterSpec.defaults();
    ClusterSpec clusterSpec = (image == null ? defaults : defaults.withImage(image))
        .withName("jmswk-job" + jobDir.getFileName() + "-" + ProcessHandle.current().pid())
        .withNodes(slaveNodes).withSlotsPerNode(spec.slotsPerNode())
        .withShared(JobRunner.jobsRoot().toAbsolutePath(), script.getParent());
    try (Cluster c = Cluster.start(clusterSpec, System.err)) {
      Launch launch;
      try {
        launch = Launch.docker(spec, c.hosts(), "eth0", jobDir.resolve("hostfile"));
      } catch (IllegalArgumentException e) {
        System.err.println("jmswk sub: " + e.getMessage());
        return 2;
      }
      announce(jobDir, script, spec, launch);
      JobRunner.Outcome outcome;
      try (ProgressView progress = ProgressView.start(jobDir)) {
        outcome = JobRunner.run(spec, launch, new ClusterScriptHost(c), script, args, jobDir, progress.lines());
      }
      return report(outcome, spec);
    } catch (ClusterException e) {
      System.err.println("jmswk sub: " + e.getMessage());
      return 3;
    }
  }

  /** Runs a parsed job on the target the environment calls for; prints what happened. */
  static int run(JobSpec spec, Path script, List<String> args, Path jobDir) throws IOException {
    Path hostfile = jobDir.resolve("hostfile");
    Launch launch;
    try {
      launch = System.getenv("SLURM_JOB_NODELIST") != null
          ? Launch.slurm(spec, System.getenv(), hostfile)
          : Launch.local(spec, hostfile);
    } catch (IllegalArgumentException e) {
      System.err.println("jmswk sub: " + e.getMessage());
      return 2;
    }
    announce(jobDir, script, spec, launch);
    ScriptHost host = launch.target().equals("slurm")
        ? new SlurmScriptHost(launch.nodes(), launch.nodes().getFirst()) : ScriptHost.LOCAL;
    JobRunner.Outcome outcome;
    try (ProgressView progress = ProgressView.start(jobDir)) {
      outcome = JobRunner.run(spec, launch, host, script, args, jobDir, progress.lines());
    }
    return report(outcome, spec);
  }

  private static void announce(Path jobDir, Path script, JobSpec spec, Launch launch) {
    System.err.printf("[jmswk] job %s: %s on %s (%d nodes asked, %d allocated, universe size %d)%n",
        jobDir.getFileName(), script.getFileName(), launch.target(), spec.nodes(), launch.nodes().size(),
        launch.universeSize());
  }

  /** A job with a journal gets its timeline picture when it ends; a journal that cannot be drawn costs a warning only. */
  private static void timeline(Path jobDir) {
    Path journal = jobDir.resolve("journal.sqlite");
    if (!Files.exists(journal)) return;
    try {
      System.err.println("[jmswk] timeline: " + JobTimeline.write(journal) + " (trace: " + JobTimeline.TRACE + ")");
    } catch (IOException | RuntimeException e) {
      System.err.println("[jmswk] warning: no timeline for job " + jobDir.getFileName() + ": " + e.getMessage());
    }
  }

  private static int report(JobRunner.Outcome outcome, JobSpec spec) {
    var stats = outcome.stats();
    System.err.printf("[jmswk] job %s ended: exit code %d, end reason %s, %s%n", stats.jobId(), stats.exitCode(),
        stats.endReason(), outcome.leftovers().isEmpty() ? "nothing left running"
            : "ended " + outcome.leftovers().size() + " leftover processes");
    timeline(outcome.jobDir());
    if (!outcome.survivors().isEmpty()) {
      System.err.println("[jmswk] WARNING: processes of the job survived: " + outcome.survivors());
    }
    if (spec.printStats()) System.out.print(stats.table());
    return stats.exitCode();
  }
}
