package org.jmswk.examples.agent;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where the examples' workers send their results: a TCP socket that takes one line
 * {@code TOKEN TASK RESULT HOST} per connection. The token (handed to workers in their
 * environment, never on a command line) keeps strangers from posting results; each connection
 * is bounded (2 s to send the line, 256 bytes at most).
 */
public final class ResultServer implements AutoCloseable {
  /** One worker's answer. */
  public record Result(int task, long value, String host) {}

  private final ServerSocket server;
  private final String token;
  private final Map<Integer, Result> results = new ConcurrentHashMap<>();
  private volatile boolean closed;

  public ResultServer(String bindHost) throws IOException {
    server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getByName(bindHost), 0), 128);
    byte[] t = new byte[16];
    new SecureRandom().nextBytes(t);
    token = HexFormat.of().formatHex(t);
    Thread.ofVirtual().start(this::acceptLoop);
  }

  public int port() {
    return server.getLocalPort();
  }

  public String token() {
    return token;
  }

  public Map<Integer, Result> results() {
    return results;
  }

  /** Waits until {@code n} results are in; false if not within {@code bound}. */
  public boolean await(int n, Duration bound) throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    while (results.size() < n) {
      if (System.nanoTime() > deadline) return false;
      Thread.sleep(20);
    }
    return true;
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket s = server.accept();
        Thread.ofVirtual().start(() -> take(s));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void take(Socket s) {
    try (s) {
      s.setSoTimeout(2000);
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8), 256);
      char[] buf = new char[256];
      int n = 0;
      int c;
      while (n < buf.length && (c = in.read()) != -1 && c != '\n') buf[n++] = (char) c;
      String[] f = new String(buf, 0, n).strip().split(" ");
      if (f.length != 4 || !MessageDigest.isEqual(f[0].getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))) {
        System.err.println("master: ignored a result from " + s.getRemoteSocketAddress() + " (bad token or format)");
        return;
      }
      int task = Integer.parseInt(f[1]);
      results.putIfAbsent(task, new Result(task, Long.parseLong(f[2]), f[3]));
    } catch (SocketTimeoutException e) {
      System.err.println("master: a worker connected but sent no result within 2 s");
    } catch (IOException | NumberFormatException e) {
      System.err.println("master: bad result connection: " + e.getMessage());
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException ignored) {
      // closing
    }
  }
}
