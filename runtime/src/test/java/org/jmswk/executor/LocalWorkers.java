package org.jmswk.executor;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jmswk.testkit.MpiRun;

/** Starts executor workers as plain JVM processes on this machine (no MPI), for tests and benches. */
final class LocalWorkers {
  private LocalWorkers() {}

  static Process start(FarmExecutor e, int id, Class<?> main, Map<String, String> extraProps) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    cmd.addAll(List.of(MpiRun.FAST_JVM_OPTS.split(" ")));
    e.workerProperties(id).forEach((k, v) -> cmd.add("-D" + k + "=" + v));
    extraProps.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
    cmd.addAll(List.of("-cp", MpiRun.absoluteClassPath(), main.getName()));
    return new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(ProcessBuilder.Redirect.INHERIT).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }
}
