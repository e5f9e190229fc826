package org.jmswk.mpi;

/**
 * Binding of MPI_Status: where a message came from, its tag, and how many elements of the
 * receive's datatype it held.
 */
public record Status(int source, int tag, int error, int count, boolean cancelled) {
  static Status read(java.lang.foreign.MemorySegment st) {
    var I = java.lang.foreign.ValueLayout.JAVA_INT;
    return new Status(st.getAtIndex(I, 0), st.getAtIndex(I, 1), st.getAtIndex(I, 2),
        st.getAtIndex(I, 3), st.getAtIndex(I, 4) != 0);
  }
}
