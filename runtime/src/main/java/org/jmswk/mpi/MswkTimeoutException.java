package org.jmswk.mpi;

/** A Mswk call whose peer could not be identified gave up after its bound (JMSWK_MSWK_UNKNOWN_TIMEOUT_MS). */
public final class MswkTimeoutException extends MPIException {
  private static final long serialVersionUID = 1L;

  MswkTimeoutException(String call, int errorCode, int errorClassValue, String errorString) {
    super(call, errorCode, errorClassValue, errorString);
  }
}
