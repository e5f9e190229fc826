package org.jmswk.examples.aexe;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jmswk.examples.agent.ResultServer;
import org.jmswk.runtime.JavaCommand;

/**
 * The master of the direct-launch example (SPEC 2.3): starts one worker on each node (1) ..
 * (N-1) of a 1-D node shape with a single {@code jmswk aexe --vcoordfile} call (the master's own
 * node is the origin), then gathers the results the workers send back over TCP; each worker's
 * task is its rank (JMSWK_VPID). Every wait is bounded.
 *
 * <p>Usage: {@code AexeMaster --bind ADDR --nodes N --worker PATH [--timeout S]}
 */
public final class AexeMaster {
  private AexeMaster() {}

  public static void main(String[] args) throws Exception {
    String bind = "127.0.0.1";
    String worker = null;
    int nodes = 0;
    int timeout = 20;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--bind" -> bind = args[i + 1];
        case "--worker" -> worker = args[i + 1];
        case "--nodes" -> nodes = Integer.parseInt(args[i + 1]);
        case "--timeout" -> timeout = Integer.parseInt(args[i + 1]);
        default -> {
          System.err.println("master: unknown argument " + args[i]);
          System.exit(2);
        }
      }
    }
    if (worker == null || nodes < 2) {
      System.err.println("usage: AexeMaster --bind ADDR --nodes N (>= 2) --worker PATH [--timeout S]");
      System.exit(2);
    }
    System.exit(run(bind, nodes, worker, timeout));
  }

  static int run(String bind, int nodes, String worker, int timeout) throws Exception {
    try (ResultServer results = new ResultServer(bind)) {
      Path coords = Files.createTempFile("vcoords-", ".txt");
      StringBuilder lines = new StringBuilder();
      for (int x = 1; x < nodes; x++) lines.append('(').append(x).append(")\n");
      Files.writeString(coords, lines);
      // jmswk aexe, from this JVM's own installation (an argument vector, no shell)
      List<String> cmd = new ArrayList<>(List.of(JavaCommand.executable(), "--enable-native-access=ALL-UNNAMED", "-cp",
          System.getProperty("java.class.path"), "org.jmswk.launcher.Jmswk", "aexe", "--vcoordfile", coords.toString(),
          "--shape", Integer.toString(nodes), "--timeout", Integer.toString(timeout),
          "--env", "JMSWK_RESULT_TOKEN=" + results.token(), "--", worker, bind, Integer.toString(results.port())));
      Process aexe = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
      String out = new String(aexe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!aexe.waitFor(timeout + 30L, TimeUnit.SECONDS)) {
        aexe.destroyForcibly();
        System.out.println("master: jmswk aexe did not return");
        return 1;
      }
      Files.deleteIfExists(coords);
      if (!out.isBlank()) System.out.print(out.lines().map(l -> "  aexe| " + l + "\n").reduce("", String::concat));
      System.out.println("master: jmswk aexe returned " + aexe.exitValue() + " for " + (nodes - 1) + " workers");
      results.await(nodes - 1, Duration.ofSeconds(timeout));
      int good = 0;
      for (int rank = 1; rank < nodes; rank++) {
        ResultServer.Result r = results.results().get(rank);
        boolean right = r != null && r.value() == (long) rank * rank;
        if (right) good++;
        System.out.printf("worker vpid %d: %s%n", rank, r == null ? "no result" : "result " + r.value() + " from " + r.host());
      }
      System.out.printf("master: %d of %d workers delivered the right result%n", good, nodes - 1);
      return good == nodes - 1 && aexe.exitValue() == 0 ? 0 : 1;
    }
  }
}
