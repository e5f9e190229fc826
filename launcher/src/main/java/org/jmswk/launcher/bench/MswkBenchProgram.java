package org.jmswk.launcher.bench;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jmswk.mpi.Comm;
import org.jmswk.mpi.Datatype;
import org.jmswk.mpi.MPI;
import org.jmswk.mpi.Mswk;
import org.jmswk.mpi.PeerFailedException;
import org.jmswk.runtime.JavaCommand;
import org.jmswk.runtime.LauncherEnvironment;

/**
 * The Java side of {@code jmswk bench mswk}, mirroring native/test/mswk_ft.c: started with
 * {@code mpirun -np 1} it is the master, spawned it is a worker. Modes: {@code exchange N}
 * (median of N connect + send + recv + disconnect exchanges) and {@code kill R} (R rounds of
 * each kill case: the time from SIGKILL to the master's call failing). {@code across N URI}:
 * the same N exchanges with a worker of another MPI job (an mpirun of its own joined through the
 * ompi-server whose URI file is given, as TaskFarm's failure domains are; started here as
 * {@code across-worker MASTER_PORT}): figure "across-link", or "across-mpi" under
 * JMSWK_MSWK_LINK=0 (an Open MPI intercommunicator between the jobs).
 * Prints "MEDIAN name ms".
 */
public final class MswkBenchProgram {
  static final int ECHO = 0, HANG = 1, QUIT = 2, LATER = 3;

  private MswkBenchProgram() {}

  public static void main(String[] args) throws Exception {
    MPI.init();
    Mswk.start();
    Comm parent = MPI.parent();
    if (!parent.isNull()) {
      worker(parent);
    } else if (args[0].equals("across-worker")) {
      serve(args[1], MPI.openPort(null));
    } else if (args[0].equals("exchange")) {
      exchangeBench(Integer.parseInt(args[1]));
    } else if (args[0].equals("across")) {
      acrossBench(Integer.parseInt(args[1]), args[2]);
    } else {
      killBench(Integer.parseInt(args[1]));
    }
    Mswk.stop();
    MPI.finish();
  }

  // ---- worker: the mirror of the master below ----------------------------------------

  static void worker(Comm parent) {
    String myPort = MPI.openPort(null);
    byte[] buf = new byte[MPI.MAX_PORT_NAME + 1];
    int n = parent.recv(buf, buf.length, Datatype.BYTE, 0, 0).count();
    String masterPort = new String(buf, 0, n);
    parent.send(new long[] {ProcessHandle.current().pid()}, 1, Datatype.LONG, 0, 2);
    parent.disconnect();
    serve(masterPort, myPort);
  }

  /** Tells the master its port, then serves its exchanges until told to quit. */
  static void serve(String masterPort, String myPort) {
    Comm c = Mswk.connect(masterPort, null, 0, MPI.COMM_SELF);
    byte[] p = myPort.getBytes();
    Mswk.send(c, p, p.length, Datatype.BYTE, 0, 0);
    Mswk.disconnect(c);
    int[] msg = new int[2];
    while (true) {
      c = Mswk.accept(myPort, null, 0, MPI.COMM_SELF);
      Mswk.recv(c, msg, 2, Datatype.INT, 0, 0);
      switch (msg[0]) {
        case ECHO -> {
          Mswk.send(c, new int[] {msg[1] + 1}, 1, Datatype.INT, 0, 0);
          Mswk.disconnect(c);
        }
        case HANG -> {
          while (true) sleep(1000);
        }
        case LATER -> {
          Mswk.disconnect(c);
          sleep(msg[1]);
          Comm back = Mswk.connect(masterPort, null, 0, MPI.COMM_SELF);
          Mswk.send(back, new int[] {42}, 1, Datatype.INT, 0, 0);
          Mswk.disconnect(back);
        }
        default -> {
          Mswk.disconnect(c);
          MPI.closePort(myPort);
          return;
        }
      }
    }
  }

  // ---- master ----------------------------------------------------------------------

  record Worker(String masterPort, String port, long pid) {}

  static Worker startWorker() {
    String masterPort = MPI.openPort(null);
    Comm inter = MPI.COMM_SELF.spawn(JavaCommand.executable(), JavaCommand.arguments(MswkBenchProgram.class),
        1, null, 0).intercomm();
    byte[] mp = masterPort.getBytes();
    inter.send(mp, mp.length, Datatype.BYTE, 0, 0);
    long[] pid = new long[1];
    inter.recv(pid, 1, Datatype.LONG, 0, 2);
    inter.disconnect();
    return new Worker(masterPort, workerPort(masterPort), pid[0]);
  }

  /** The port a starting worker sends in its first exchange. */
  static String workerPort(String masterPort) {
    Comm c = Mswk.accept(masterPort, null, 0, MPI.COMM_SELF);
    byte[] buf = new byte[MPI.MAX_PORT_NAME + 1];
    int n = Mswk.recv(c, buf, buf.length, Datatype.BYTE, 0, 0).count();
    Mswk.disconnect(c);
    return new String(buf, 0, n);
  }

