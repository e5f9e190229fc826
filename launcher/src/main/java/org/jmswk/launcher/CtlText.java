package org.jmswk.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.util.Iterator;
import java.util.Map;

/** {@code jmswk ctl}'s plain text: one line per reply, a small table for statistics, one line per monitoring sample. */
public final class CtlText {
  private CtlText() {}

  public static void print(JsonNode r, PrintStream out) {
    String state = r.path("state").asText();
    StringBuilder s = new StringBuilder(r.path("id").asText()).append(' ').append(state);
    if (r.has("reason")) s.append(": ").append(r.path("reason").asText());
    if (r.has("started")) s.append(": workers ").append(ids(r.path("started"))).append(" serving");
    if (r.has("stopped")) s.append(": workers ").append(ids(r.path("stopped"))).append(" drained and stopped");
    if (r.has("millis")) s.append(" in ").append(r.path("millis").asLong()).append(" ms");
    if (r.has("pool_size")) s.append("; pool size ").append(r.path("pool_size").asInt());
    if (r.has("monitoring")) s.append(": monitoring ").append(r.path("monitoring").asText());
    if (r.has("bound")) s.append(": bound ").append(ids(r.path("bound")));
    out.println(s);
    if (r.has("base_workers") && state.equals("done")) statistics(r, out);
  }

  private static String ids(JsonNode list) {
    StringBuilder s = new StringBuilder();
    for (JsonNode n : list) s.append(s.isEmpty() ? "" : ",").append(n.asText());
    return s.toString();
  }

  private static void statistics(JsonNode r, PrintStream out) {
    JsonNode t = r.path("total");
    out.printf("  %-22s %s (started with %s)%n", "pool size", r.path("pool_size").asInt(), r.path("base_workers").asInt());
    out.printf("  %-22s %s%n", "workers per node", pairs(r.path("workers_per_node")));
    out.printf("  %-22s %s%n", "slots per node", pairs(r.path("slots_per_node")));
    out.printf("  %-22s %s%n", "excluded nodes", r.path("excluded_nodes").isEmpty() ? "-" : ids(r.path("excluded_nodes")));
    out.printf("  %-22s %s%n", "reconfiguring", r.path("reconfiguring").isNull() ? "-" : r.path("reconfiguring").asText());
    out.printf("  %-22s %d done, %d failed, %d retried, %d lost, %d queued, %d running%n", "tasks",
        t.path("tasks_done").asLong(), t.path("tasks_failed").asLong(), t.path("tasks_retried").asLong(),
        t.path("tasks_lost").asLong(), r.path("tasks_queued").asLong(), t.path("tasks_running").asLong());
    out.printf("  %-22s %.3f s compute, %.3f s communication%n", "time", t.path("compute_ms").asDouble() / 1000,
        t.path("communication_ms").asDouble() / 1000);
  }

  private static String pairs(JsonNode o) {
    StringBuilder s = new StringBuilder();
    for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
      var e = it.next();
      s.append(s.isEmpty() ? "" : " ").append(e.getKey()).append('=').append(e.getValue().asText());
    }
    return s.isEmpty() ? "-" : s.toString();
  }

  /** A monitoring sample as one plain line: time, tasks done, compute s, communication s, I/O s, pool size, queued, failures. */
  public static String monitorLine(JsonNode m) {
    JsonNode io = m.path("io_ms");
    return String.format("%s tasks %d comp %.3f comm %.3f io %s size %d queued %d failed %d", m.path("time").asText(),
        m.path("tasks_done").asLong(), m.path("compute_ms").asDouble() / 1000, m.path("communication_ms").asDouble() / 1000,
        io.isNull() || io.isMissingNode() ? "-" : String.format("%.3f", io.asDouble() / 1000), m.path("pool_size").asInt(),
        m.path("tasks_queued").asLong(), m.path("tasks_failed").asLong() + m.path("tasks_lost").asLong());
  }
}
