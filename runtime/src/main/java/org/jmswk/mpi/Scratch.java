package org.jmswk.mpi;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Per-thread native scratch memory for out-parameters and for copying Java arrays, reused from
 * call to call so that a send of a byte[] allocates nothing.
 */
final class Scratch {
  private static final ThreadLocal<Scratch> CURRENT = ThreadLocal.withInitial(Scratch::new);

  private final Arena arena = Arena.ofAuto();
  /** int[8]: status (5 ints), then a flag, then two spare ints. */
  final MemorySegment ints = arena.allocate(ValueLayout.JAVA_INT, 8);
  /** One handle (long) in/out. */
  final MemorySegment handle = arena.allocate(ValueLayout.JAVA_LONG);
  private MemorySegment buffer = arena.allocate(64 * 1024, 64);

  static Scratch get() {
    return CURRENT.get();
  }

  MemorySegment status() {
    return ints;
  }

  MemorySegment flag() {
    return ints.asSlice(5L * Integer.BYTES, Integer.BYTES);
  }

  int flagValue() {
    return ints.getAtIndex(ValueLayout.JAVA_INT, 5);
  }

  /** A buffer of at least {@code bytes}; valid until the next call on this thread. */
  MemorySegment buffer(long bytes) {
    if (buffer.byteSize() < bytes) {
      buffer = Arena.ofAuto().allocate(Math.max(bytes, buffer.byteSize() * 2), 64);
    }
    return buffer;
  }
}
