package org.jmswk.agent;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Mutual authentication with the job secret, which never crosses the wire: an HMAC-SHA256
 * challenge/response over fresh random nonces from both sides.
 *
 * <pre>
 *   server -> client  HELLO   {proto, role, ns}                       ns: 32 random bytes
 *   client -> server  AUTH    {proto, role, nc, mac_c, info}          mac_c = HMAC(k, "jmswk-agent/1|client|" role | ns | nc)
 *   server -> client  WELCOME {mac_s, heartbeat_ms, dead_ms, info}     mac_s = HMAC(k, "jmswk-agent/1|server|" role | nc | ns)
 *                  or DENIED  {reason}, then the server closes
 * </pre>
 *
 * Each side proves the secret over a nonce the other chose, so a recorded exchange cannot be
 * replayed, and an agent never obeys a peer that cannot prove the secret either. Frames are
 * limited to {@link AgentSettings#HANDSHAKE_MAX_FRAME} and the whole exchange to the handshake
 * bound (the socket is closed when it expires, however slowly the peer trickles bytes).
 */
public final class Handshake {
  public static final String PROTOCOL = "jmswk-agent/1";
  /** Role of an agent connecting to its master. */
  public static final String ROLE_AGENT = "agent";
  /** Role of a {@code jmswk aexe} client connecting to a serving agent. */
  public static final String ROLE_AEXE = "aexe";
  /** Role of a task-farm executor worker connecting to its master ({@code org.jmswk.executor}). */
  public static final String ROLE_FARM_WORKER = "farm-worker";
  /** Role of a {@code jmswk ctl} client connecting to a job's control endpoint ({@code org.jmswk.control}). */
  public static final String ROLE_CONTROL = "control";
  private static final SecureRandom RANDOM = new SecureRandom();

  /** What the server learned of the client, or the client of the server. */
  public record Peer(Map<String, String> info, Duration heartbeat, Duration deadAfter) {}

  private Handshake() {}

  /** Server side: challenges the client; returns it on success, throws (after sending DENIED) on failure. */
  public static Peer serve(Socket socket, byte[] secret, String role, AgentSettings settings, Map<String, String> info)
      throws IOException {
    socket.setSoTimeout((int) settings.handshake().toMillis());
    Peer peer = serve(socket.getInputStream(), socket.getOutputStream(), socket, secret, role, settings, info);
    socket.setSoTimeout(0);
    return peer;
  }

  /**
   * Server side over any byte stream (a socket channel, Unix domain ones included): {@code closer}
   * is closed when the handshake bound runs out, which ends a blocked read.
   */
  public static Peer serve(InputStream in, OutputStream out, Closeable closer, byte[] secret, String role,
                           AgentSettings settings, Map<String, String> info) throws IOException {
    ScheduledFuture<?> guard = closeAfter(closer, settings.handshake());
    try {
      byte[] ns = nonce();
      FrameIO.write(out, Message.of(Message.Type.HELLO, "proto", PROTOCOL, "role", role, "nonce", ns),
          AgentSettings.HANDSHAKE_MAX_FRAME);
      Message auth = FrameIO.read(in, AgentSettings.HANDSHAKE_MAX_FRAME);
      if (auth.type() != Message.Type.AUTH) throw deny(out, "expected AUTH, got " + auth.type());
      if (!PROTOCOL.equals(auth.string("proto"))) throw deny(out, "protocol " + auth.string("proto") + " is not " + PROTOCOL);
      if (!role.equals(auth.string("role"))) throw deny(out, "this endpoint serves " + role + " connections, not " + auth.string("role"));
      byte[] nc = auth.bytes("nonce");
      if (nc.length != 32) throw deny(out, "client nonce must be 32 bytes");
      byte[] expected = mac(secret, "client", role, ns, nc);
      if (!MessageDigest.isEqual(expected, auth.bytes("mac"))) throw deny(out, "authentication failed (wrong job secret)");
      FrameIO.write(out, Message.of(Message.Type.WELCOME, "mac", mac(secret, "server", role, nc, ns),
          "heartbeat_ms", settings.heartbeat().toMillis(), "dead_ms", settings.deadAfter().toMillis(), "info", info),
          AgentSettings.HANDSHAKE_MAX_FRAME);
      return new Peer(auth.map("info"), settings.heartbeat(), settings.deadAfter());
    } finally {
      guard.cancel(false);
    }
  }

  /** Client side: answers the challenge and checks the server's proof; returns the server's settings. */
  public static Peer connect(Socket socket, byte[] secret, String role, AgentSettings settings, Map<String, String> info)
      throws IOException {
    socket.setSoTimeout((int) settings.handshake().toMillis());
    Peer peer = connect(socket.getInputStream(), socket.getOutputStream(), socket, secret, role, settings, info);
    socket.setSoTimeout(0);
    return peer;
  }

  /** Client side over any byte stream; {@code closer} is closed when the handshake bound runs out. */
  public static Peer connect(InputStream in, OutputStream out, Closeable closer, byte[] secret, String role,
                             AgentSettings settings, Map<String, String> info) throws IOException {
    ScheduledFuture<?> guard = closeAfter(closer, settings.handshake());
    try {
      Message hello = FrameIO.read(in, AgentSettings.HANDSHAKE_MAX_FRAME);
      if (hello.type() != Message.Type.HELLO) throw new ProtocolException("expected HELLO, got " + hello.type());
      if (!PROTOCOL.equals(hello.string("proto"))) throw new ProtocolException("peer speaks " + hello.string("proto") + ", not " + PROTOCOL);
      if (!role.equals(hello.string("role"))) throw new ProtocolException("peer serves " + hello.string("role") + " connections, not " + role);
      byte[] ns = hello.bytes("nonce");
      if (ns.length != 32) throw new ProtocolException("server nonce must be 32 bytes");
      byte[] nc = nonce();
      FrameIO.write(out, Message.of(Message.Type.AUTH, "proto", PROTOCOL, "role", role, "nonce", nc,
          "mac", mac(secret, "client", role, ns, nc), "info", info), AgentSettings.HANDSHAKE_MAX_FRAME);
      Message answer = FrameIO.read(in, AgentSettings.HANDSHAKE_MAX_FRAME);
      if (answer.type() == Message.Type.DENIED) throw new AuthenticationException("refused: " + answer.string("reason"));
      if (answer.type() != Message.Type.WELCOME) throw new ProtocolException("expected WELCOME, got " + answer.type());
      if (!MessageDigest.isEqual(mac(secret, "server", role, nc, ns), answer.bytes("mac"))) {
        throw new AuthenticationException("the peer could not prove the job secret");
      }
      long heartbeat = answer.number("heartbeat_ms");
      long dead = answer.number("dead_ms");
      if (heartbeat < 10 || dead < 2 * heartbeat || dead > 3_600_000) {
        throw new ProtocolException("peer sent unusable liveness settings: heartbeat " + heartbeat + " ms, dead after " + dead + " ms");
      }
      return new Peer(answer.map("info"), Duration.ofMillis(heartbeat), Duration.ofMillis(dead));
    } finally {
      guard.cancel(false);
    }
  }

  /** Authentication failed: the peer lacks the secret (or we do). */
  public static final class AuthenticationException extends ProtocolException {
    public AuthenticationException(String message) {
      super(message);
    }
  }

  private static AuthenticationException deny(OutputStream out, String reason) {
    try {
      FrameIO.write(out, Message.of(Message.Type.DENIED, "reason", reason), AgentSettings.HANDSHAKE_MAX_FRAME);
    } catch (IOException ignored) {
      // the peer is refused either way
    }
    return new AuthenticationException(reason);
  }

  static byte[] mac(byte[] secret, String side, String role, byte[] first, byte[] second) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      mac.update((PROTOCOL + "|" + side + "|" + role + "|").getBytes(StandardCharsets.UTF_8));
      mac.update(first);
      mac.update(second);
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  private static byte[] nonce() {
    byte[] n = new byte[32];
    RANDOM.nextBytes(n);
    return n;
  }

  private static ScheduledFuture<?> closeAfter(Closeable socket, Duration bound) {
    return Timers.SCHEDULER.schedule(() -> {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing is all we want
      }
    }, bound.toMillis(), TimeUnit.MILLISECONDS);
  }
}
