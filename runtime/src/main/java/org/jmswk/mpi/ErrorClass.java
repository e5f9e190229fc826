package org.jmswk.mpi;

/**
 * The standard MPI error classes. Their numeric values differ between MPI libraries; the shim
 * reports them in this enum's order, so the mapping is made once at load time.
 */
public enum ErrorClass {
  SUCCESS, ERR_BUFFER, ERR_COUNT, ERR_TYPE, ERR_TAG, ERR_COMM, ERR_RANK, ERR_REQUEST, ERR_ROOT,
  ERR_GROUP, ERR_OP, ERR_TOPOLOGY, ERR_DIMS, ERR_ARG, ERR_UNKNOWN, ERR_TRUNCATE, ERR_OTHER,
  ERR_INTERN, ERR_IN_STATUS, ERR_PENDING, ERR_INFO, ERR_INFO_KEY, ERR_INFO_VALUE, ERR_INFO_NOKEY,
  ERR_NAME, ERR_NO_MEM, ERR_PORT, ERR_SERVICE, ERR_SPAWN, ERR_UNSUPPORTED_OPERATION, ERR_NOT_SAME,
  /** A class beyond the standard ones (an implementation's own, e.g. ULFM's). */
  ERR_LASTCODE;

  private static final int[] VALUES = new int[values().length];

  static {
    try {
      int n = (int) Native.ERROR_CLASS_COUNT.invokeExact();
      if (n != VALUES.length) {
        throw new IllegalStateException("libjmswk.so knows " + n + " error classes, Java " + VALUES.length);
      }
      for (int i = 0; i < n; i++) VALUES[i] = (int) Native.ERROR_CLASS_VALUE.invokeExact(i);
    } catch (Throwable t) {
      throw Calls.unchecked(t);
    }
  }

  /** The MPI library's value for this class (MPI_ERR_xxx). */
  public int value() {
    return VALUES[ordinal()];
  }

  /** The class with the MPI library's value {@code value}; {@link #ERR_LASTCODE} if not standard. */
  public static ErrorClass of(int value) {
    for (ErrorClass c : values()) if (c != ERR_LASTCODE && VALUES[c.ordinal()] == value) return c;
    return ERR_LASTCODE;
  }
}
