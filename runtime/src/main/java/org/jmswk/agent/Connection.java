package org.jmswk.agent;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * An authenticated agent connection with liveness in both directions: each side sends a
 * heartbeat every interval, and a peer from which nothing (heartbeat or message) arrived within
 * the dead-peer bound is lost: the connection is closed, which ends the blocked receive with a
 * {@link PeerLostException} naming the reason. A send that stays blocked longer than the same
 * bound (peer alive but not reading, or a cut network with full buffers) closes it too. So
 * every call here returns or fails within about the dead-peer bound plus one heartbeat.
 */
public final class Connection implements Closeable {
  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;
  private final String peer;
  private final Duration heartbeat;
  private final Duration deadAfter;
  private final int maxFrame;
  private final Object writeLock = new Object();
  private volatile long lastReceived = System.nanoTime();
  private volatile long sendStarted;
  private volatile String closeReason;
  private volatile long closedAt;
  private ScheduledFuture<?> ticker;

  /** The peer is gone or broke the protocol; the message says which and why. */
  public static final class PeerLostException extends IOException {
    public PeerLostException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  public Connection(Socket socket, String peer, Duration heartbeat, Duration deadAfter, int maxFrame) throws IOException {
    this.socket = socket;
    this.peer = peer;
    this.heartbeat = heartbeat;
    this.deadAfter = deadAfter;
    this.maxFrame = maxFrame;
    socket.setTcpNoDelay(true);
    socket.setSoTimeout((int) (deadAfter.toMillis() + heartbeat.toMillis()));
    this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 64 << 10));
    this.out = new BufferedOutputStream(socket.getOutputStream(), 64 << 10);
  }

  /** Starts sending heartbeats and watching the peer's. */
  public synchronized Connection startLiveness() {
    if (ticker == null) {
      ticker = Timers.SCHEDULER.scheduleAtFixedRate(this::tick, heartbeat.toMillis(), heartbeat.toMillis(),
          TimeUnit.MILLISECONDS);
    }
    return this;
  }

  private void tick() {
    if (isClosed()) return;
    long now = System.nanoTime();
    long silent = TimeUnit.NANOSECONDS.toMillis(now - lastReceived);
    if (silent > deadAfter.toMillis()) {
      close("nothing from " + peer + " for " + silent + " ms (bound " + deadAfter.toMillis() + " ms)");
      return;
    }
    long started = sendStarted;
    if (started != 0 && TimeUnit.NANOSECONDS.toMillis(now - started) > deadAfter.toMillis()) {
      close("a send to " + peer + " blocked for more than " + deadAfter.toMillis() + " ms");
      return;
    }
    if (started == 0) {
      Thread.ofVirtual().name("jmswk-heartbeat").start(() -> {
        try {
          send(Message.of(Message.Type.HEARTBEAT));
        } catch (IOException e) {
          close("heartbeat to " + peer + " failed: " + e.getMessage());
        }
      });
    }
  }

  /** Sends one message; fails at once on a closed connection, and within the dead-peer bound if blocked. */
  public void send(Message m) throws IOException {
    synchronized (writeLock) {
      if (isClosed()) throw new PeerLostException("connection to " + peer + " is closed: " + closeReason, null);
      sendStarted = System.nanoTime();
      try {
        FrameIO.write(out, m, maxFrame);
      } catch (FrameIO.FrameTooLargeException e) {
        throw e; // nothing was written: the connection is still good
      } catch (IOException e) {
        close("send to " + peer + " failed: " + e.getMessage());
        throw new PeerLostException(closeReason, e);
      } finally {
        sendStarted = 0;
      }
    }
  }

  /**
   * The next message other than a heartbeat. A lost peer, an oversized or malformed frame or
   * any other failure closes the connection and throws {@link PeerLostException}.
   */
  public Message receive() throws PeerLostException {
    while (true) {
      Message m;
      try {
        m = FrameIO.read(in, maxFrame);
      } catch (ProtocolException e) {
        close("protocol error from " + peer + ": " + e.getMessage());
        throw new PeerLostException(closeReason, e);
      } catch (EOFException e) {
        close(peer + " closed the connection");
        throw new PeerLostException(closeReason, e);
      } catch (SocketTimeoutException e) {
        close("nothing from " + peer + " for " + socketTimeout() + " ms");
        throw new PeerLostException(closeReason, e);
      } catch (IOException e) {
        close("connection to " + peer + " failed: " + e.getMessage());
        throw new PeerLostException(closeReason, e);
      }
      lastReceived = System.nanoTime();
      if (m.type() != Message.Type.HEARTBEAT) return m;
    }
  }

  private int socketTimeout() {
    try {
      return socket.getSoTimeout();
    } catch (IOException e) {
      return -1;
    }
  }

  public boolean isClosed() {
    return closeReason != null;
  }

  /** Why the connection was closed, or null while it is open. */
  public String closeReason() {
    return closeReason;
  }

  /** System.nanoTime() when it was closed (0 while open). */
  public long closedAt() {
    return closedAt;
  }

  public String peer() {
    return peer;
  }

  public Duration deadAfter() {
    return deadAfter;
  }

  /** Closes with a reason (the first reason given wins). Never blocks. */
  public void close(String reason) {
    synchronized (this) {
      if (closeReason != null) return;
      closeReason = reason;
      closedAt = System.nanoTime();
      if (ticker != null) ticker.cancel(false);
    }
    try {
      socket.close();
    } catch (IOException ignored) {
      // closed either way
    }
  }

  @Override
  public void close() {
    close("closed locally");
  }
}
