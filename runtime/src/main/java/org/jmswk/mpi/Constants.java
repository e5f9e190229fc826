package org.jmswk.mpi;

/** MPI's constants as this site's MPI defines them, read from the shim once. */
final class Constants {
  private Constants() {}

  static final int ABI_VERSION = intConstant(Native.ABI_VERSION);
  static final long COMM_WORLD = longConstant(Native.COMM_WORLD);
  static final long COMM_SELF = longConstant(Native.COMM_SELF);
  static final long COMM_NULL = longConstant(Native.COMM_NULL);
  static final long INFO_NULL = longConstant(Native.INFO_NULL);
  static final long REQUEST_NULL = longConstant(Native.REQUEST_NULL);
  static final int ANY_SOURCE = intConstant(Native.ANY_SOURCE);
  static final int ANY_TAG = intConstant(Native.ANY_TAG);
  static final int PROC_NULL = intConstant(Native.PROC_NULL);
  static final int ROOT = intConstant(Native.ROOT);
  static final int UNDEFINED = intConstant(Native.UNDEFINED);
  static final int MAX_PORT_NAME = intConstant(Native.MAX_PORT_NAME);
  static final int MAX_ERROR_STRING = intConstant(Native.MAX_ERROR_STRING);
  static final int MAX_INFO_KEY = intConstant(Native.MAX_INFO_KEY);
  static final int MAX_INFO_VAL = intConstant(Native.MAX_INFO_VAL);
  static final int MAX_PROCESSOR_NAME = intConstant(Native.MAX_PROCESSOR_NAME);
  static final int MAX_LIBRARY_VERSION = intConstant(Native.MAX_LIBRARY_VERSION);

  private static int intConstant(java.lang.invoke.MethodHandle h) {
    try {
      return (int) h.invokeExact();
    } catch (Throwable t) {
      throw Calls.unchecked(t);
    }
  }

  private static long longConstant(java.lang.invoke.MethodHandle h) {
    try {
      return (long) h.invokeExact();
    } catch (Throwable t) {
      throw Calls.unchecked(t);
    }
  }
}
