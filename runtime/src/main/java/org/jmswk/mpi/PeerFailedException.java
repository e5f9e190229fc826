package org.jmswk.mpi;

/**
 * A Mswk call ended because its peer process is dead (killed, its node lost, or cut off for
 * longer than the liveness timeout). The caller is unharmed and may go on, e.g. re-run the work
 * elsewhere.
 */
public final class PeerFailedException extends MPIException {
  private static final long serialVersionUID = 1L;
  private final String peer;

  PeerFailedException(String call, String peer, int errorCode, int errorClassValue, String errorString) {
    super(call + " [peer " + peer + " is dead]", errorCode, errorClassValue, errorString);
    this.peer = peer;
  }

  /** The dead peer: its port name, or its process key. */
  public String peer() {
    return peer;
  }
}