  static void exchange(Worker w, int cmd, int arg, boolean reply) {
    Comm c = Mswk.connect(w.port(), null, 0, MPI.COMM_SELF);
    try {
      Mswk.send(c, new int[] {cmd, arg}, 2, Datatype.INT, 0, 0);
      if (reply) {
        int[] r = new int[1];
        Mswk.recv(c, r, 1, Datatype.INT, 0, 0);
        if (r[0] != arg + 1) throw new IllegalStateException("echo " + r[0] + " for " + arg);
      }
    } finally {
      Mswk.disconnect(c);
    }
  }

  static void exchangeBench(int n) {
    timeExchanges(startWorker(), n, "exchange");
  }

  /** The worker is an mpirun of its own, joined through the ompi-server of {@code serverUri}. */
  static void acrossBench(int n, String serverUri) throws IOException, InterruptedException {
    String masterPort = MPI.openPort(null);
    List<String> command = new ArrayList<>(List.of("mpirun", "--ompi-server", "file:" + serverUri, "-np", "1"));
    command.addAll(LocalMpirun.LOOPBACK_ONLY);
    command.add(JavaCommand.executable());
    command.addAll(List.of(JavaCommand.arguments(MswkBenchProgram.class, "across-worker", masterPort)));
    ProcessBuilder pb = new ProcessBuilder(command).inheritIO()
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().clear();
    pb.environment().putAll(LauncherEnvironment.withoutLauncherVariables()); // not a process of this mpirun's job
    Process worker = pb.start();
    try {
      boolean link = !"0".equals(System.getenv("JMSWK_MSWK_LINK"));
      timeExchanges(new Worker(masterPort, workerPort(masterPort), worker.pid()), n, link ? "across-link" : "across-mpi");
      if (!worker.waitFor(60, TimeUnit.SECONDS)) throw new IllegalStateException("the worker's mpirun did not end");
    } finally {
      worker.destroyForcibly();
    }
  }

  static void timeExchanges(Worker w, int n, String figure) {
    for (int i = 0; i < 200; i++) exchange(w, ECHO, i, true); // past the JIT's recompilation
    double[] ms = new double[n];
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      exchange(w, ECHO, i, true);
      ms[i] = (System.nanoTime() - t0) / 1e6;
    }
    exchange(w, QUIT, 0, false);
    MPI.closePort(w.masterPort());
    System.out.printf("MEDIAN %s %.3f ms (n=%d)%n", figure, median(ms), n);
  }

  static void killBench(int rounds) throws IOException, InterruptedException {
    for (String kase : new String[] {"kill-idle", "kill-recv", "kill-accept"}) {
      double[] ms = new double[rounds];
      for (int i = 0; i < rounds; i++) {
        Worker w = startWorker();
        exchange(w, ECHO, 1, true);
        long[] killedAt = new long[1];
        Thread killer = null;
        long failedAt;
        switch (kase) {
          case "kill-idle" -> {
            killedAt[0] = kill(w.pid());
            failedAt = fails(() -> exchange(w, ECHO, 2, true));
          }
          case "kill-recv" -> {
            Comm c = Mswk.connect(w.port(), null, 0, MPI.COMM_SELF);
            Mswk.send(c, new int[] {HANG, 0}, 2, Datatype.INT, 0, 0);
            killer = killLater(w.pid(), 300, killedAt);
            failedAt = fails(() -> Mswk.recv(c, new int[1], 1, Datatype.INT, 0, 0));
            disconnectQuietly(c);
          }
          default -> {
            exchange(w, LATER, 5000, false);
            killer = killLater(w.pid(), 300, killedAt);
            failedAt = fails(() -> Mswk.disconnect(Mswk.accept(w.masterPort(), null, 0, MPI.COMM_SELF)));
          }
        }
        if (killer != null) killer.join();
        ms[i] = (failedAt - killedAt[0]) / 1e6;
        MPI.closePort(w.masterPort());
      }
      System.out.printf("MEDIAN %s %.3f ms (n=%d)%n", kase, median(ms), rounds);
    }
  }

  /** Runs {@code call}, which must fail for a dead peer; returns when it did (nanoTime). */
  static long fails(Runnable call) {
    try {
      call.run();
    } catch (PeerFailedException e) {
      return System.nanoTime();
    }
    throw new IllegalStateException("the call did not report the dead worker");
  }

  static void disconnectQuietly(Comm c) {
    try {
      Mswk.disconnect(c);
    } catch (PeerFailedException ignored) {
      // already known dead
    }
  }

  private static final java.lang.invoke.MethodHandle KILL;

  static {
    var linker = java.lang.foreign.Linker.nativeLinker();
    KILL = linker.downcallHandle(linker.defaultLookup().find("kill").orElseThrow(),
        java.lang.foreign.FunctionDescriptor.of(java.lang.foreign.ValueLayout.JAVA_INT,
            java.lang.foreign.ValueLayout.JAVA_INT, java.lang.foreign.ValueLayout.JAVA_INT));
  }

  /** SIGKILL through kill(2), as the C side does, so both time the same moment. */
  static long kill(long pid) throws IOException, InterruptedException {
    long t = System.nanoTime();
    try {
      int rc = (int) KILL.invokeExact((int) pid, 9);
      if (rc != 0) throw new IOException("kill(" + pid + ") failed");
    } catch (IOException e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
    return t;
  }

  static Thread killLater(long pid, long delayMs, long[] killedAt) {
    return Thread.ofPlatform().start(() -> {
      sleep(delayMs);
      try {
        killedAt[0] = kill(pid);
      } catch (IOException | InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }
}
