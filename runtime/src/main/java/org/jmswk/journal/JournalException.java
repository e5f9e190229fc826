package org.jmswk.journal;

/** A journal that cannot be used or written; the message is one line naming the file and the problem. */
public final class JournalException extends RuntimeException {
  public JournalException(String message) {
    super(message);
  }

  public JournalException(String message, Throwable cause) {
    super(message, cause);
  }
}
