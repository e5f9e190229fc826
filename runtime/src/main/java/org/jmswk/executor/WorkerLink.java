package org.jmswk.executor;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The master's end of one worker's connection: a reader and a writer thread of its own (virtual),
 * so no worker waits for another. The writer sends what the dispatcher queued for it, batches
 * that are queued together in one frame, and a heartbeat when it had nothing to send for a
 * heartbeat interval; the reader hands results to the executor and notes every frame as a sign
 * of life. Closing the channel ends both.
 */
final class WorkerLink {
  final int id;
  final long pid;
  final String host;
  volatile String node = "";
  final Scheduler.Slot slot;
  /** Its figures for {@link FarmExecutor#metrics()}. */
  final WorkerTally tally = new WorkerTally();
  private final SocketChannel channel;
  private final DataInputStream in;
  private final DataOutputStream out;
  private final LinkedBlockingQueue<Object> outbox = new LinkedBlockingQueue<>();
  private static final Object STOP = new Object();
  private static final Object RECALL = new Object();
  final AtomicBoolean closed = new AtomicBoolean();
  volatile long lastHeard = System.nanoTime();

  WorkerLink(int id, long pid, String host, SocketChannel channel, DataInputStream in) {
    this.id = id;
    this.pid = pid;
    this.host = host;
    this.channel = channel;
    this.in = in;
    this.out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16));
    this.slot = new Scheduler.Slot(id);
    this.slot.link = this;
  }

  /** One decoded RESULTS frame. */
  record Results(long[] ids, long[] nanos, byte[][][] outputs, RuntimeException[][] failures) {}

  interface Receiver {
    void results(WorkerLink link, Results r);

    void lost(WorkerLink link, String why, boolean silent);

    /** The worker handed back these tasks (after a RECALL), none of them run. */
    void returned(WorkerLink link, long[] ids);
  }

  void start(Receiver receiver, long heartbeatMillis, int maxFrame, int maxElement) {
    Thread.ofVirtual().name("jmswk-executor-read-" + id).start(() -> read(receiver, maxFrame, maxElement));
    Thread.ofVirtual().name("jmswk-executor-write-" + id).start(() -> write(receiver, heartbeatMillis));
  }

  void send(List<Task> batch) {
    outbox.add(batch);
  }

  void stop() {
    outbox.add(STOP);
  }

  /** Asks the worker to hand back every task it has not started (a shrink drains it). */
  void recall() {
    outbox.add(RECALL);
  }

  void close() {
    closed.set(true);
    try {
      channel.close();
    } catch (IOException ignored) {
      // closing is all we want
    }
  }

  private void read(Receiver receiver, int maxFrame, int maxElement) {
    int[] length = new int[1];
    try {
      while (true) {
        byte type = Wire.readHeader(in, maxFrame, length);
        lastHeard = System.nanoTime();
        if (type == Wire.HEARTBEAT) continue;
        if (type == Wire.RETURNED) {
          int n = in.readInt();
          if (n < 0 || n > Scheduler.MAX_CREDIT * 4) throw new IOException("a frame of " + n + " returned tasks");
          long[] ids = new long[n];
          for (int i = 0; i < n; i++) ids[i] = in.readLong();
          receiver.returned(this, ids);
          continue;
        }
        if (type != Wire.RESULTS) throw new IOException("unexpected frame type " + type);
        long decoding = lastHeard; // the frame began to arrive: what follows is reading it
        int n = in.readInt();
        if (n < 0 || n > Scheduler.MAX_BATCH * 4) throw new IOException("a frame of " + n + " results");
        long[] ids = new long[n];
        long[] nanos = new long[n];
        byte[][][] outputs = new byte[n][][];
        RuntimeException[][] failures = new RuntimeException[n][];
        for (int i = 0; i < n; i++) {
          ids[i] = in.readLong();
          nanos[i] = in.readLong();
          int elements = in.readInt();
          if (elements < 0 || elements > MapJob.MAX_CHUNK) throw new IOException("a task of " + elements + " elements");
          outputs[i] = new byte[elements][];
          for (int k = 0; k < elements; k++) {
            byte status = in.readByte();
            byte[] b = Wire.readBytes(in, maxElement);
            if (status == Wire.OK) {
              outputs[i][k] = b;
            } else {
              if (failures[i] == null) failures[i] = new RuntimeException[elements];
              failures[i][k] = remoteFailure(b);
            }
          }
        }
        lastHeard = System.nanoTime();
        tally.received(lastHeard - decoding);
        receiver.results(this, new Results(ids, nanos, outputs, failures));
      }
    } catch (IOException | RuntimeException e) {
      receiver.lost(this, closed.get() ? "connection closed" : describe(e), false);
    }
  }

  private static String describe(Exception e) {
    return e instanceof java.io.EOFException ? "the worker closed its connection (process ended)"
        : e.getClass().getSimpleName() + ": " + e.getMessage();
  }

  static RemoteTaskException remoteFailure(byte[] b) {
    String[] f = new String(b, StandardCharsets.UTF_8).split("\0", 3);
    return new RemoteTaskException(f[0], f.length > 1 ? f[1] : "", f.length > 2 ? f[2] : "");
  }

  private void write(Receiver receiver, long heartbeatMillis) {
    List<Object> drained = new ArrayList<>();
    try {
      while (!closed.get()) {
        Object first = outbox.poll(heartbeatMillis, TimeUnit.MILLISECONDS);
        if (first == null) {
          Wire.writeEmpty(out, Wire.HEARTBEAT);
          continue;
        }
        drained.clear();
        drained.add(first);
        outbox.drainTo(drained, 64);
        List<Task> tasks = new ArrayList<>();
        boolean stop = false;
        boolean recall = false;
        for (Object o : drained) {
          if (o == STOP) {
            stop = true;
          } else if (o == RECALL) {
            recall = true;
          } else {
            @SuppressWarnings("unchecked")
            List<Task> batch = (List<Task>) o;
            tasks.addAll(batch);
          }
        }
        if (!tasks.isEmpty()) writeTasks(tasks);
        if (recall) Wire.writeEmpty(out, Wire.RECALL);
        if (stop) {
          Wire.writeEmpty(out, Wire.STOP);
          return;
        }
      }
    } catch (IOException | RuntimeException e) {
      receiver.lost(this, closed.get() ? "connection closed" : describe(e), false);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void writeTasks(List<Task> tasks) throws IOException {
    long body = 1 + 4;
    for (Task t : tasks) {
      body += 8 + 4;
      for (int k = 0; k < t.size(); k++) body += 4 + t.input(k).length;
    }
    if (body > Integer.MAX_VALUE - 8) {
      // never one frame over 2 GiB: send them one by one
      for (Task t : tasks) writeTasks(List.of(t));
      return;
    }
    long sending = System.nanoTime();
    out.writeInt((int) body);
    out.writeByte(Wire.TASKS);
    out.writeInt(tasks.size());
    for (Task t : tasks) {
      out.writeLong(t.id);
      out.writeInt(t.size());
      for (int k = 0; k < t.size(); k++) {
        byte[] b = t.input(k);
        out.writeInt(b.length);
        out.write(b);
      }
    }
    out.flush();
    tally.sent(System.nanoTime() - sending);
  }
}
