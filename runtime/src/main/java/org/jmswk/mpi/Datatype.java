package org.jmswk.mpi;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Binding of MPI_Datatype for the element types the binding moves: Java's primitive types.
 * Each maps to the MPI type of the same width (char to MPI_UINT16_T, boolean to one byte).
 */
public final class Datatype {
  public static final Datatype BYTE = new Datatype("BYTE", 0, ValueLayout.JAVA_BYTE, byte[].class);
  public static final Datatype CHAR = new Datatype("CHAR", 1, ValueLayout.JAVA_CHAR, char[].class);
  public static final Datatype SHORT = new Datatype("SHORT", 2, ValueLayout.JAVA_SHORT, short[].class);
  public static final Datatype INT = new Datatype("INT", 3, ValueLayout.JAVA_INT, int[].class);
  public static final Datatype LONG = new Datatype("LONG", 4, ValueLayout.JAVA_LONG, long[].class);
  public static final Datatype FLOAT = new Datatype("FLOAT", 5, ValueLayout.JAVA_FLOAT, float[].class);
  public static final Datatype DOUBLE = new Datatype("DOUBLE", 6, ValueLayout.JAVA_DOUBLE, double[].class);
  public static final Datatype BOOLEAN = new Datatype("BOOLEAN", 7, ValueLayout.JAVA_BYTE, boolean[].class);

  private final String name;
  final int kind;
  final ValueLayout layout;
  final Class<?> arrayType;

  private Datatype(String name, int kind, ValueLayout layout, Class<?> arrayType) {
    this.name = name;
    this.kind = kind;
    this.layout = layout;
    this.arrayType = arrayType;
  }

  /** The MPI library's handle of this type (its bits, as the shim passes handles). */
  long handle() {
    try {
      return (long) Native.DATATYPE.invokeExact(kind);
    } catch (Throwable t) {
      throw Calls.unchecked(t);
    }
  }

  /** Size of one element in bytes (MPI_Type_size). */
  public int size() {
    return (int) layout.byteSize();
  }

  /** The datatype whose Java array type is {@code array}'s. */
  public static Datatype ofArray(Object array) {
    for (Datatype t : new Datatype[] {BYTE, CHAR, SHORT, INT, LONG, FLOAT, DOUBLE, BOOLEAN}) {
      if (t.arrayType.isInstance(array)) return t;
    }
    throw new IllegalArgumentException("not a primitive array: " + (array == null ? "null" : array.getClass()));
  }

  void checkArray(Object array, int offset, int count) {
    if (!arrayType.isInstance(array)) {
      throw new IllegalArgumentException(name + " needs a " + arrayType.getSimpleName() + ", got "
          + (array == null ? "null" : array.getClass().getSimpleName()));
    }
    int length = java.lang.reflect.Array.getLength(array);
    if (offset < 0 || count < 0 || offset + count > length) {
      throw new IndexOutOfBoundsException("elements " + offset + ".." + (offset + count)
          + " outside an array of " + length);
    }
  }

  /** Copies {@code count} elements from a Java array into native memory. */
  void copyIn(Object array, int offset, MemorySegment dst, int count) {
    if (array instanceof boolean[] b) {
      for (int i = 0; i < count; i++) dst.set(ValueLayout.JAVA_BYTE, i, (byte) (b[offset + i] ? 1 : 0));
    } else {
      MemorySegment.copy(array, offset, dst, layout, 0, count);
    }
  }

  /** Copies {@code count} elements from native memory into a Java array. */
  void copyOut(MemorySegment src, Object array, int offset, int count) {
    if (array instanceof boolean[] b) {
      for (int i = 0; i < count; i++) b[offset + i] = src.get(ValueLayout.JAVA_BYTE, i) != 0;
    } else {
      MemorySegment.copy(src, layout, 0, array, offset, count);
    }
  }

  void checkSegment(MemorySegment segment, int count) {
    if (!segment.isNative()) {
      throw new IllegalArgumentException("MPI needs native memory: allocate the segment from an Arena"
          + " (or pass an array, which the binding copies)");
    }
    if ((long) count * size() > segment.byteSize()) {
      throw new IndexOutOfBoundsException(count + " " + name + " elements do not fit a segment of "
          + segment.byteSize() + " bytes");
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
