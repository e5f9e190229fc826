package org.jmswk.agent;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One protocol message: a type and named fields. A field holds a String, a Long, a byte[], a
 * {@code List<String>} or a {@code Map<String, String>}; nothing else can be encoded, so a
 * decoded message is plain data (no object deserialization).
 *
 * <p>Encoding (the payload of one frame, see {@link FrameIO}): {@code u8 type, u16 count}, then
 * per field {@code u16 nameLength, name (UTF-8), u8 tag, value}; strings and byte arrays are
 * {@code i32 length, bytes}, lists and maps {@code i32 count, entries}, longs 8 bytes, all big
 * endian. Decoding is strict: every length is checked against what is left, invalid UTF-8,
 * unknown types or tags, repeated field names and trailing bytes are errors, and the whole
 * message is decoded before anything looks at it.
 */
public record Message(Type type, Map<String, Object> fields) {
  /** The message types. Codes are part of the wire format: never renumber. */
  public enum Type {
    /** server to client: protocol version, role expected, server nonce. */
    HELLO(1),
    /** client to server: client nonce and proof of the secret. */
    AUTH(2),
    /** server to client: proof of the secret and the liveness settings. */
    WELCOME(3),
    /** server to client: authentication refused (then the server closes). */
    DENIED(4),
    /** either way: I am alive. */
    HEARTBEAT(5),
    /** master to agent (or aexe to serving agent): start a worker. */
    LAUNCH(6),
    /** agent: the worker started. */
    STARTED(7),
    /** agent: the worker could not be started. */
    LAUNCH_FAILED(8),
    /** agent: the worker ended. */
    EXITED(9),
    /** master to agent: kill a worker. */
    KILL(10),
    /** master to agent: kill every worker and exit. */
    SHUTDOWN(11),
    /** either way: a protocol error is about to close the connection. */
    ERROR(12);

    final int code;

    Type(int code) {
      this.code = code;
    }

    static Type of(int code) throws ProtocolException {
      for (Type t : values()) if (t.code == code) return t;
      throw new ProtocolException("malformed frame: unknown message type " + code);
    }
  }

  private static final int TAG_STRING = 1;
  private static final int TAG_LONG = 2;
  private static final int TAG_BYTES = 3;
  private static final int TAG_LIST = 4;
  private static final int TAG_MAP = 5;

  public Message {
    fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
  }

  /** A message with fields given as name, value, name, value, ... */
  public static Message of(Type type, Object... nameValues) {
    if (nameValues.length % 2 != 0) throw new IllegalArgumentException("odd number of name/value arguments");
    Map<String, Object> f = new LinkedHashMap<>();
    for (int i = 0; i < nameValues.length; i += 2) {
      Object v = nameValues[i + 1];
      if (v instanceof Integer n) v = n.longValue();
      if (v != null) f.put((String) nameValues[i], v);
    }
    return new Message(type, f);
  }

  // ---------------------------------------------------------------- typed access, strict

  public String string(String name) throws ProtocolException {
    return get(name, String.class);
  }

  public String string(String name, String fallback) throws ProtocolException {
    return fields.containsKey(name) ? string(name) : fallback;
  }

  public long number(String name) throws ProtocolException {
    return get(name, Long.class);
  }

  public long number(String name, long fallback) throws ProtocolException {
    return fields.containsKey(name) ? number(name) : fallback;
  }

  public byte[] bytes(String name) throws ProtocolException {
    return get(name, byte[].class).clone();
  }

  public byte[] bytes(String name, byte[] fallback) throws ProtocolException {
    return fields.containsKey(name) ? bytes(name) : fallback;
  }

  @SuppressWarnings("unchecked")
  public List<String> list(String name) throws ProtocolException {
    return get(name, List.class);
  }

  @SuppressWarnings("unchecked")
  public Map<String, String> map(String name) throws ProtocolException {
    return fields.containsKey(name) ? get(name, Map.class) : Map.of();
  }

  private <T> T get(String name, Class<T> type) throws ProtocolException {
    Object v = fields.get(name);
    if (v == null) throw new ProtocolException(type() + " message lacks field '" + name + "'");
    if (!type.isInstance(v)) {
      throw new ProtocolException(type() + " message: field '" + name + "' is not a " + type.getSimpleName());
    }
    return type.cast(v);
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder(type.name()).append('{');
    for (var e : fields.entrySet()) {
      if (s.charAt(s.length() - 1) != '{') s.append(", ");
      s.append(e.getKey()).append('=');
      s.append(e.getValue() instanceof byte[] b ? "<" + b.length + " bytes>" : e.getValue());
    }
    return s.append('}').toString();
  }

  // ---------------------------------------------------------------- encoding

