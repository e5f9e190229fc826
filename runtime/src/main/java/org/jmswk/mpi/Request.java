package org.jmswk.mpi;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Binding of MPI_Request for isend/irecv. The handle lives in native memory owned by the
 * request, so MPI can set it to MPI_REQUEST_NULL on completion. A request made from a Java array
 * also owns the native copy of the data and, for a receive, copies it back on completion.
 */
public final class Request {
  private final Arena arena = Arena.ofShared();
  private final MemorySegment handle = arena.allocate(ValueLayout.JAVA_LONG);
  private final MemorySegment status = arena.allocate(ValueLayout.JAVA_INT, 6);
  private final Datatype type;
  /** Runs once on successful completion with the final status (e.g. copies into a Java array). */
  private final java.util.function.Consumer<Status> onCompletion;
  private Status completed;

  Request(Datatype type, java.util.function.Consumer<Status> onCompletion) {
    this.type = type;
    this.onCompletion = onCompletion;
    handle.set(ValueLayout.JAVA_LONG, 0, Constants.REQUEST_NULL);
  }

  MemorySegment handleSlot() {
    return handle;
  }

  /** Native memory owned by this request, freed when the request completes or is freed. */
  MemorySegment allocate(long bytes) {
    return arena.allocate(Math.max(bytes, 1), 64);
  }

  /** Binding of MPI_Test: the status once complete, else {@code null}. */
  public Status test() {
    if (completed != null) return completed;
    try {
      int rc = (int) Native.TEST.invokeExact(handle, type.kind, status.asSlice(20, 4), status);
      Calls.check("MPI_Test", rc);
    } catch (Throwable t) {
      throw Calls.unchecked(t);
    }
    return status.getAtIndex(ValueLayout.JAVA_INT, 5) != 0 ? complete() : null;
  }

  /** Binding of MPI_Wait. */
  public Status waitFor() {
    if (completed != null) return completed;
    try {
      Calls.check("MPI_Wait", (int) Native.WAIT.invokeExact(handle, type.kind, status));
    } catch (Throwable t) {
      throw Calls.unchecked(t);
    }
    return complete();
  }

  /** Binding of MPI_Cancel; complete the request with {@link #waitFor()} or {@link #test()} after it. */
  public void cancel() {
    if (completed != null) return;
    try {
      Calls.check("MPI_Cancel", (int) Native.CANCEL.invokeExact(handle));
    } catch (Throwable t) {
      throw Calls.unchecked(t);
    }
  }

  /** Binding of MPI_Request_free. The native memory stays until MPI is done with it. */
  public void free() {
    if (completed != null || isNull()) return;
    try {
      Calls.check("MPI_Request_free", (int) Native.REQUEST_FREE.invokeExact(handle));
    } catch (Throwable t) {
      throw Calls.unchecked(t);
    }
  }

  /** True once MPI has released the request (MPI_REQUEST_NULL). */
  public boolean isNull() {
    if (completed != null) return true; // the arena holding the handle is closed by then
    return handle.get(ValueLayout.JAVA_LONG, 0) == Constants.REQUEST_NULL;
  }

  private Status complete() {
    completed = Status.read(status);
    if (!completed.cancelled() && onCompletion != null) onCompletion.accept(completed);
    arena.close();
    return completed;
  }
}
