package org.jmswk.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jmswk.mpi.ErrorClass;
import org.jmswk.mpi.MPIException;

/**
 * Named checks inside a program that runs under mpirun. Each check prints one line,
 * {@code PASS <who> <name>} or {@code FAIL <who> <name>: <detail>}, and the JUnit side asserts on
 * those lines with {@link #assertPassed(MpiRun.Result, String...)}. A failed check never stops the
 * program: it goes on, finalizes MPI, and exits with {@link #exitCode()}.
 */
public final class Checks {
  private final String who;
  private int passed;
  private final List<String> failures = new ArrayList<>();

  /** {@code who} names the process in every line, e.g. {@code rank0} or {@code child1}. */
  public Checks(String who) {
    this.who = who;
  }

  public String who() {
    return who;
  }

  /** Records a check. */
  public boolean check(String name, boolean ok, Object detail) {
    if (ok) {
      passed++;
      say("PASS " + who + " " + name);
    } else {
      failures.add(name);
      say("FAIL " + who + " " + name + ": " + detail);
    }
    return ok;
  }

  /** Records {@code Objects.deepEquals(expected, actual)}. */
  public boolean equal(String name, Object expected, Object actual) {
    boolean ok = Objects.deepEquals(expected, actual);
    return check(name, ok, "expected <" + show(expected) + "> but was <" + show(actual) + ">");
  }

  /** A step that must not throw. */
  public boolean run(String name, ThrowingRunnable step) {
    try {
      step.run();
      return check(name, true, null);
    } catch (Throwable t) {
      return check(name, false, "threw " + t);
    }
  }

  /** A call that must throw an MPIException of {@code expected} class (and must return). */
  public MPIException mpiError(String name, ErrorClass expected, ThrowingRunnable call) {
    try {
      call.run();
      check(name, false, "no exception; expected MPIException " + expected);
      return null;
    } catch (MPIException e) {
      check(name, e.getErrorClass() == expected, "expected " + expected + ", got " + e.getErrorClass()
          + " (" + e.getMessage() + ")");
      return e;
    } catch (Throwable t) {
      check(name, false, "expected MPIException " + expected + ", got " + t);
      return null;
    }
  }

  /** A call that must throw {@code type}. */
  public void expectThrows(String name, Class<? extends Throwable> type, ThrowingRunnable call) {
    try {
      call.run();
      check(name, false, "no exception; expected " + type.getSimpleName());
    } catch (Throwable t) {
      check(name, type.isInstance(t), "expected " + type.getSimpleName() + ", got " + t);
    }
  }

  /** Records a failure for an unexpected throwable that ended a part of the program. */
  public void unexpected(String where, Throwable t) {
    check(where, false, "unexpected " + t);
    t.printStackTrace(System.out);
  }

  public int failed() {
    return failures.size();
  }

  /** Prints the summary line and returns the exit code the program should end with. */
  public int exitCode() {
    say("SUMMARY " + who + " passed=" + passed + " failed=" + failures.size()
        + (failures.isEmpty() ? "" : " " + failures));
    return failures.isEmpty() ? 0 : 1;
  }

  /** One whole line per write, so lines of several processes do not interleave. */
  public static void say(String line) {
    System.out.print(line + "\n");
    System.out.flush();
  }

  private static String show(Object o) {
    if (o == null) return "null";
    if (o.getClass().isArray()) return java.util.Arrays.deepToString(new Object[] {o});
    return o.toString();
  }

  /** A step that may throw anything. */
  @FunctionalInterface
  public interface ThrowingRunnable {
    void run() throws Throwable;
  }

  // ---- JUnit side -----------------------------------------------------------------

  /**
   * Asserts exit code 0, no {@code FAIL} line, and a {@code PASS <line>} for every expected
   * {@code "<who> <name>"}; the error message carries the whole output.
   */
  public static void assertPassed(MpiRun.Result result, String... expected) {
    List<String> problems = new ArrayList<>();
    if (result.exitCode() != 0) problems.add("exit code " + result.exitCode());
    List<String> lines = result.stdoutLines();
    for (String line : lines) if (line.startsWith("FAIL ")) problems.add(line);
    for (String e : expected) {
      if (!lines.contains("PASS " + e)) problems.add("missing PASS " + e);
    }
    if (!problems.isEmpty()) {
      throw new AssertionError(String.join("\n", problems) + "\n" + result.describe());
    }
  }
}
