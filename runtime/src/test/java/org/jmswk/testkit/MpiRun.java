package org.jmswk.testkit;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Starts a Java main class under a real {@code mpirun} (Open MPI) and waits for it, bounded.
 *
 * <p>The ranks run the JDK that runs the test ({@code java.home}), with native access enabled and
 * the test's class path. Output goes to temporary files (no pipe can fill up and block the job).
 * If the job is not done within the timeout (default 60 s), the whole process tree (mpirun, its
 * daemons and every rank, spawned ones included) is killed and an {@link AssertionError} carrying
 * the captured output is thrown.
 *
 * <pre>
 *   MpiRun.Result r = MpiRun.main(MyProgram.class, "arg").np(2).run();
 *   r.assertExitCode(0);
 * </pre>
 */
public final class MpiRun {
  /** JVM options for every rank and (through JMSWK_WORKER_JVM_OPTS) every spawned Java worker. */
  public static final String FAST_JVM_OPTS = "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto";

  private final String mainClass;
  private final List<String> args;
  private int np = 1;
  private int slots = 0;
  private Duration timeout = Duration.ofSeconds(60);
  private final Map<String, String> env = new LinkedHashMap<>();
  private final List<String> extraMpirunArgs = new ArrayList<>();
  private final List<String> jvmOptions = new ArrayList<>(List.of(FAST_JVM_OPTS.split(" ")));

  private MpiRun(String mainClass, List<String> args) {
    this.mainClass = mainClass;
    this.args = args;
  }

  /** A job whose ranks run {@code mainClass} with {@code args}. */
  public static MpiRun main(Class<?> mainClass, String... args) {
    return new MpiRun(mainClass.getName(), List.of(args));
  }

  /** Number of ranks started by mpirun (-np); default 1. */
  public MpiRun np(int n) {
    this.np = n;
    return this;
  }

  /**
   * Slots on localhost ({@code --host localhost:N}), which is what MPI_UNIVERSE_SIZE reports and
   * what spawned processes fill; default: as many as {@link #np(int)}.
   */
  public MpiRun slots(int n) {
    this.slots = n;
    return this;
  }

  /** Bound on the whole job; default 60 s. */
  public MpiRun timeout(Duration t) {
    this.timeout = t;
    return this;
  }

  /** An environment variable for mpirun and every rank (exported with {@code -x}). */
  public MpiRun env(String name, String value) {
    env.put(name, value);
    return this;
  }

  /** Further mpirun options, placed before the program. */
  public MpiRun mpirunArgs(String... more) {
    extraMpirunArgs.addAll(List.of(more));
    return this;
  }

  /** A further JVM option for the ranks. */
  public MpiRun jvmOption(String option) {
    jvmOptions.add(option);
    return this;
  }

  /** The full command line. */
  public List<String> command() {
    List<String> cmd = new ArrayList<>();
    cmd.add("mpirun");
    cmd.add("--oversubscribe");
    cmd.add("--bind-to");
    cmd.add("none");
    cmd.add("-np");
    cmd.add(Integer.toString(np));
    cmd.add("--host");
    cmd.add("localhost:" + (slots > 0 ? slots : np));
    cmd.addAll(List.of("--mca", "btl_tcp_if_include", "lo", "--mca", "oob_tcp_if_include", "lo"));
    for (String name : environment().keySet()) {
      cmd.add("-x");
      cmd.add(name);
    }
    cmd.addAll(extraMpirunArgs);
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("--enable-native-access=ALL-UNNAMED");
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(absoluteClassPath());
    cmd.add(mainClass);
    cmd.addAll(args);
    return cmd;
  }

