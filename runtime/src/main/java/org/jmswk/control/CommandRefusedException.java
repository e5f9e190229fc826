package org.jmswk.control;

/** A control command that is malformed or not allowed: the message names the problem; nothing was done. */
public final class CommandRefusedException extends Exception {
  public CommandRefusedException(String message) {
    super(message);
  }
}
