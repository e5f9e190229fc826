package org.jmswk.agent;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Length-prefixed frames: a 4-byte big-endian payload length, then the payload (one encoded
 * {@link Message}). The length is checked against a hard maximum before anything is allocated
 * or read; an oversized or malformed frame is a {@link ProtocolException} and the caller closes
 * the connection.
 */
public final class FrameIO {
  /** The smallest maximum a connection may be configured with. */
  public static final int MIN_MAX_FRAME = 4096;

  private FrameIO() {}

  /** Reads one frame and decodes it; EOF before the first byte is an {@link EOFException}. */
  public static Message read(InputStream in, int maxFrame) throws IOException {
    DataInputStream data = in instanceof DataInputStream d ? d : new DataInputStream(in);
    int length = data.readInt();
    if (length < 0 || length > maxFrame) {
      throw new FrameTooLargeException(Integer.toUnsignedLong(length), maxFrame);
    }
    if (length == 0) throw new ProtocolException("malformed frame: empty");
    byte[] payload = new byte[length];
    data.readFully(payload);
    return Message.decode(payload);
  }

  /** Encodes and writes one frame; a message larger than {@code maxFrame} is refused before any byte is written. */
  public static void write(OutputStream out, Message m, int maxFrame) throws IOException {
    byte[] payload = m.encode();
    if (payload.length > maxFrame) throw new FrameTooLargeException(payload.length, maxFrame);
    byte[] frame = new byte[4 + payload.length];
    frame[0] = (byte) (payload.length >>> 24);
    frame[1] = (byte) (payload.length >>> 16);
    frame[2] = (byte) (payload.length >>> 8);
    frame[3] = (byte) payload.length;
    System.arraycopy(payload, 0, frame, 4, payload.length);
    out.write(frame);
    out.flush();
  }

  /** A frame whose announced length exceeds the maximum. */
  public static final class FrameTooLargeException extends ProtocolException {
    public FrameTooLargeException(long length, int max) {
      super("frame of " + length + " bytes exceeds the maximum of " + max + " bytes");
    }
  }

  /** True if {@code e} means the peer simply closed the connection. */
  static boolean isEof(IOException e) {
    return e instanceof EOFException;
  }
}