  /** The test's class path with absolute entries (ranks and spawned workers may run elsewhere). */
  public static String absoluteClassPath() {
    List<String> entries = new ArrayList<>();
    for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!e.isEmpty()) entries.add(Path.of(e).toAbsolutePath().toString());
    }
    return String.join(File.pathSeparator, entries);
  }

  private Map<String, String> environment() {
    Map<String, String> all = new LinkedHashMap<>();
    all.put("OMPI_ALLOW_RUN_AS_ROOT", "1");
    all.put("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1");
    all.put("JMSWK_WORKER_JVM_OPTS", FAST_JVM_OPTS);
    all.putAll(env);
    return all;
  }

  /** The mpirun command with its environment, for a test that starts it and waits itself. */
  public ProcessBuilder processBuilder() {
    ProcessBuilder pb = new ProcessBuilder(command());
    pb.environment().remove("JMSWK_THREAD_LEVEL");
    pb.environment().putAll(environment());
    return pb;
  }

  /** Runs the job to its end or to the timeout; never waits longer than timeout + ~15 s. */
  public Result run() {
    List<String> cmd = command();
    Path dir;
    try {
      dir = Files.createTempDirectory("mpirun-");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    File out = dir.resolve("stdout").toFile();
    File err = dir.resolve("stderr").toFile();
    ProcessBuilder pb = processBuilder()
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(out)
        .redirectError(err);
    long start = System.nanoTime();
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start mpirun: " + e.getMessage(), e);
    }
    boolean finished = false;
    try {
      finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      if (!finished) killTree(process);
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    Result result = new Result(cmd, finished ? process.exitValue() : -1, read(out), read(err), elapsed);
    deleteQuietly(dir);
    if (!finished) {
      throw new AssertionError("mpirun did not finish within " + timeout.toSeconds() + " s; killed it.\n"
          + result.describe());
    }
    return result;
  }

  /**
   * Ends the job: SIGTERM to mpirun (which then cleans up its ranks and session directory), and
   * after at most 3 s SIGKILL to every process that was in its tree; each wait bounded.
   */
  public static void killTree(Process process) {
    List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
    process.destroy();
    try {
      process.waitFor(3, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    tree.addAll(process.descendants().toList());
    tree.add(process.toHandle());
    for (ProcessHandle h : tree.reversed()) h.destroyForcibly();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    for (ProcessHandle h : tree) {
      long left = deadline - System.nanoTime();
      if (left <= 0) break;
      try {
        h.onExit().get(left, TimeUnit.NANOSECONDS);
      } catch (Exception e) {
        // bounded: give up on this one
      }
    }
  }

  private static String read(File f) {
    try {
      return Files.readString(f.toPath(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      try {
        return new String(Files.readAllBytes(f.toPath()), StandardCharsets.ISO_8859_1);
      } catch (IOException e2) {
        return "<cannot read " + f + ": " + e2.getMessage() + ">";
      }
    }
  }

  private static void deleteQuietly(Path dir) {
    try (var files = Files.list(dir)) {
      for (Path p : files.toList()) Files.deleteIfExists(p);
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      // temporary files only
    }
  }

  /** What the job did. */
  public record Result(List<String> command, int exitCode, String stdout, String stderr, Duration elapsed) {
    /** stdout then stderr. */
    public String output() {
      return stdout + stderr;
    }

    /** Lines of stdout. */
    public List<String> stdoutLines() {
      return stdout.lines().toList();
    }

    /** Throws with the whole output unless the exit code is {@code expected}. */
    public Result assertExitCode(int expected) {
      if (exitCode != expected) {
        throw new AssertionError("mpirun exit code " + exitCode + ", expected " + expected + "\n" + describe());
      }
      return this;
    }

    /** Throws with the whole output if the exit code is 0. */
    public Result assertFailed() {
      if (exitCode == 0) throw new AssertionError("mpirun exit code 0, expected a failure\n" + describe());
      return this;
    }

    /** Throws with the whole output unless stdout or stderr contains {@code text}. */
    public Result assertOutputContains(String text) {
      if (!output().contains(text)) {
        throw new AssertionError("output lacks \"" + text + "\"\n" + describe());
      }
      return this;
    }

    /** The command, exit code, run time and the captured output, for failure messages. */
    public String describe() {
      return "command: " + String.join(" ", command) + "\nexit code: " + exitCode + ", after "
          + elapsed.toMillis() + " ms\n--- stdout ---\n" + stdout + "--- stderr ---\n" + stderr + "---";
    }
  }
}
