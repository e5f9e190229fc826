package org.jmswk.mpi;

/**
 * What MPI_Comm_spawn(_multiple) returns: the intercommunicator to the children and one error
 * code per requested process (MPI_SUCCESS for each that started).
 */
public record SpawnResult(Comm intercomm, int[] errorCodes) {
  /** Number of processes that started. */
  public int started() {
    int n = 0;
    for (int code : errorCodes) if (code == 0) n++;
    return n;
  }
}
