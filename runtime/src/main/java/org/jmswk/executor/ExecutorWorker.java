package org.jmswk.executor;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import org.jmswk.agent.AgentSettings;
import org.jmswk.agent.Handshake;
import org.jmswk.agent.JobSecret;
import org.jmswk.farm.TaskWorker;
import org.jmswk.mpi.Comm;
import org.jmswk.mpi.MPI;

/**
 * The worker side of a {@link FarmExecutor}, its mirror: connect back to the master, then run
 * tasks with one {@link TaskHandler} until told to stop. A reader thread takes batches off the
 * connection while the handler runs (so the next tasks are already here when one ends), results
 * go back in batches (whatever is done while more is queued, flushed at once when the queue runs
 * dry or after {@link #FLUSH_NANOS}), and a heartbeat thread keeps the master informed while a
 * long task runs. A worker whose master falls silent past the liveness bound, or whose connection
 * ends, exits by itself (status 75).
 *
 * <pre>
 *   public static void main(String[] args) {
 *     ExecutorWorker.serve(input -> compute(input));
 *   }
 * </pre>
 */
public final class ExecutorWorker {
  /** A result waits at most this long for others to share its frame. */
  static final long FLUSH_NANOS = 1_000_000;
  static final int FLUSH_BYTES = 1 << 20;
  /** Exit status of a worker that lost its master. */
  public static final int MASTER_LOST = 75;

  private record Work(long id, byte[][] inputs) {}

  private static final Work STOP = new Work(-1, null);

  private final DataInputStream in;
  private final DataOutputStream out;
  private final SocketChannel channel;
  private final long deadNanos;
  private final long heartbeatNanos;
  private final int maxFrame;
  private final int maxElement;
  private final LinkedBlockingQueue<Work> queue = new LinkedBlockingQueue<>();
  private volatile long lastHeard = System.nanoTime();
  private volatile long lastWritten = System.nanoTime();
  private final Object writeLock = new Object();
  /** One of many simulated workers in one JVM: virtual threads, and a lost master ends only this worker. */
  private boolean simulated;
  private volatile boolean ended;

