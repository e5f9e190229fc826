package org.jmswk.control;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.jmswk.agent.Handshake;

/**
 * One authenticated control connection: the handshake first (nothing is read as a command
 * before the peer proved the job secret), then one command a line, each answered with JSON
 * lines. An oversized line is refused and the connection closed (it cannot be resynchronised);
 * a malformed one is refused and the connection goes on.
 */
final class ControlSession {
  private final ControlEndpoint endpoint;
  private final Socket socket;
  private final long number;
  private OutputStream out;
  private int requests;
  private CommandHandler handler;

  ControlSession(ControlEndpoint endpoint, Socket socket, long number) {
    this.endpoint = endpoint;
    this.socket = socket;
    this.number = number;
  }

  void run() {
    String peer = ControlEndpoint.peer(socket);
    DataInputStream in;
    try {
      socket.setTcpNoDelay(true);
      in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
      out = socket.getOutputStream();
      Handshake.serve(in, out, socket, endpoint.secret(), Handshake.ROLE_CONTROL, endpoint.handshakeSettings(),
          Map.of("pid", Long.toString(ProcessHandle.current().pid())));
    } catch (IOException | RuntimeException e) {
      ControlEndpoint.log("refused " + peer + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
      return;
    }
    handler = new CommandHandler(endpoint.executor(), endpoint.settings(), this::send);
    try {
      while (true) {
        String line = readLine(in, CommandParser.MAX_COMMAND_CHARS);
        if (line == null) return;
        String id = "c" + number + "-" + ++requests;
        ControlCommand.Request request;
        try {
          request = CommandParser.parse(line);
        } catch (CommandRefusedException e) {
          ControlEndpoint.log("refused a command from " + peer + ": " + e.getMessage());
          send(Reply.line(id, CommandParser.shorten(line.strip()), Reply.FAILED, e.getMessage(), null));
          continue;
        }
        handler.handle(request.id() != null ? request.id() : id, line.strip(), request.command());
      }
    } catch (OversizedException e) {
      ControlEndpoint.log("refused " + peer + ": " + e.getMessage());
      send(Reply.line("c" + number + "-" + ++requests, "", Reply.FAILED, e.getMessage() + "; connection closed", null));
    } catch (IOException e) {
      // the client went away
    } finally {
      handler.stop();
    }
  }

  /** Writes one JSON line; false when the client is gone. */
  synchronized boolean send(String jsonLine) {
    try {
      out.write((jsonLine + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      return true;
    } catch (IOException e) {
      ControlEndpoint.closeQuietly(socket);
      return false;
    }
  }

  private static final class OversizedException extends IOException {
    OversizedException(String m) {
      super(m);
    }
  }

  /** A line of at most {@code max} bytes (without its newline), or null at the end of the stream. */
  static String readLine(InputStream in, int max) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    while (true) {
      int c = in.read();
      if (c < 0) return b.size() == 0 ? null : b.toString(StandardCharsets.UTF_8);
      if (c == '\n') return b.toString(StandardCharsets.UTF_8);
      if (b.size() >= max) throw new OversizedException("a command of more than " + max + " bytes");
      b.write(c);
    }
  }
}
