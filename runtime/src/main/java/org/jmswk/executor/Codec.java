package org.jmswk.executor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * How a user type travels as a task's or a result's bytes. The executor moves {@code byte[]};
 * a codec turns values into them on the submitting side and back on the receiving side (the
 * worker uses the mirror codecs in its {@link TaskHandler}).
 */
public interface Codec<T> {
  byte[] encode(T value);

  T decode(byte[] bytes);

  /** The bytes as they are. */
  Codec<byte[]> BYTES = new Codec<>() {
    public byte[] encode(byte[] value) {
      return value;
    }

    public byte[] decode(byte[] bytes) {
      return bytes;
    }
  };

  /** A buffer's remaining bytes (copied; the buffer's position is left alone); decoded as a heap buffer. */
  Codec<ByteBuffer> BYTE_BUFFER = new Codec<>() {
    public byte[] encode(ByteBuffer value) {
      byte[] b = new byte[value.remaining()];
      value.duplicate().get(b);
      return b;
    }

    public ByteBuffer decode(byte[] bytes) {
      return ByteBuffer.wrap(bytes);
    }
  };

  /** A memory segment's bytes (off-heap or heap, copied); decoded as a heap segment over the bytes. */
  Codec<MemorySegment> MEMORY_SEGMENT = new Codec<>() {
    public byte[] encode(MemorySegment value) {
      return value.toArray(ValueLayout.JAVA_BYTE);
    }

    public MemorySegment decode(byte[] bytes) {
      return MemorySegment.ofArray(bytes);
    }
  };

  /** UTF-8 text. */
  Codec<String> UTF8 = new Codec<>() {
    public byte[] encode(String value) {
      return value.getBytes(StandardCharsets.UTF_8);
    }

    public String decode(byte[] bytes) {
      return new String(bytes, StandardCharsets.UTF_8);
    }
  };

  /** A long as 8 bytes, big-endian. */
  Codec<Long> LONG = new Codec<>() {
    public byte[] encode(Long value) {
      long v = value;
      byte[] b = new byte[8];
      for (int i = 7; i >= 0; i--, v >>>= 8) b[i] = (byte) v;
      return b;
    }

    public Long decode(byte[] bytes) {
      if (bytes.length != 8) throw new IllegalArgumentException("a long needs 8 bytes, not " + bytes.length);
      long v = 0;
      for (byte x : bytes) v = v << 8 | (x & 0xff);
      return v;
    }
  };
}
