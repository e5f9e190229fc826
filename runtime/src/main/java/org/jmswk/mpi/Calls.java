package org.jmswk.mpi;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/** Checks return codes and turns them into {@link MPIException}s. */
final class Calls {
  private Calls() {}

  static void check(String call, int rc) {
    if (rc != 0) throw failure(call, rc);
  }

  static MPIException failure(String call, int rc) {
    return new MPIException(call, rc, errorClass(rc), errorString(rc));
  }

  static int errorClass(int code) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment cls = arena.allocate(ValueLayout.JAVA_INT);
      int rc = (int) Native.ERROR_CLASS.invokeExact(code, cls);
      return rc == 0 ? cls.get(ValueLayout.JAVA_INT, 0) : code;
    } catch (Throwable t) {
      throw unchecked(t);
    }
  }

  static String errorString(int code) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment buf = arena.allocate(Constants.MAX_ERROR_STRING + 1);
      MemorySegment len = arena.allocate(ValueLayout.JAVA_INT);
      int rc = (int) Native.ERROR_STRING.invokeExact(code, buf, len);
      if (rc != 0) return "MPI error " + code;
      return new String(buf.asSlice(0, len.get(ValueLayout.JAVA_INT, 0)).toArray(ValueLayout.JAVA_BYTE),
          StandardCharsets.UTF_8);
    } catch (Throwable t) {
      throw unchecked(t);
    }
  }

  static RuntimeException unchecked(Throwable t) {
    if (t instanceof RuntimeException r) return r;
    if (t instanceof Error e) throw e;
    return new IllegalStateException(t);
  }
}
