package org.jmswk.mpi;

import static org.jmswk.mpi.SpawnChild.SEP;
import static org.jmswk.mpi.SpawnChild.TAG_PING;
import static org.jmswk.mpi.SpawnChild.TAG_PONG;
import static org.jmswk.mpi.SpawnChild.TAG_PORT;
import static org.jmswk.mpi.SpawnChild.TAG_REPORT;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jmswk.runtime.JavaCommand;
import org.jmswk.testkit.Checks;

/**
 * Run with 1 rank and at least 6 slots. MPI_THREAD_SINGLE asked and provided; a connect to a
 * bogus port name fails with an exception; spawn of 2 Java children with argv and an Info
 * (wdir, host) followed by open_port/accept with the children connecting; spawn_multiple of two
 * commands with different argv (appnum, remote size).
 */
public final class SpawnProgram {
  private SpawnProgram() {}

  static final String[] ARGS_A = {"connect", "A", "two words", "tab\there \"quoted\" $HOME *"};

  public static void main(String[] args) {
    ThreadLevel level = MPI.init(ThreadLevel.SINGLE);
    Checks c = new Checks("master");
    try {
      c.equal("thread-level-single", ThreadLevel.SINGLE, level);
      c.equal("query-thread-single", ThreadLevel.SINGLE, MPI.queryThread());
      c.equal("universe-size", java.util.OptionalInt.of(Integer.parseInt(args[0])), MPI.universeSize());
      c.equal("master-appnum", java.util.OptionalInt.of(0), MPI.appnum());
      bogusPort(c);
      spawnWithInfoAndPort(c);
      spawnMultiple(c);
    } catch (Throwable t) {
      c.unexpected("master", t);
    }
    MPI.finish();
    System.exit(c.exitCode());
  }

  static void bogusPort(Checks c) {
    long t0 = System.nanoTime();
    try {
      Comm comm = MPI.COMM_SELF.connect("no-such-port-name", null, 0);
      c.check("connect-bogus-port", false, "connected to a bogus port: " + comm);
    } catch (MPIException e) {
      // Open MPI 4.1 reports MPI_ERR_INTERN here; MPI_ERR_PORT would be as good
      c.check("connect-bogus-port", e.getErrorClass() == ErrorClass.ERR_INTERN
          || e.getErrorClass() == ErrorClass.ERR_PORT, e);
      Checks.say("INFO connect to a bogus port: " + e.getErrorClass() + " after "
          + (System.nanoTime() - t0) / 1_000_000 + " ms");
    }
  }

  static void spawnWithInfoAndPort(Checks c) throws Exception {
    Path wdir = Files.createTempDirectory("jmswk-wdir-").toRealPath();
    String[] argv = JavaCommand.arguments(SpawnChild.class, ARGS_A);
    SpawnResult r;
    try (Info info = Info.create().set("wdir", wdir.toString()).set("host", "localhost")) {
      r = MPI.COMM_SELF.spawn(JavaCommand.executable(), argv, 2, info, 0);
    }
    Comm children = r.intercomm();
    c.equal("spawn-errcodes", new int[] {0, 0}, r.errorCodes());
    c.equal("spawn-started", 2, r.started());
    c.check("spawn-intercomm", children.isInter() && children.remoteSize() == 2 && children.size() == 1,
        children);
    for (int rank = 0; rank < 2; rank++) {
      Map<String, String> rep = report(SpawnChild.recvString(children, rank, TAG_REPORT));
      String p = "spawn-child" + rank + "-";
      c.equal(p + "rank", String.valueOf(rank), rep.get("rank"));
      c.equal(p + "size", "2", rep.get("size"));
      c.equal(p + "appnum", "0", rep.get("appnum"));
      c.equal(p + "wdir", wdir.toString(), rep.get("cwd"));
      c.equal(p + "argv", List.of(ARGS_A), List.of(rep.get("argv").split(String.valueOf(SEP), -1)));
      c.equal(p + "default-thread-level", "FUNNELED", rep.get("level"));
      c.check(p + "parent", "true".equals(rep.get("inter")) && "1".equals(rep.get("parentSize")), rep);
    }
    String port = MPI.openPort(null);
    c.check("open-port", port != null && !port.isBlank(), port);
    for (int rank = 0; rank < 2; rank++) SpawnChild.sendString(children, port, rank, TAG_PORT);
    children.disconnect();
    c.check("disconnect-children", children.isNull(), children);

    Comm accepted = MPI.COMM_SELF.accept(port, null, 0);
    c.check("accept", accepted.isInter() && accepted.remoteSize() == 2, accepted);
    for (int rank = 0; rank < 2; rank++) {
      accepted.send(new int[] {100 * (rank + 1)}, 1, Datatype.INT, rank, TAG_PING);
      int[] pong = new int[1];
      Status st = accepted.recv(pong, 1, Datatype.INT, rank, TAG_PONG);
      c.check("accepted-exchange-" + rank, pong[0] == 100 * (rank + 1) + 1 && st.source() == rank,
          Arrays.toString(pong) + " " + st);
    }
    accepted.disconnect();
    c.check("disconnect-accepted", accepted.isNull(), accepted);
    MPI.closePort(port);
    Files.deleteIfExists(wdir);
  }

  static void spawnMultiple(Checks c) {
    String java = JavaCommand.executable();
    String[][] argvs = {
      JavaCommand.arguments(SpawnChild.class, "report", "first"),
      JavaCommand.arguments(SpawnChild.class, "report", "second", "--extra"),
    };
    SpawnResult r;
    try (Info host = Info.create().set("host", "localhost")) {
      r = MPI.COMM_SELF.spawnMultiple(new String[] {java, java}, argvs, new int[] {1, 2},
          new Info[] {host, null}, 0);
    }
    Comm children = r.intercomm();
    c.equal("multiple-errcodes", new int[] {0, 0, 0}, r.errorCodes());
    c.equal("multiple-remote-size", 3, children.remoteSize());
    for (int rank = 0; rank < 3; rank++) {
      Map<String, String> rep = report(SpawnChild.recvString(children, rank, TAG_REPORT));
      String p = "multiple-child" + rank + "-";
      c.equal(p + "size", "3", rep.get("size"));
      c.equal(p + "appnum", rank == 0 ? "0" : "1", rep.get("appnum"));
      c.equal(p + "argv", rank == 0 ? List.of("report", "first") : List.of("report", "second", "--extra"),
          List.of(rep.get("argv").split(String.valueOf(SEP), -1)));
    }
    children.disconnect();
    c.check("multiple-disconnect", children.isNull(), children);
  }

  static Map<String, String> report(String text) {
    Map<String, String> m = new HashMap<>();
    String[] parts = text.split(String.valueOf(SEP), -1);
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i];
      int eq = part.indexOf('=');
      String key = part.substring(0, eq);
      if (key.equals("argv")) { // the rest, argv joined with SEP
        m.put(key, String.join(String.valueOf(SEP), Arrays.copyOfRange(parts, i, parts.length)).substring(5));
        break;
      }
      m.put(key, part.substring(eq + 1));
    }
    return m;
  }
}
