package org.jmswk.mpi;

import java.nio.charset.StandardCharsets;
import org.jmswk.testkit.Checks;

/**
 * Spawned by {@link SpawnProgram}. Sends the parent a report (rank, size, appnum, cwd, argv,
 * thread level). With first argument {@code connect}, it then receives a port name from the
 * parent, disconnects, connects to that port with all children and answers one request.
 */
public final class SpawnChild {
  private SpawnChild() {}

  static final int TAG_REPORT = 1;
  static final int TAG_PORT = 2;
  static final int TAG_PING = 3;
  static final int TAG_PONG = 4;
  static final char SEP = '\u001f';

  public static void main(String[] args) {
    ThreadLevel level = MPI.init();
    Comm world = MPI.COMM_WORLD;
    int rank = world.rank();
    Checks c = new Checks("child" + rank + "-" + (args.length > 1 ? args[1] : "?"));
    try {
      Comm parent = MPI.parent();
      if (parent.isNull()) throw new IllegalStateException("not spawned");
      String report = "rank=" + rank + SEP + "size=" + world.size() + SEP + "appnum=" + MPI.appnum().orElse(-1)
          + SEP + "cwd=" + System.getProperty("user.dir") + SEP + "level=" + level + SEP + "inter="
          + parent.isInter() + SEP + "parentSize=" + parent.remoteSize() + SEP + "argv=" + String.join(
              String.valueOf(SEP), args);
      sendString(parent, report, 0, TAG_REPORT);
      if (args.length > 0 && args[0].equals("connect")) {
        String port = recvString(parent, 0, TAG_PORT);
        parent.disconnect();
        Comm master = world.connect(port, null, 0);
        c.equal("connected-remote-size", 1, master.remoteSize());
        int[] ping = new int[1];
        master.recv(ping, 1, Datatype.INT, 0, TAG_PING);
        master.send(new int[] {ping[0] + 1}, 1, Datatype.INT, 0, TAG_PONG);
        master.disconnect();
        c.check("disconnected", master.isNull(), master);
      } else {
        parent.disconnect();
      }
    } catch (Throwable t) {
      c.unexpected("child", t);
    }
    MPI.finish();
    System.exit(c.exitCode());
  }

  static void sendString(Comm comm, String text, int dest, int tag) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    comm.send(bytes, bytes.length, Datatype.BYTE, dest, tag);
  }

  static String recvString(Comm comm, int source, int tag) {
    Status st = comm.probe(source, tag);
    byte[] bytes = new byte[st.count()];
    comm.recv(bytes, bytes.length, Datatype.BYTE, st.source(), st.tag());
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
