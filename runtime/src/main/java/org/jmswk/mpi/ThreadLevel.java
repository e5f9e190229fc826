package org.jmswk.mpi;

/** MPI thread support levels (MPI_THREAD_*). */
public enum ThreadLevel {
  SINGLE, FUNNELED, SERIALIZED, MULTIPLE;

  /** The MPI library's value for this level. */
  public int value() {
    try {
      return (int) Native.THREAD_LEVEL.invokeExact(ordinal());
    } catch (Throwable t) {
      throw Calls.unchecked(t);
    }
  }

  static ThreadLevel of(int value) {
    for (ThreadLevel l : values()) if (l.value() == value) return l;
    throw new IllegalArgumentException("unknown MPI thread level " + value);
  }

  /** Parses SINGLE/FUNNELED/SERIALIZED/MULTIPLE, case-insensitive, with or without MPI_THREAD_. */
  public static ThreadLevel parse(String text) {
    String name = text.trim().toUpperCase(java.util.Locale.ROOT).replaceFirst("^MPI_THREAD_", "");
    try {
      return valueOf(name);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown thread level '" + text
          + "': use single, funneled, serialized or multiple", e);
    }
  }
}
