package org.jmswk.agent;

import java.io.Closeable;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.Semaphore;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The accept loop both agent servers share: each connection is handled on a virtual thread,
 * at most {@code permits} at once; one more is refused and logged with its address.
 */
final class Acceptor {
  private Acceptor() {}

  /**
   * Accepts on {@code server} until {@code closing} is true or the socket is closed; hands
   * each connection and its peer's address to {@code handler}.
   */
  static void loop(ServerSocket server, BooleanSupplier closing, Semaphore permits, String what, String threadName,
                   Consumer<String> log, BiConsumer<Socket, String> handler) {
    while (!closing.getAsBoolean()) {
      Socket socket;
      try {
        socket = server.accept();
      } catch (IOException e) {
        if (!closing.getAsBoolean()) log.accept("accept failed: " + e.getMessage());
        return;
      }
      String from = socket.getRemoteSocketAddress().toString();
      if (!permits.tryAcquire()) {
        log.accept("refused connection from " + from + ": too many " + what + " under way");
        closeQuietly(socket);
        continue;
      }
      Thread.ofVirtual().name(threadName).start(() -> {
        try {
          handler.accept(socket, from);
        } finally {
          permits.release();
        }
      });
    }
  }

  static void closeQuietly(Closeable c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // closing is all we want
    }
  }
}
