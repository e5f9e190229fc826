package org.jmswk.control;

import static org.jmswk.executor.ExecutorOptions.number;

import java.time.Duration;
import java.util.Map;

/**
 * The control endpoint's tunables (README, Tunables): {@code JMSWK_CONTROL} (1; 0 turns the
 * endpoint off), {@code JMSWK_CONTROL_BIND} (the executor's choice: loopback, all interfaces in
 * multi-node jobs), {@code JMSWK_CONTROL_PORT} (0: any free port), {@code
 * JMSWK_CONTROL_GROW_TIMEOUT_S} (60: a grow not serving by then is rolled back), {@code
 * JMSWK_CONTROL_MONITOR_INTERVAL_MS} (1000), {@code JMSWK_CONTROL_MAX_CLIENTS} (16 connections
 * at once).
 */
public record ControlSettings(boolean enabled, String bind, int port, Duration growTimeout, Duration monitorInterval,
                              int maxClients) {
  public static ControlSettings fromEnv(Map<String, String> env) {
    String on = env.getOrDefault("JMSWK_CONTROL", "1").strip();
    if (!on.equals("0") && !on.equals("1")) throw new IllegalArgumentException("JMSWK_CONTROL must be 0 or 1, not '" + on + "'");
    String bind = env.get("JMSWK_CONTROL_BIND");
    return new ControlSettings(on.equals("1"), bind == null || bind.isBlank() ? null : bind.strip(),
        (int) number(env, "JMSWK_CONTROL_PORT", 0, 0, 65_535),
        Duration.ofSeconds(number(env, "JMSWK_CONTROL_GROW_TIMEOUT_S", 60, 1, 86_400)),
        Duration.ofMillis(number(env, "JMSWK_CONTROL_MONITOR_INTERVAL_MS", 1000, 50, 3_600_000)),
        (int) number(env, "JMSWK_CONTROL_MAX_CLIENTS", 16, 1, 1024));
  }
}
