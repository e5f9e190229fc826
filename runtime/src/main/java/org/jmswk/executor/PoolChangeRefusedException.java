package org.jmswk.executor;

/**
 * A grow or shrink the executor refused before changing anything: the message names the rule.
 * {@link #busy()}: refused only because another reconfiguration is still under way.
 */
public final class PoolChangeRefusedException extends RuntimeException {
  private final boolean busy;

  public PoolChangeRefusedException(String message, boolean busy) {
    super(message);
    this.busy = busy;
  }

  public boolean busy() {
    return busy;
  }
}
