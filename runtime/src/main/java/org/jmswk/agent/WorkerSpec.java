package org.jmswk.agent;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What to start as a non-MPI worker: an argument vector (never a shell string), environment
 * additions (on top of the agent's environment unless {@code inheritEnv} is false), a working
 * directory, and where its standard streams go. A null stdout/stderr is captured by the agent
 * and sent back (bounded, the tail); a null stdin is {@code /dev/null}. A positive
 * {@code timeout} has the worker killed (SIGKILL) when it runs longer. {@code maxAttempts} (0:
 * the pool's default) bounds how often the task is started when agents are lost under it.
 */
public record WorkerSpec(List<String> argv, Map<String, String> env, boolean inheritEnv, String cwd, String stdin,
                         String stdout, String stderr, Duration timeout, int maxAttempts) {
  public WorkerSpec {
    argv = List.copyOf(argv);
    env = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(env));
    if (timeout == null) timeout = Duration.ZERO;
    String problem = problem(argv, env, cwd, stdin, stdout, stderr);
    if (problem != null) throw new IllegalArgumentException(problem);
    if (timeout.isNegative()) throw new IllegalArgumentException("timeout must not be negative");
    if (maxAttempts < 0) throw new IllegalArgumentException("maxAttempts must not be negative");
  }

  /** A worker running {@code argv}, inheriting the agent's environment, output captured. */
  public static WorkerSpec of(String... argv) {
    return of(List.of(argv));
  }

  public static WorkerSpec of(List<String> argv) {
    return new WorkerSpec(argv, Map.of(), true, null, null, null, null, Duration.ZERO, 0);
  }

  public WorkerSpec withEnv(String name, String value) {
    Map<String, String> e = new LinkedHashMap<>(env);
    e.put(name, value);
    return new WorkerSpec(argv, e, inheritEnv, cwd, stdin, stdout, stderr, timeout, maxAttempts);
  }

  public WorkerSpec withInheritEnv(boolean inherit) {
    return new WorkerSpec(argv, env, inherit, cwd, stdin, stdout, stderr, timeout, maxAttempts);
  }

  public WorkerSpec withCwd(String dir) {
    return new WorkerSpec(argv, env, inheritEnv, dir, stdin, stdout, stderr, timeout, maxAttempts);
  }

  /** Standard streams from/to files; null keeps the default (stdin /dev/null, output captured). */
  public WorkerSpec withStdio(String in, String out, String err) {
    return new WorkerSpec(argv, env, inheritEnv, cwd, in, out, err, timeout, maxAttempts);
  }

  public WorkerSpec withTimeout(Duration t) {
    return new WorkerSpec(argv, env, inheritEnv, cwd, stdin, stdout, stderr, t, maxAttempts);
  }

  public WorkerSpec withMaxAttempts(int n) {
    return new WorkerSpec(argv, env, inheritEnv, cwd, stdin, stdout, stderr, timeout, n);
  }

  /** Why these fields cannot describe a process, or null if they can. */
  static String problem(List<String> argv, Map<String, String> env, String cwd, String stdin, String stdout, String stderr) {
    if (argv.isEmpty() || argv.get(0).isEmpty()) return "the argument vector is empty: nothing to run";
    for (String a : argv) if (a.indexOf('\0') >= 0) return "an argument contains a NUL character";
    for (var e : env.entrySet()) {
      if (e.getKey().isEmpty() || e.getKey().indexOf('=') >= 0 || e.getKey().indexOf('\0') >= 0) {
        return "invalid environment variable name '" + e.getKey() + "'";
      }
      if (e.getValue().indexOf('\0') >= 0) return "environment variable " + e.getKey() + " contains a NUL character";
    }
    for (String p : new String[] {cwd, stdin, stdout, stderr}) {
      if (p != null && (p.isEmpty() || p.indexOf('\0') >= 0)) return "invalid path '" + p + "'";
    }
    return null;
  }

  /** The LAUNCH message for this spec. */
  Message toMessage(String taskId, int attempt) {
    List<Object> f = new ArrayList<>(List.of("task", taskId, "attempt", (long) attempt, "argv", argv, "env", env,
        "inherit_env", inheritEnv ? 1L : 0L, "timeout_ms", timeout.toMillis()));
    if (cwd != null) f.addAll(List.of("cwd", cwd));
    if (stdin != null) f.addAll(List.of("stdin", stdin));
    if (stdout != null) f.addAll(List.of("stdout", stdout));
    if (stderr != null) f.addAll(List.of("stderr", stderr));
    return Message.of(Message.Type.LAUNCH, f.toArray());
  }

  /** Parses a LAUNCH message; any defect is a {@link ProtocolException}. */
  static WorkerSpec fromMessage(Message m) throws ProtocolException {
    List<String> argv = m.list("argv");
    Map<String, String> env = m.map("env");
    String problem = problem(argv, env, m.string("cwd", null), m.string("stdin", null), m.string("stdout", null),
        m.string("stderr", null));
    if (problem != null) throw new ProtocolException("invalid LAUNCH: " + problem);
    long timeout = m.number("timeout_ms", 0);
    if (timeout < 0) throw new ProtocolException("invalid LAUNCH: negative timeout");
    return new WorkerSpec(argv, env, m.number("inherit_env", 1) != 0, m.string("cwd", null), m.string("stdin", null),
        m.string("stdout", null), m.string("stderr", null), Duration.ofMillis(timeout), 0);
  }
}