  private ExecutorWorker(SocketChannel channel, DataInputStream in, Handshake.Peer peer) {
    this.channel = channel;
    this.in = in;
    this.out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16));
    this.deadNanos = peer.deadAfter().toNanos();
    this.heartbeatNanos = peer.heartbeat().toNanos();
    this.maxFrame = Integer.parseInt(peer.info().getOrDefault("max_frame", Integer.toString(Wire.maxFrame(64 << 20))));
    this.maxElement = maxFrame;
  }

  /** Connects to the master named by this JVM's system properties and serves until told to stop. */
  public static void serve(TaskHandler handler) {
    boolean mpi = Boolean.getBoolean(FarmExecutor.MPI_WORKER);
    // the master's time-limit warning: Open MPI forwards it to spawned workers too, and a JVM
    // that does not handle it ends; the master stops handing out tasks, the worker carries on
    String warning = System.getenv(TimeLimit.SIGNAL);
    if (warning != null && !warning.isBlank()) TimeLimit.onSignal(TimeLimit.signalName(warning), () -> {});
    if (mpi) {
      TaskWorker.exitWithLauncher();
      MPI.initWorker();
      // Spawned: the spawn intercommunicator is freed at once, as the vendor's pattern does;
      // from here on only the executor's own connection is used.
      Comm parent = MPI.parent();
      if (!parent.isNull()) parent.free();
    }
    int status;
    try {
      ExecutorWorker w = connect(System.getProperties().entrySet().stream()
          .collect(java.util.stream.Collectors.toMap(e -> e.getKey().toString(), e -> e.getValue().toString())));
      status = w.run(handler);
    } catch (IOException | RuntimeException e) {
      System.err.println("worker: cannot serve its master: " + e.getMessage());
      status = MASTER_LOST;
    }
    if (mpi) {
      MPI.statusIfShutdownStuck(status);
      MPI.finish();
    }
    System.exit(status);
  }

  /** Connects as the worker the properties describe (see {@link FarmExecutor#workerProperties}). */
  static ExecutorWorker connect(Map<String, String> props) throws IOException {
    String endpoints = props.get(FarmExecutor.ENDPOINTS);
    if (endpoints == null) {
      throw new IllegalStateException("not started by a FarmExecutor (no -D" + FarmExecutor.ENDPOINTS + ")");
    }
    String secretFile = props.get(FarmExecutor.SECRET_FILE);
    byte[] secret = secretFile != null ? JobSecret.read(Path.of(secretFile)) : JobSecret.load();
    boolean sameHost = FarmExecutor.hostName().equals(props.get(FarmExecutor.MASTER_HOST));
    SocketChannel ch = null;
    IOException failure = null;
    for (String ep : endpoints.split(",")) {
      try {
        if (ep.startsWith("unix:")) {
          Path sock = Path.of(ep.substring(5));
          if (!sameHost || !Files.exists(sock)) continue;
          ch = SocketChannel.open(StandardProtocolFamily.UNIX);
          ch.connect(UnixDomainSocketAddress.of(sock));
        } else if (ep.startsWith("tcp:")) {
          String hp = ep.substring(4);
          int colon = hp.lastIndexOf(':');
          ch = SocketChannel.open(new InetSocketAddress(hp.substring(0, colon), Integer.parseInt(hp.substring(colon + 1))));
          ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        }
        if (ch != null) break;
      } catch (IOException e) {
        failure = e;
        ch = null;
      }
    }
    if (ch == null) throw new IOException("cannot reach the master at " + endpoints + (failure == null ? "" : ": " + failure.getMessage()));
    DataInputStream in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(ch), 1 << 16));
    Map<String, String> info = new java.util.HashMap<>(Map.of("worker", props.getOrDefault(FarmExecutor.WORKER_ID, "-1"),
        "pid", Long.toString(ProcessHandle.current().pid()), "host", FarmExecutor.hostName()));
    String node = props.get(FarmExecutor.NODE);
    if (node != null && !node.isBlank()) info.put("node", node.strip());
    Handshake.Peer peer = Handshake.connect(in, Channels.newOutputStream(ch), ch, secret, Handshake.ROLE_FARM_WORKER,
        AgentSettings.defaults(), info);
    return new ExecutorWorker(ch, in, peer);
  }

  /**
   * A simulated worker for scale measurements: connects with {@code props} (see
   * {@link FarmExecutor#workerProperties}) and serves with {@code handler} on virtual threads
   * until stopped or its master is lost; returns the status {@link #serve} would exit with.
   */
  public static int simulate(Map<String, String> props, TaskHandler handler, java.util.concurrent.Semaphore connecting)
      throws IOException, InterruptedException {
    ExecutorWorker w;
    connecting.acquire(); // thousands of handshakes at once would run past the handshake bound
    try {
      w = connect(props);
    } finally {
      connecting.release();
    }
    w.simulated = true;
    return w.run(handler);
  }

  /** Serves until STOP (returns 0) or until the master is lost (returns {@link #MASTER_LOST}). */
  int run(TaskHandler handler) {
    Thread.Builder threads = simulated ? Thread.ofVirtual() : Thread.ofPlatform().daemon();
    threads.name("jmswk-worker-read").start(this::read);
    threads.name("jmswk-worker-heartbeat").start(this::heartbeat);
    ByteArrayOutputStream batch = new ByteArrayOutputStream(1 << 16);
    DataOutputStream results = new DataOutputStream(batch);
    int count = 0;
    long firstDone = 0;
    try {
      while (true) {
        Work w = count == 0 ? queue.take() : queue.poll();
        if (w == null || w == STOP) {
          if (count > 0) {
            flush(batch, count);
            count = 0;
          }
          if (w == STOP) {
            ended = true;
            return channel.isOpen() ? 0 : MASTER_LOST;
          }
          continue;
        }
        long start = System.nanoTime();
        int elements = w.inputs.length;
        ByteArrayOutputStream taskOut = new ByteArrayOutputStream();
        DataOutputStream t = new DataOutputStream(taskOut);
        for (byte[] input : w.inputs) {
          byte[] output;
          byte status = Wire.OK;
          try {
            output = handler.handle(input);
            if (output == null) output = new byte[0];
            if (output.length > maxElement) {
              throw new IllegalStateException("a result of " + output.length + " bytes is over the limit of " + maxElement);
            }
          } catch (Throwable e) {
            status = Wire.ERROR;
            output = describe(e);
          }
          t.writeByte(status);
          t.writeInt(output.length);
          t.write(output);
        }
        results.writeLong(w.id);
        results.writeLong(System.nanoTime() - start);
        results.writeInt(elements);
        taskOut.writeTo(results);
        if (count++ == 0) firstDone = System.nanoTime();
        if (queue.isEmpty() || batch.size() >= FLUSH_BYTES || count >= Scheduler.MAX_BATCH
            || System.nanoTime() - firstDone > FLUSH_NANOS) {
          flush(batch, count);
          count = 0;
        }
      }
    } catch (IOException e) {
      System.err.println("worker: its master is gone (" + e.getMessage() + "); exiting");
      return MASTER_LOST;
    } catch (InterruptedException e) {
      return MASTER_LOST;
    }
  }

  private void flush(ByteArrayOutputStream batch, int count) throws IOException {
    synchronized (writeLock) {
      out.writeInt(1 + 4 + batch.size());
      out.writeByte(Wire.RESULTS);
      out.writeInt(count);
      batch.writeTo(out);
      out.flush();
      lastWritten = System.nanoTime();
    }
    batch.reset();
  }

  private static byte[] describe(Throwable e) {
    StringWriter trace = new StringWriter();
    e.printStackTrace(new PrintWriter(trace));
    String msg = e.getMessage() == null ? "" : e.getMessage();
    return (e.getClass().getName() + "\0" + msg.replace('\0', ' ') + "\0" + trace).getBytes(StandardCharsets.UTF_8);
  }

  private void read() {
    int[] length = new int[1];
    try {
      while (true) {
        byte type = Wire.readHeader(in, maxFrame, length);
        lastHeard = System.nanoTime();
        switch (type) {
          case Wire.HEARTBEAT -> { }
          case Wire.STOP -> {
            queue.add(STOP);
            return;
          }
          case Wire.RECALL -> handBack();
          case Wire.TASKS -> {
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
              long id = in.readLong();
              int elements = in.readInt();
              if (elements < 0 || elements > MapJob.MAX_CHUNK) throw new IOException("a task of " + elements + " elements");
              byte[][] inputs = new byte[elements][];
              for (int k = 0; k < elements; k++) inputs[k] = Wire.readBytes(in, maxElement);
              queue.add(new Work(id, inputs));
            }
          }
          default -> throw new IOException("unexpected frame type " + type);
        }
      }
    } catch (IOException e) {
      masterLost("its connection to the master ended (" + e.getMessage() + ")");
    }
  }

  /**
   * The master drains this worker: every task it holds but has not started goes back, named in
   * one RETURNED frame (the one running finishes). Taken off the queue first, so none of them
   * can start afterwards: each task is either run here or handed back, never both.
   */
  private void handBack() throws IOException {
    List<Work> waiting = new ArrayList<>();
    queue.drainTo(waiting);
    boolean stop = waiting.remove(STOP);
    synchronized (writeLock) {
      out.writeInt(1 + 4 + 8 * waiting.size());
      out.writeByte(Wire.RETURNED);
      out.writeInt(waiting.size());
      for (Work w : waiting) out.writeLong(w.id);
      out.flush();
      lastWritten = System.nanoTime();
    }
    if (stop) queue.add(STOP);
  }

  private void heartbeat() {
    while (!ended) {
      try {
        Thread.sleep(Math.max(1, heartbeatNanos / 2_000_000));
      } catch (InterruptedException e) {
        return;
      }
      long now = System.nanoTime();
      if (now - lastHeard > deadNanos) {
        masterLost("its master was silent for " + (now - lastHeard) / 1_000_000 + " ms");
        return;
      }
      if (now - lastWritten >= heartbeatNanos) {
        synchronized (writeLock) {
          try {
            Wire.writeEmpty(out, Wire.HEARTBEAT);
            lastWritten = System.nanoTime();
          } catch (IOException e) {
            masterLost("cannot reach its master (" + e.getMessage() + ")");
            return;
          }
        }
      }
    }
  }

  /** The master is gone: nothing this worker computes can be delivered any more. */
  private void masterLost(String why) {
    if (simulated) {
      ended = true;
      try {
        channel.close();
      } catch (IOException ignored) {
        // ending anyway
      }
      queue.add(STOP);
      return;
    }
    System.err.println("worker: " + why + "; exiting");
    System.err.flush();
    Runtime.getRuntime().halt(MASTER_LOST);
  }
}
