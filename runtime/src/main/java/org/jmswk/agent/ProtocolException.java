package org.jmswk.agent;

import java.io.IOException;

/**
 * A peer broke the agent protocol: an oversized or malformed frame, an unexpected message, a
 * failed authentication. The connection it came from is closed; nothing of the offending frame
 * was applied.
 */
public class ProtocolException extends IOException {
  public ProtocolException(String message) {
    super(message);
  }

  public ProtocolException(String message, Throwable cause) {
    super(message, cause);
  }
}
