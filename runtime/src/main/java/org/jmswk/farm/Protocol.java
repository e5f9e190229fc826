package org.jmswk.farm;

import java.nio.charset.StandardCharsets;
import org.jmswk.mpi.Comm;
import org.jmswk.mpi.Datatype;
import org.jmswk.mpi.Mswk;

/**
 * What master and workers say to each other, always inside one Mswk exchange: a header
 * {@code int[2] {task, length}} then {@code length} bytes. Task {@link #STOP} ends a worker.
 */
final class Protocol {
  static final int TAG_HEADER = 101;
  static final int TAG_BODY = 102;
  static final int STOP = -1;
  /** Hard limit for one message body: a larger one is refused, not half-sent. */
  static final int MAX_BODY = 64 << 20;

  private Protocol() {}

  static void send(Comm c, int task, byte[] body) {
    if (body.length > MAX_BODY) {
      throw new IllegalArgumentException("task " + task + ": " + body.length + " bytes exceed the " + MAX_BODY + " byte limit");
    }
    Mswk.send(c, new int[] {task, body.length}, 2, Datatype.INT, 0, TAG_HEADER);
    if (body.length > 0) Mswk.send(c, body, body.length, Datatype.BYTE, 0, TAG_BODY);
  }

  /** A received message: task id and body. */
  record Message(int task, byte[] body) {}

  static Message recv(Comm c) {
    int[] header = new int[2];
    Mswk.recv(c, header, 2, Datatype.INT, 0, TAG_HEADER);
    if (header[1] < 0 || header[1] > MAX_BODY) {
      throw new IllegalStateException("peer announced a " + header[1] + " byte body (limit " + MAX_BODY + ")");
    }
    byte[] body = new byte[header[1]];
    if (body.length > 0) Mswk.recv(c, body, body.length, Datatype.BYTE, 0, TAG_BODY);
    return new Message(header[0], body);
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
