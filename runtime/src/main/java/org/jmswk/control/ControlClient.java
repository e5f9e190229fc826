package org.jmswk.control;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.jmswk.agent.AgentSettings;
import org.jmswk.agent.Handshake;

/**
 * The client side of a job's control endpoint ({@code jmswk ctl}): connects, proves the job
 * secret (and checks that the endpoint proves it too), sends command lines and reads the JSON
 * lines that come back. Every read is bounded by the timeout given.
 */
public final class ControlClient implements AutoCloseable {
  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  private ControlClient(Socket socket, DataInputStream in, OutputStream out) {
    this.socket = socket;
    this.in = in;
    this.out = out;
  }

  /** The address published in job directory {@code jobDir}: host and port. */
  public static InetSocketAddress address(Path jobDir) throws IOException {
    Path file = jobDir.resolve(ControlEndpoint.ADDRESS_FILE);
    if (!Files.exists(file)) {
      throw new IOException("job " + jobDir.getFileName() + " has no control endpoint (" + file
          + " is missing: the job has ended, has not started its executor yet, or runs no FarmExecutor)");
    }
    String a = Files.readString(file).strip();
    int colon = a.lastIndexOf(':');
    if (!a.startsWith("tcp:") || colon <= 4) throw new IOException(file + " does not hold tcp:HOST:PORT but '" + a + "'");
    try {
      return new InetSocketAddress(a.substring(4, colon), Integer.parseInt(a.substring(colon + 1)));
    } catch (IllegalArgumentException e) {
      throw new IOException(file + " holds a bad address '" + a + "'");
    }
  }

  /** Connects and authenticates within {@code timeout}; a refusal or a peer that cannot prove the secret throws. */
  public static ControlClient connect(InetSocketAddress address, byte[] secret, Duration timeout) throws IOException {
    Socket s = new Socket();
    try {
      s.connect(address, (int) timeout.toMillis());
      s.setTcpNoDelay(true);
      DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
      Handshake.connect(in, s.getOutputStream(), s, secret, Handshake.ROLE_CONTROL, AgentSettings.defaults(),
          Map.of("client", "jmswk ctl"));
      return new ControlClient(s, in, s.getOutputStream());
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  /** Sends one command line. */
  public void send(String command) throws IOException {
    out.write((command.strip() + "\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** The next JSON line, waiting at most {@code timeout} (zero: for ever); null when the endpoint closed. */
  public JsonNode next(Duration timeout) throws IOException {
    socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    String line = ControlSession.readLine(in, 1 << 24);
    return line == null ? null : Reply.JSON.readTree(line);
  }

  /** True for a reply state after which nothing more comes for that request. */
  public static boolean isFinal(JsonNode reply) {
    String state = reply.path("state").asText();
    return reply.path("type").asText().equals("reply") && !state.equals(Reply.ACCEPTED);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
