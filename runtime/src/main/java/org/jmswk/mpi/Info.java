package org.jmswk.mpi;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Binding of MPI_Info: string keys and values passed to spawn, open_port, connect and accept
 * ({@code host}, {@code hostfile}, {@code wdir}, ... any key the MPI library knows).
 * A {@code null} Info passed to any call means MPI_INFO_NULL.
 */
public final class Info implements AutoCloseable {
  private long handle;

  private Info(long handle) {
    this.handle = handle;
  }

  /** Binding of MPI_Info_create. */
  public static Info create() {
    Scratch s = Scratch.get();
    try {
      Calls.check("MPI_Info_create", (int) Native.INFO_CREATE.invokeExact(s.handle));
    } catch (Throwable t) {
      throw Calls.unchecked(t);
    }
    return new Info(s.handle.get(ValueLayout.JAVA_LONG, 0));
  }

  /** MPI_Info_create followed by MPI_Info_set for each entry, in order. */
  public static Info of(Map<String, String> entries) {
    Info info = create();
    entries.forEach(info::set);
    return info;
  }

  static long handleOf(Info info) {
    return info == null ? Constants.INFO_NULL : info.handle;
  }

  /** Binding of MPI_Info_set. */
  public Info set(String key, String value) {
    try (Arena arena = Arena.ofConfined()) {
      Calls.check("MPI_Info_set(" + key + ")", (int) Native.INFO_SET.invokeExact(handle,
          arena.allocateFrom(key), arena.allocateFrom(value)));
    } catch (Throwable t) {
      throw Calls.unchecked(t);
    }
    return this;
  }

  /** Binding of MPI_Info_delete. */
  public void delete(String key) {
    try (Arena arena = Arena.ofConfined()) {
      Calls.check("MPI_Info_delete(" + key + ")", (int) Native.INFO_DELETE.invokeExact(handle, arena.allocateFrom(key)));
    } catch (Throwable t) {
      throw Calls.unchecked(t);
    }
  }

  /** Binding of MPI_Info_get: the value, or empty when the key is not set. */
  public Optional<String> get(String key) {
    try (Arena arena = Arena.ofConfined()) {
      int size = Constants.MAX_INFO_VAL + 1;
      MemorySegment value = arena.allocate(size);
      MemorySegment flag = arena.allocate(ValueLayout.JAVA_INT);
      Calls.check("MPI_Info_get(" + key + ")",
          (int) Native.INFO_GET.invokeExact(handle, arena.allocateFrom(key), size, value, flag));
      return flag.get(ValueLayout.JAVA_INT, 0) == 0 ? Optional.empty() : Optional.of(value.getString(0));
    } catch (Throwable t) {
      throw Calls.unchecked(t);
    }
  }

  /** Bindings of MPI_Info_get_nkeys, MPI_Info_get_nthkey and MPI_Info_get: all entries, in order. */
  public Map<String, String> entries() {
    Map<String, String> all = new LinkedHashMap<>();
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment n = arena.allocate(ValueLayout.JAVA_INT);
      Calls.check("MPI_Info_get_nkeys", (int) Native.INFO_GET_NKEYS.invokeExact(handle, n));
      MemorySegment key = arena.allocate(Constants.MAX_INFO_KEY + 1);
      for (int i = 0; i < n.get(ValueLayout.JAVA_INT, 0); i++) {
        Calls.check("MPI_Info_get_nthkey", (int) Native.INFO_GET_NTHKEY.invokeExact(handle, i, key));
        String k = key.getString(0);
        all.put(k, get(k).orElse(""));
      }
    } catch (Throwable t) {
      throw Calls.unchecked(t);
    }
    return all;
  }

  /** Binding of MPI_Info_free. */
  public void free() {
    if (handle == Constants.INFO_NULL) return;
    Scratch s = Scratch.get();
    s.handle.set(ValueLayout.JAVA_LONG, 0, handle);
    try {
      Calls.check("MPI_Info_free", (int) Native.INFO_FREE.invokeExact(s.handle));
    } catch (Throwable t) {
      throw Calls.unchecked(t);
    }
    handle = Constants.INFO_NULL;
  }

  @Override
  public void close() {
    free();
  }
}
