package org.jmswk.mpi;

/** A failed MPI call: carries the MPI error code, its error class and the MPI error string. */
public class MPIException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int errorCode;
  private final int errorClassValue;
  private final ErrorClass errorClass;

  public MPIException(String call, int errorCode, int errorClassValue, String errorString) {
    super(call + " failed: " + errorString + " (" + ErrorClass.of(errorClassValue) + ", code " + errorCode + ")");
    this.errorCode = errorCode;
    this.errorClassValue = errorClassValue;
    this.errorClass = ErrorClass.of(errorClassValue);
  }

  /** The MPI error code the call returned. */
  public int getErrorCode() {
    return errorCode;
  }

  /** The error class, as this binding names it. */
  public ErrorClass getErrorClass() {
    return errorClass;
  }

  /** The error class as the MPI library numbers it (MPI_Error_class). */
  public int getErrorClassValue() {
    return errorClassValue;
  }
}
