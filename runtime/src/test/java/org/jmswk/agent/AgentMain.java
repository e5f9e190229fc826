package org.jmswk.agent;

import java.util.Map;

/** A bare agent process for tests: {@code AgentMain HOST PORT NODE}; secret from JMSWK_JOB_SECRET. */
public final class AgentMain {
  private AgentMain() {}

  public static void main(String[] args) throws Exception {
    byte[] secret = JobSecret.load();
    String node = args[2];
    int code = new Agent(args[0], Integer.parseInt(args[1]), secret, AgentSettings.fromEnv(),
        Map.of("node", node, "host", Agent.localHostName(), "pid", Long.toString(ProcessHandle.current().pid())),
        line -> System.err.println("agent " + node + ": " + line)).run();
    System.exit(code);
  }
}
