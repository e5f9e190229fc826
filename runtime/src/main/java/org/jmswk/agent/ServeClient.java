package org.jmswk.agent;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The client end of a direct launch: connects to a serving agent, proves the job secret, sends
 * one LAUNCH and waits for the answer, all within one deadline (the socket is closed when it
 * expires, so nothing here can block longer).
 */
public final class ServeClient {
  /** How a launch ended. */
  public enum Kind {
    /** The worker runs; see pid. */
    STARTED,
    /** The agent could not start it (errno and message say why). */
    LAUNCH_FAILED,
    /** No answer within the deadline. */
    TIMEOUT,
    /** The agent refused us, or could not prove the secret. */
    AUTH_FAILED,
    /** Connection refused or broken, protocol error. */
    ERROR
  }

  public record Outcome(Kind kind, int pid, int errno, String message) {}

  private ServeClient() {}

  public static Outcome launch(String host, int port, byte[] secret, AgentSettings settings, String taskId,
                               WorkerSpec spec, Duration timeout) {
    long t0 = System.nanoTime();
    Socket socket = new Socket();
    AtomicBoolean expired = new AtomicBoolean();
    ScheduledFuture<?> guard = Timers.SCHEDULER.schedule(() -> {
      expired.set(true);
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing is all we want
      }
    }, timeout.toMillis(), TimeUnit.MILLISECONDS);
    try {
      socket.connect(new InetSocketAddress(host, port), (int) Math.max(1, timeout.toMillis()));
      // the handshake and the request share the caller's deadline
      long left = Math.max(100, timeout.toMillis() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
      AgentSettings bounded = new AgentSettings(settings.heartbeat(), settings.deadAfter(), settings.maxFrame(),
          Duration.ofMillis(left), settings.connect(), settings.captureBytes());
      Handshake.connect(socket, secret, Handshake.ROLE_AEXE, bounded, Map.of("role", "aexe"));
      socket.setSoTimeout((int) left);
      FrameIO.write(socket.getOutputStream(), spec.toMessage(taskId, 1), settings.maxFrame());
      Message m = FrameIO.read(socket.getInputStream(), settings.maxFrame());
      return switch (m.type()) {
        case STARTED -> new Outcome(Kind.STARTED, (int) m.number("pid"), 0, "");
        case LAUNCH_FAILED -> new Outcome(Kind.LAUNCH_FAILED, -1, (int) m.number("errno", 0), m.string("message"));
        case ERROR -> new Outcome(Kind.ERROR, -1, 0, "agent reports: " + m.string("message", "?"));
        default -> new Outcome(Kind.ERROR, -1, 0, "unexpected " + m.type() + " from the agent");
      };
    } catch (Handshake.AuthenticationException e) {
      return new Outcome(Kind.AUTH_FAILED, -1, 0, e.getMessage());
    } catch (IOException e) {
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      // the guard above, or the handshake's own one at the same deadline, may have closed the socket
      boolean pastDeadline = System.nanoTime() - t0 >= timeout.toNanos() - TimeUnit.MILLISECONDS.toNanos(100);
      if (expired.get() || pastDeadline || e instanceof java.net.SocketTimeoutException) {
        return new Outcome(Kind.TIMEOUT, -1, 0, "no answer within " + ms + " ms");
      }
      return new Outcome(Kind.ERROR, -1, 0, e.getMessage());
    } finally {
      guard.cancel(false);
      try {
        socket.close();
      } catch (IOException ignored) {
        // done
      }
    }
  }
}
