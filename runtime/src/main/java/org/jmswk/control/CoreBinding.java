package org.jmswk.control;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jmswk.executor.FarmExecutor;

/**
 * The bind command ({@code 8:rank:core}): pins worker {@code rank} (its executor worker id) to
 * one CPU core with {@code taskset -a -p -c CORE PID} (an argument vector, every thread of the
 * process). Allowed only where this platform can do it: Linux, the worker on the master's own
 * host, a core this host has. Every binding is checked before any is applied; a refusal names
 * why.
 */
final class CoreBinding {
  private CoreBinding() {}

  static List<String> apply(FarmExecutor executor, List<ControlCommand.Binding> bindings) throws CommandRefusedException {
    if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
      throw new CommandRefusedException("binding to cores is supported on Linux only, not " + System.getProperty("os.name"));
    }
    String tool = taskset();
    int cores = Runtime.getRuntime().availableProcessors();
    String here = FarmExecutorHost.name();
    List<FarmExecutor.WorkerInfo> targets = new ArrayList<>();
    for (ControlCommand.Binding b : bindings) {
      FarmExecutor.WorkerInfo w = executor.worker(b.rank());
      if (w == null) throw new CommandRefusedException("no worker " + b.rank() + " (workers: " + ids(executor) + ")");
      if (!w.host().equals(here) && !w.host().equals("localhost")) {
        throw new CommandRefusedException("worker " + b.rank() + " runs on " + w.host() + ", not on the master's host " + here
            + ": binding is done only for workers on the master's host");
      }
      if (b.core() >= cores) throw new CommandRefusedException("core " + b.core() + " does not exist here (cores 0 to " + (cores - 1) + ")");
      targets.add(w);
    }
    List<String> done = new ArrayList<>();
    for (int i = 0; i < bindings.size(); i++) {
      ControlCommand.Binding b = bindings.get(i);
      run(List.of(tool, "-a", "-p", "-c", Integer.toString(b.core()), Long.toString(targets.get(i).pid())));
      done.add(b.rank() + ":" + b.core());
    }
    return done;
  }

  private static String ids(FarmExecutor executor) {
    return String.join(", ", executor.workers().stream().map(w -> Integer.toString(w.id())).toList());
  }

  private static String taskset() throws CommandRefusedException {
    for (String dir : List.of("/usr/bin", "/bin", "/usr/local/bin")) {
      File f = new File(dir, "taskset");
      if (f.canExecute()) return f.getPath();
    }
    throw new CommandRefusedException("binding to cores needs taskset (util-linux), which is not installed here");
  }

  private static void run(List<String> argv) throws CommandRefusedException {
    try {
      Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new CommandRefusedException(String.join(" ", argv) + " did not end within 5 s");
      }
      String out = new String(p.getInputStream().readAllBytes()).strip();
      if (p.exitValue() != 0) throw new CommandRefusedException(String.join(" ", argv) + " failed: " + out);
    } catch (IOException e) {
      throw new CommandRefusedException("cannot run taskset: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CommandRefusedException("interrupted while binding");
    }
  }

  /** This host's name as executor workers report theirs. */
  static final class FarmExecutorHost {
    static String name() {
      try {
        return java.net.InetAddress.getLocalHost().getHostName();
      } catch (IOException e) {
        return "localhost";
      }
    }
  }
}
