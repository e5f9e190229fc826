package org.jmswk.mpi;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.jmswk.testkit.Checks;

/**
 * Mswk exchanges between two MPI jobs (two mpiruns joined by an ompi-server), which go over a
 * link instead of an intercommunicator: run once as {@code acceptor PORTFILE} and once as
 * {@code connector PORTFILE}. The connector sends tags 5 and 7, a 16 MiB message and a 100-byte
 * one; the acceptor receives 7 before 5, then any tag, checks the big one byte for byte and
 * receives the last into 10 bytes (truncation). Then the connector connects again and kills
 * itself while the acceptor waits in a receive, which must fail with the peer-dead exception.
 */
public final class LinkProgram {
  private LinkProgram() {}

  static final int BIG = 16 << 20;

  public static void main(String[] args) throws Exception {
    MPI.init();
    Mswk.start();
    Checks c = new Checks(args[0]);
    try {
      if (args[0].equals("acceptor")) acceptor(c, Path.of(args[1]));
      else connector(c, Path.of(args[1]));
    } catch (Throwable t) {
      c.unexpected(args[0], t);
    }
    Mswk.stop();
    MPI.finish();
    System.exit(c.exitCode());
  }

  static byte[] big() {
    byte[] b = new byte[BIG];
    for (int i = 0; i < b.length; i++) b[i] = (byte) (i * 31 + 7);
    return b;
  }

  static void acceptor(Checks c, Path portFile) throws Exception {
    String port = MPI.openPort(null);
    Files.writeString(portFile, port);
    try (Info info = Info.create().set("jmswk_timeout_ms", "60000")) {
      Comm comm = Mswk.accept(port, info, 0, MPI.COMM_SELF);
      byte[] buf = new byte[64];
      Status s7 = Mswk.recv(comm, buf, buf.length, Datatype.BYTE, 0, 7);
      c.equal("recv-tag-7-first", "seven", new String(buf, 0, s7.count(), StandardCharsets.UTF_8));
      Status any = Mswk.recv(comm, buf, buf.length, Datatype.BYTE, MPI.ANY_SOURCE, MPI.ANY_TAG);
      c.equal("recv-any-tag-gets-5", 5, any.tag());
      c.equal("recv-any-tag-body", "five", new String(buf, 0, any.count(), StandardCharsets.UTF_8));
      byte[] got = new byte[BIG];
      Status sb = Mswk.recv(comm, got, BIG, Datatype.BYTE, 0, 9);
      c.equal("recv-16-MiB-count", BIG, sb.count());
      c.check("recv-16-MiB-bytes", Arrays.equals(big(), got), "the bytes differ");
      c.mpiError("recv-truncated", ErrorClass.ERR_TRUNCATE,
          () -> Mswk.recv(comm, new byte[10], 10, Datatype.BYTE, 0, 11));
      Mswk.send(comm, new int[] {42}, 1, Datatype.INT, 0, 12);
      c.run("disconnect", () -> Mswk.disconnect(comm));

      Comm again = Mswk.accept(port, info, 0, MPI.COMM_SELF);
      long t0 = System.nanoTime();
      c.expectThrows("recv-from-killed-peer-fails", PeerFailedException.class,
          () -> Mswk.recv(again, new int[1], 1, Datatype.INT, 0, 13));
      Checks.say("LATENCY killed-peer " + (System.nanoTime() - t0) / 1_000_000);
      c.expectThrows("disconnect-from-killed-peer-fails", PeerFailedException.class, () -> Mswk.disconnect(again));
    }
    MPI.closePort(port);
  }

  static void connector(Checks c, Path portFile) throws Exception {
    long until = System.nanoTime() + 60_000_000_000L;
    while (!Files.exists(portFile) || Files.size(portFile) == 0) {
      if (System.nanoTime() > until) throw new IllegalStateException("no port in " + portFile);
      Thread.sleep(50);
    }
    String port = Files.readString(portFile).strip();
    Comm comm = Mswk.connect(port, null, 0, MPI.COMM_SELF);
    Mswk.send(comm, "five".getBytes(StandardCharsets.UTF_8), 4, Datatype.BYTE, 0, 5);
    Mswk.send(comm, "seven".getBytes(StandardCharsets.UTF_8), 5, Datatype.BYTE, 0, 7);
    Mswk.send(comm, big(), BIG, Datatype.BYTE, 0, 9);
    Mswk.send(comm, new byte[100], 100, Datatype.BYTE, 0, 11);
    int[] answer = new int[1];
    Mswk.recv(comm, answer, 1, Datatype.INT, 0, 12);
    c.equal("reply", 42, answer[0]);
    c.run("disconnect", () -> Mswk.disconnect(comm));
    Mswk.connect(port, null, 0, MPI.COMM_SELF);
    c.exitCode(); // the summary of the checks so far: this process ends by SIGKILL, not by exit
    Checks.say("connector: killing itself inside the second exchange");
    new ProcessBuilder("kill", "-9", Long.toString(ProcessHandle.current().pid())).start().waitFor();
    Thread.sleep(60_000);
  }
}