  /** The payload bytes of this message. */
  public byte[] encode() {
    Out out = new Out();
    out.u8(type.code);
    if (fields.size() > 0xffff) throw new IllegalArgumentException("too many fields");
    out.u16(fields.size());
    for (var e : fields.entrySet()) {
      byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
      if (name.length > 0xffff) throw new IllegalArgumentException("field name too long");
      out.u16(name.length);
      out.raw(name);
      switch (e.getValue()) {
        case String s -> {
          out.u8(TAG_STRING);
          out.string(s);
        }
        case Long n -> {
          out.u8(TAG_LONG);
          out.i64(n);
        }
        case byte[] b -> {
          out.u8(TAG_BYTES);
          out.i32(b.length);
          out.raw(b);
        }
        case List<?> list -> {
          out.u8(TAG_LIST);
          out.i32(list.size());
          for (Object o : list) out.string((String) o);
        }
        case Map<?, ?> map -> {
          out.u8(TAG_MAP);
          out.i32(map.size());
          for (var m : map.entrySet()) {
            out.string((String) m.getKey());
            out.string((String) m.getValue());
          }
        }
        default -> throw new IllegalArgumentException("cannot encode field '" + e.getKey() + "' of type "
            + e.getValue().getClass().getName());
      }
    }
    return out.bytes();
  }

  /** Decodes a whole payload; any defect is a {@link ProtocolException} naming it. */
  public static Message decode(byte[] payload) throws ProtocolException {
    ByteBuffer in = ByteBuffer.wrap(payload);
    try {
      Type type = Type.of(Byte.toUnsignedInt(in.get()));
      int count = Short.toUnsignedInt(in.getShort());
      Map<String, Object> fields = new LinkedHashMap<>();
      for (int i = 0; i < count; i++) {
        int nameLength = Short.toUnsignedInt(in.getShort());
        String name = utf8(in, nameLength);
        int tag = Byte.toUnsignedInt(in.get());
        Object value = switch (tag) {
          case TAG_STRING -> string(in);
          case TAG_LONG -> in.getLong();
          case TAG_BYTES -> {
            byte[] b = new byte[length(in, 1)];
            in.get(b);
            yield b;
          }
          case TAG_LIST -> {
            int n = length(in, 4);
            List<String> list = new ArrayList<>(n);
            for (int k = 0; k < n; k++) list.add(string(in));
            yield Collections.unmodifiableList(list);
          }
          case TAG_MAP -> {
            int n = length(in, 8);
            Map<String, String> map = new LinkedHashMap<>();
            for (int k = 0; k < n; k++) {
              String key = string(in);
              if (map.put(key, string(in)) != null) {
                throw new ProtocolException("malformed frame: key '" + key + "' twice in field '" + name + "'");
              }
            }
            yield Collections.unmodifiableMap(map);
          }
          default -> throw new ProtocolException("malformed frame: unknown value tag " + tag + " in field '" + name + "'");
        };
        if (fields.put(name, value) != null) throw new ProtocolException("malformed frame: field '" + name + "' twice");
      }
      if (in.hasRemaining()) throw new ProtocolException("malformed frame: " + in.remaining() + " bytes after the last field");
      return new Message(type, fields);
    } catch (BufferUnderflowException e) {
      throw new ProtocolException("malformed frame: truncated (" + payload.length + " bytes)");
    }
  }

  /** A length prefix, checked against the bytes left (each element needs at least {@code unit}). */
  private static int length(ByteBuffer in, int unit) throws ProtocolException {
    int n = in.getInt();
    if (n < 0 || (long) n * unit > in.remaining()) {
      throw new ProtocolException("malformed frame: length " + n + " exceeds the " + in.remaining() + " bytes left");
    }
    return n;
  }

  private static String string(ByteBuffer in) throws ProtocolException {
    return utf8(in, length(in, 1));
  }

  private static String utf8(ByteBuffer in, int n) throws ProtocolException {
    if (n > in.remaining()) throw new BufferUnderflowException();
    ByteBuffer slice = in.slice(in.position(), n);
    in.position(in.position() + n);
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(slice).toString();
    } catch (CharacterCodingException e) {
      throw new ProtocolException("malformed frame: invalid UTF-8 in a string");
    }
  }

  private static final class Out {
    private byte[] buf = new byte[256];
    private int n;

    private void ensure(int more) {
      if (n + more > buf.length) buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, n + more));
    }

    void u8(int v) {
      ensure(1);
      buf[n++] = (byte) v;
    }

    void u16(int v) {
      ensure(2);
      buf[n++] = (byte) (v >>> 8);
      buf[n++] = (byte) v;
    }

    void i32(int v) {
      ensure(4);
      for (int s = 24; s >= 0; s -= 8) buf[n++] = (byte) (v >>> s);
    }

    void i64(long v) {
      ensure(8);
      for (int s = 56; s >= 0; s -= 8) buf[n++] = (byte) (v >>> s);
    }

    void raw(byte[] b) {
      ensure(b.length);
      System.arraycopy(b, 0, buf, n, b.length);
      n += b.length;
    }

    void string(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      i32(b.length);
      raw(b);
    }

    byte[] bytes() {
      return java.util.Arrays.copyOf(buf, n);
    }
  }
}
