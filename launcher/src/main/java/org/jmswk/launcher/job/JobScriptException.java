package org.jmswk.launcher.job;

import java.util.List;

/** A job script the launcher cannot run: every problem, each naming file:line and what is wrong. */
public final class JobScriptException extends Exception {
  private static final long serialVersionUID = 1L;
  private final List<String> problems;

  public JobScriptException(List<String> problems) {
    super(String.join(System.lineSeparator(), problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
