package org.jmswk.agent;

import java.time.Duration;
import java.util.Map;

/**
 * Timing and size limits of agent connections, from {@code JMSWK_AGENT_*} environment
 * variables. The accepting side (the master, or a serving agent) sends its heartbeat interval
 * and dead-peer bound in its WELCOME and the connecting side adopts them, so both ends agree.
 *
 * <ul>
 *   <li>{@code JMSWK_AGENT_HEARTBEAT_MS} (default 500): each side sends a heartbeat this often.
 *   <li>{@code JMSWK_AGENT_DEAD_MS} (default 3000, at least twice the heartbeat): a peer from
 *       which nothing arrived for this long is lost; also the bound on one blocked send.
 *   <li>{@code JMSWK_AGENT_MAX_FRAME} (default 4 MiB, 4 KiB..64 MiB): the largest frame accepted.
 *   <li>{@code JMSWK_AGENT_HANDSHAKE_MS} (default 5000): the whole authentication exchange.
 *   <li>{@code JMSWK_AGENT_CONNECT_MS} (default 30000): how long an agent keeps trying to reach
 *       its master at start.
 *   <li>{@code JMSWK_AGENT_CAPTURE_BYTES} (default 65536): captured output sent back per stream
 *       (the tail, when there is more).
 * </ul>
 */
public record AgentSettings(Duration heartbeat, Duration deadAfter, int maxFrame, Duration handshake,
                            Duration connect, int captureBytes) {
  /** Frames before authentication are never larger than this. */
  public static final int HANDSHAKE_MAX_FRAME = 4096;

  public AgentSettings {
    if (heartbeat.toMillis() < 10) throw new IllegalArgumentException("heartbeat interval must be at least 10 ms");
    if (deadAfter.compareTo(heartbeat.multipliedBy(2)) < 0) {
      throw new IllegalArgumentException("dead-peer bound (" + deadAfter.toMillis()
          + " ms) must be at least twice the heartbeat interval (" + heartbeat.toMillis() + " ms)");
    }
    if (maxFrame < FrameIO.MIN_MAX_FRAME || maxFrame > 64 << 20) {
      throw new IllegalArgumentException("maximum frame size must be between 4 KiB and 64 MiB, not " + maxFrame);
    }
    if (captureBytes < 0 || captureBytes > maxFrame / 4) {
      throw new IllegalArgumentException("captured output per stream must be between 0 and a quarter of the"
          + " maximum frame (" + maxFrame / 4 + " bytes), not " + captureBytes);
    }
    if (handshake.toMillis() < 100) throw new IllegalArgumentException("handshake bound must be at least 100 ms");
    if (connect.isNegative()) throw new IllegalArgumentException("connect bound must not be negative");
  }

  public static AgentSettings defaults() {
    return new AgentSettings(Duration.ofMillis(500), Duration.ofMillis(3000), 4 << 20, Duration.ofMillis(5000),
        Duration.ofMillis(30000), 64 << 10);
  }

  /** From the process environment. */
  public static AgentSettings fromEnv() {
    return fromEnv(System.getenv());
  }

  /** From {@code env}; a malformed value is an {@link IllegalArgumentException} naming the variable. */
  public static AgentSettings fromEnv(Map<String, String> env) {
    AgentSettings d = defaults();
    long heartbeat = number(env, "JMSWK_AGENT_HEARTBEAT_MS", d.heartbeat.toMillis());
    long dead = number(env, "JMSWK_AGENT_DEAD_MS", Math.max(d.deadAfter.toMillis(), heartbeat * 3));
    return new AgentSettings(Duration.ofMillis(heartbeat), Duration.ofMillis(dead),
        (int) number(env, "JMSWK_AGENT_MAX_FRAME", d.maxFrame),
        Duration.ofMillis(number(env, "JMSWK_AGENT_HANDSHAKE_MS", d.handshake.toMillis())),
        Duration.ofMillis(number(env, "JMSWK_AGENT_CONNECT_MS", d.connect.toMillis())),
        (int) number(env, "JMSWK_AGENT_CAPTURE_BYTES", d.captureBytes));
  }

  /** The same settings with another heartbeat interval and dead-peer bound. */
  public AgentSettings withLiveness(Duration heartbeat, Duration deadAfter) {
    return new AgentSettings(heartbeat, deadAfter, maxFrame, handshake, connect, captureBytes);
  }

  public AgentSettings withMaxFrame(int bytes) {
    return new AgentSettings(heartbeat, deadAfter, bytes, handshake, connect, Math.min(captureBytes, bytes / 4));
  }

  public AgentSettings withConnect(Duration bound) {
    return new AgentSettings(heartbeat, deadAfter, maxFrame, handshake, bound, captureBytes);
  }

  private static long number(Map<String, String> env, String name, long fallback) {
    String v = env.get(name);
    if (v == null || v.isBlank()) return fallback;
    try {
      long n = Long.parseLong(v.strip());
      if (n < 0 || n > Integer.MAX_VALUE) throw new NumberFormatException();
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + "=" + v + " is not a non-negative whole number");
    }
  }
}
