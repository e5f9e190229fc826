package org.jmswk.mpi;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.Array;

/** Distinctive test data for every Datatype, on the heap and in native memory. */
final class Values {
  private Values() {}

  static final Datatype[] ALL = {
    Datatype.BYTE, Datatype.CHAR, Datatype.SHORT, Datatype.INT,
    Datatype.LONG, Datatype.FLOAT, Datatype.DOUBLE, Datatype.BOOLEAN,
  };

  /** An array of {@code n} values that use the type's full width (sign, high bits, fractions). */
  static Object array(Datatype type, int n, int seed) {
    Object a = Array.newInstance(componentType(type), n);
    for (int i = 0; i < n; i++) {
      long v = (long) (i + 1) * 0x9E3779B97F4A7C15L + seed;
      switch (type.toString()) {
        case "BYTE" -> Array.setByte(a, i, (byte) (v >>> 56));
        case "CHAR" -> Array.setChar(a, i, (char) (0x20AC + (v >>> 50)));
        case "SHORT" -> Array.setShort(a, i, (short) (v >>> 48));
        case "INT" -> Array.setInt(a, i, (int) (v >>> 32));
        case "LONG" -> Array.setLong(a, i, v);
        case "FLOAT" -> Array.setFloat(a, i, (float) ((v >> 40) / 3.0));
        case "DOUBLE" -> Array.setDouble(a, i, (v >> 11) / 7.0);
        case "BOOLEAN" -> Array.setBoolean(a, i, ((v >>> 61) & 1) == 1 ^ (i % 3 == 0));
        default -> throw new IllegalArgumentException(type.toString());
      }
    }
    return a;
  }

  /** An array of {@code n} elements, each the same sentinel value (different from test data). */
  static Object sentinel(Datatype type, int n) {
    Object a = Array.newInstance(componentType(type), n);
    for (int i = 0; i < n; i++) {
      switch (type.toString()) {
        case "BYTE" -> Array.setByte(a, i, (byte) 0x5A);
        case "CHAR" -> Array.setChar(a, i, '#');
        case "SHORT" -> Array.setShort(a, i, (short) 0x5A5A);
        case "INT" -> Array.setInt(a, i, 0x5A5A5A5A);
        case "LONG" -> Array.setLong(a, i, 0x5A5A5A5A5A5A5A5AL);
        case "FLOAT" -> Array.setFloat(a, i, -0.5f);
        case "DOUBLE" -> Array.setDouble(a, i, -0.25);
        case "BOOLEAN" -> Array.setBoolean(a, i, false);
        default -> throw new IllegalArgumentException(type.toString());
      }
    }
    return a;
  }

  static Class<?> componentType(Datatype type) {
    return switch (type.toString()) {
      case "BYTE" -> byte.class;
      case "CHAR" -> char.class;
      case "SHORT" -> short.class;
      case "INT" -> int.class;
      case "LONG" -> long.class;
      case "FLOAT" -> float.class;
      case "DOUBLE" -> double.class;
      case "BOOLEAN" -> boolean.class;
      default -> throw new IllegalArgumentException(type.toString());
    };
  }

  /** Elements [from, from + n) of {@code array} as a new array. */
  static Object slice(Object array, int from, int n) {
    Object s = Array.newInstance(array.getClass().getComponentType(), n);
    System.arraycopy(array, from, s, 0, n);
    return s;
  }

  /** Writes {@code array} into native memory the way the binding lays it out (boolean: 1 byte). */
  static void store(Object array, MemorySegment seg) {
    int n = Array.getLength(array);
    if (array instanceof boolean[] b) {
      for (int i = 0; i < n; i++) seg.set(ValueLayout.JAVA_BYTE, i, (byte) (b[i] ? 1 : 0));
      return;
    }
    ValueLayout layout = switch (array) {
      case byte[] x -> ValueLayout.JAVA_BYTE;
      case char[] x -> ValueLayout.JAVA_CHAR;
      case short[] x -> ValueLayout.JAVA_SHORT;
      case int[] x -> ValueLayout.JAVA_INT;
      case long[] x -> ValueLayout.JAVA_LONG;
      case float[] x -> ValueLayout.JAVA_FLOAT;
      case double[] x -> ValueLayout.JAVA_DOUBLE;
      default -> throw new IllegalArgumentException(array.getClass().toString());
    };
    MemorySegment.copy(array, 0, seg, layout, 0, n);
  }
}
