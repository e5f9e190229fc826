package org.jmswk.executor;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * The executor's frames, after the job-secret handshake ({@link org.jmswk.agent.Handshake}, role
 * {@code farm-worker}): {@code int length} (of what follows), {@code byte type}, body.
 *
 * <pre>
 *   TASKS     master -> worker  int n, n x {long id, int elements, elements x {int len, bytes}}
 *   RESULTS   worker -> master  int n, n x {long id, long nanos, int elements,
 *                                            elements x {byte status, int len, bytes}}
 *             status OK: the output; status ERROR: UTF-8 "class\0message\0trace"
 *   HEARTBEAT both ways, empty   (any frame counts as a sign of life)
 *   STOP      master -> worker, empty: finish and exit
 *   RECALL    master -> worker, empty: hand back every task not started yet (a shrink drains it)
 *   RETURNED  worker -> master  int n, n x long id: the tasks it handed back, none of them run
 * </pre>
 *
 * A wire task is one submitted task or a chunk of a {@code map}; a worker runs its elements in
 * order, one wire task after the other, and answers in the order it received them.
 */
final class Wire {
  static final byte TASKS = 2;
  static final byte RESULTS = 3;
  static final byte HEARTBEAT = 4;
  static final byte STOP = 5;
  static final byte RECALL = 6;
  static final byte RETURNED = 7;
  static final byte OK = 0;
  static final byte ERROR = 1;
  /** Bytes of framing per wire task and per element, for size bounds. */
  static final int TASK_HEADER = 8 + 8 + 4;
  static final int ELEMENT_HEADER = 1 + 4;

  /** The largest frame either side accepts: room for one task at the limit plus framing. */
  static int maxFrame(int maxTaskBytes) {
    return (int) Math.min(Integer.MAX_VALUE - 64, 2L * maxTaskBytes + (1 << 20));
  }

  private Wire() {}

  static void writeEmpty(DataOutputStream out, byte type) throws IOException {
    out.writeInt(1);
    out.writeByte(type);
    out.flush();
  }

  /** Reads the next frame's length and type; returns the type, the body's length in {@code length[0]}. */
  static byte readHeader(DataInputStream in, int maxFrame, int[] length) throws IOException {
    int len = in.readInt();
    if (len < 1 || len > maxFrame) throw new IOException("frame of " + len + " bytes (limit " + maxFrame + ")");
    length[0] = len - 1;
    return in.readByte();
  }

  static byte[] readBytes(DataInputStream in, int max) throws IOException {
    int len = in.readInt();
    if (len < 0 || len > max) throw new IOException("element of " + len + " bytes (limit " + max + ")");
    byte[] b = new byte[len];
    in.readFully(b);
    return b;
  }
}
