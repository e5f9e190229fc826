package org.jmswk.control;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parses control commands, pure (no I/O). Two spellings of the same commands:
 *
 * <ul>
 *   <li>the malleable-MPI runtime's text, accepted as is: {@code 6:node1:2:node2:1} (grow),
 *       {@code 6:node1:-1} (shrink), {@code 4:on} / {@code 4:off} (monitoring; {@code 4:on:500}
 *       with an interval in ms), {@code 3} (statistics), {@code 5} (terminate), {@code 2} (load
 *       balance), {@code 8:rank:core[:rank:core...]} (bind);</li>
 *   <li>JSON, one object: {@code {"id":"r1","command":"resize","nodes":{"node1":2}}},
 *       {@code {"command":"monitor","on":true,"interval_ms":500}}, {@code {"command":"statistics"}},
 *       {@code "terminate"}, {@code "balance"}, {@code {"command":"bind","bindings":[{"rank":1,"core":0}]}},
 *       or the text form wrapped: {@code {"id":"r1","command":"6:node1:2"}}.</li>
 * </ul>
 *
 * Anything else is refused with a {@link CommandRefusedException} naming the problem; no other
 * exception leaves {@link #parse} (fuzzed in the tests).
 */
public final class CommandParser {
  /** The longest command accepted, in characters (the endpoint bounds bytes the same). */
  public static final int MAX_COMMAND_CHARS = 4096;
  public static final int MAX_WORKERS_PER_NODE = 100_000;
  private static final Pattern NODE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,252}");
  private static final Pattern NUMBER = Pattern.compile("[+-]?[0-9]{1,9}");
  private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
  private static final String KNOWN = "known: 2 balance, 3 statistics, 4 monitoring, 5 terminate, 6 grow/shrink, 8 bind";
  private static final JsonMapper JSON = JsonMapper.builder()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  private CommandParser() {}

  /** One command line (text or JSON) with its request id, if the client gave one. */
  public static ControlCommand.Request parse(String line) throws CommandRefusedException {
    if (line == null) throw new CommandRefusedException("empty command");
    if (line.length() > MAX_COMMAND_CHARS) {
      throw new CommandRefusedException("command of " + line.length() + " characters is over the limit of " + MAX_COMMAND_CHARS);
    }
    String s = line.strip();
    if (s.isEmpty()) throw new CommandRefusedException("empty command (" + KNOWN + ")");
    if (s.startsWith("{")) return json(s);
    return new ControlCommand.Request(null, text(s));
  }

  /** The original's text syntax. */
  public static ControlCommand text(String s) throws CommandRefusedException {
    String[] f = s.split(":", -1);
    for (int i = 0; i < f.length; i++) f[i] = f[i].strip();
    String code = f[0];
    return switch (code) {
      case "6" -> resize(f, s);
      case "4" -> monitor(f, s);
      case "3" -> bare(f, new ControlCommand.Statistics(), "statistics");
      case "5" -> bare(f, new ControlCommand.Terminate(), "terminate");
      case "2" -> bare(f, new ControlCommand.Balance(), "load balance");
      case "8" -> bind(f, s);
      default -> throw new CommandRefusedException("unknown command '" + shorten(code) + "' in '" + shorten(s) + "' (" + KNOWN + ")");
    };
  }

  private static ControlCommand bare(String[] f, ControlCommand c, String name) throws CommandRefusedException {
    if (f.length != 1) throw new CommandRefusedException("command " + f[0] + " (" + name + ") takes no arguments");
    return c;
  }

  private static ControlCommand resize(String[] f, String s) throws CommandRefusedException {
    if (f.length < 3 || f.length % 2 == 0) {
      throw new CommandRefusedException("grow/shrink is 6:node:count[:node:count...] (e.g. 6:node1:2:node2:1, negative counts"
          + " shrink), not '" + shorten(s) + "'");
    }
    Map<String, Integer> perNode = new LinkedHashMap<>();
    for (int i = 1; i < f.length; i += 2) perNode.merge(node(f[i], perNode), count(f[i + 1], f[i]), Integer::sum);
    return resize(perNode);
  }

  /** The rules every resize obeys whatever its spelling: zeros dropped, something left, one sign. */
  private static ControlCommand resize(Map<String, Integer> given) throws CommandRefusedException {
    Map<String, Integer> perNode = new LinkedHashMap<>();
    given.forEach((n, c) -> {
      if (c != 0) perNode.put(n, c);
    });
    if (perNode.isEmpty()) throw new CommandRefusedException("grow/shrink: every count is 0, nothing to change");
    boolean up = perNode.values().iterator().next() > 0;
    for (var e : perNode.entrySet()) {
      if ((e.getValue() > 0) != up) {
        throw new CommandRefusedException("grow/shrink: signs are mixed (" + e.getKey() + " " + e.getValue()
            + "): grow and shrink are separate commands");
      }
    }
    return new ControlCommand.Resize(perNode);
  }

  private static String node(String name, Map<String, Integer> seen) throws CommandRefusedException {
    if (!NODE.matcher(name).matches()) {
      throw new CommandRefusedException("'" + shorten(name) + "' is not a node name (letters, digits, '.', '_', '-')");
    }
    if (seen.containsKey(name)) throw new CommandRefusedException("node " + name + " is given twice");
    return name;
  }

  private static int count(String value, String node) throws CommandRefusedException {
    if (!NUMBER.matcher(value).matches()) {
      throw new CommandRefusedException("the count for " + shorten(node) + " is '" + shorten(value) + "', not a whole number");
    }
    long n = Long.parseLong(value);
    if (Math.abs(n) > MAX_WORKERS_PER_NODE) {
      throw new CommandRefusedException("the count for " + node + " is " + n + ": at most " + MAX_WORKERS_PER_NODE + " either way");
    }
    return (int) n;
  }

  private static ControlCommand monitor(String[] f, String s) throws CommandRefusedException {
    if (f.length < 2 || f.length > 3) throw new CommandRefusedException("monitoring is 4:on[:interval_ms] or 4:off, not '" + shorten(s) + "'");
    String what = f[1].toLowerCase(java.util.Locale.ROOT);
    if (what.equals("off")) {
      if (f.length == 3) throw new CommandRefusedException("4:off takes no interval");
      return new ControlCommand.Monitor(false, null);
    }
    if (!what.equals("on")) throw new CommandRefusedException("monitoring is 4:on or 4:off, not 4:" + shorten(f[1]));
    return new ControlCommand.Monitor(true, f.length == 3 ? interval(f[2]) : null);
  }

  private static Duration interval(String ms) throws CommandRefusedException {
    if (!NUMBER.matcher(ms).matches()) throw new CommandRefusedException("monitoring interval '" + shorten(ms) + "' is not a number of ms");
    return interval(Long.parseLong(ms));
  }

  private static Duration interval(long ms) throws CommandRefusedException {
    if (ms < 50 || ms > 3_600_000) throw new CommandRefusedException("monitoring interval must be 50 to 3600000 ms, not " + ms);
    return Duration.ofMillis(ms);
  }

  private static ControlCommand bind(String[] f, String s) throws CommandRefusedException {
    if (f.length < 3 || f.length % 2 == 0) {
      throw new CommandRefusedException("bind is 8:rank:core[:rank:core...], not '" + shorten(s) + "'");
    }
    List<ControlCommand.Binding> bindings = new ArrayList<>();
    for (int i = 1; i < f.length; i += 2) bindings.add(binding(natural(f[i], "rank"), natural(f[i + 1], "core")));
    return bind(bindings);
  }

  private static ControlCommand.Binding binding(long rank, long core) throws CommandRefusedException {
    if (rank > 1_000_000) throw new CommandRefusedException("rank " + rank + " is out of range");
    if (core > 65_535) throw new CommandRefusedException("core " + core + " is out of range");
    return new ControlCommand.Binding((int) rank, (int) core);
  }

  private static ControlCommand bind(List<ControlCommand.Binding> bindings) throws CommandRefusedException {
    if (bindings.isEmpty()) throw new CommandRefusedException("bind: no rank:core pair");
    Set<Integer> ranks = new HashSet<>();
    for (var b : bindings) if (!ranks.add(b.rank())) throw new CommandRefusedException("bind: rank " + b.rank() + " is given twice");
    return new ControlCommand.Bind(bindings);
  }

  private static long natural(String v, String what) throws CommandRefusedException {
    if (!v.matches("[0-9]{1,9}")) throw new CommandRefusedException("bind: " + what + " '" + shorten(v) + "' is not a number >= 0");
    return Long.parseLong(v);
  }

  // ---- JSON -------------------------------------------------------------------------------

  private static ControlCommand.Request json(String s) throws CommandRefusedException {
    JsonNode root;
    try {
      root = JSON.readTree(s);
    } catch (JsonProcessingException e) {
      throw new CommandRefusedException("malformed JSON command: " + shorten(e.getOriginalMessage()));
    }
    if (root == null || !root.isObject()) throw new CommandRefusedException("a JSON command is one object");
    String id = null;
    JsonNode idNode = root.get("id");
    if (idNode != null) {
      if (!idNode.isTextual() || !REQUEST_ID.matcher(idNode.asText()).matches()) {
        throw new CommandRefusedException("\"id\" must be a string of 1 to 64 letters, digits, '.', '_', ':' or '-'");
      }
      id = idNode.asText();
    }
    JsonNode cmd = root.get("command");
    if (cmd == null || !cmd.isTextual()) throw new CommandRefusedException("a JSON command needs \"command\" (a string)");
    String name = cmd.asText();
    ControlCommand c = switch (name) {
      case "resize" -> {
        only(root, "nodes");
        JsonNode nodes = root.get("nodes");
        if (nodes == null || !nodes.isObject()) throw new CommandRefusedException("resize needs \"nodes\": {\"node\": count, ...}");
        Map<String, Integer> perNode = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = nodes.fields(); it.hasNext(); ) {
          var e = it.next();
          String node = node(e.getKey(), perNode);
          perNode.put(node, (int) integral(e.getValue(), "the count for " + shorten(node), -MAX_WORKERS_PER_NODE, MAX_WORKERS_PER_NODE));
        }
        yield resize(perNode);
      }
      case "monitor" -> {
        only(root, "on", "interval_ms");
        JsonNode on = root.get("on");
        if (on == null || !on.isBoolean()) throw new CommandRefusedException("monitor needs \"on\": true or false");
        JsonNode ms = root.get("interval_ms");
        if (ms != null && !on.asBoolean()) throw new CommandRefusedException("monitor off takes no interval");
        yield new ControlCommand.Monitor(on.asBoolean(), ms == null ? null : interval(integral(ms, "interval_ms", 50, 3_600_000)));
      }
      case "statistics" -> only(root, new ControlCommand.Statistics());
      case "terminate" -> only(root, new ControlCommand.Terminate());
      case "balance" -> only(root, new ControlCommand.Balance());
      case "bind" -> {
        only(root, "bindings");
        JsonNode list = root.get("bindings");
        if (list == null || !list.isArray()) throw new CommandRefusedException("bind needs \"bindings\": [{\"rank\": r, \"core\": c}, ...]");
        List<ControlCommand.Binding> bindings = new ArrayList<>();
        for (JsonNode b : list) {
          if (!b.isObject()) throw new CommandRefusedException("each binding is {\"rank\": r, \"core\": c}");
          only(b, "rank", "core");
          bindings.add(binding(integral(b.get("rank"), "rank", 0, 1_000_000), integral(b.get("core"), "core", 0, 65_535)));
        }
        yield bind(bindings);
      }
      default -> {
        if (!name.isEmpty() && Character.isDigit(name.charAt(0))) {
          only(root);
          yield text(name.strip());
        }
        throw new CommandRefusedException("unknown command \"" + shorten(name)
            + "\" (known: resize, monitor, statistics, terminate, balance, bind, or the text form such as \"6:node1:2\")");
      }
    };
    return new ControlCommand.Request(id, c);
  }

  private static ControlCommand only(JsonNode o, ControlCommand c) throws CommandRefusedException {
    only(o);
    return c;
  }

  /** Refuses fields other than id, command and {@code allowed}: a misspelt field is an error, not ignored. */
  private static void only(JsonNode o, String... allowed) throws CommandRefusedException {
    Set<String> ok = new HashSet<>(List.of(allowed));
    ok.add("id");
    ok.add("command");
    boolean top = o.has("command");
    for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!(top ? ok.contains(f) : List.of(allowed).contains(f))) {
        throw new CommandRefusedException("unknown field \"" + shorten(f) + "\"" + (allowed.length == 0 ? "" : " (known: " + String.join(", ", allowed) + ")"));
      }
    }
  }

  private static long integral(JsonNode n, String what, long min, long max) throws CommandRefusedException {
    if (n == null) throw new CommandRefusedException(what + " is missing");
    if (!n.isIntegralNumber() || !n.canConvertToLong()) throw new CommandRefusedException(what + " must be a whole number");
    long v = n.asLong();
    if (v < min || v > max) throw new CommandRefusedException(what + " must be " + min + " to " + max + ", not " + v);
    return v;
  }

  /** A user string quoted in a message, cut so that a refusal stays one readable line. */
  static String shorten(String s) {
    if (s == null) return "";
    String t = s.replaceAll("\\p{Cntrl}", "?");
    return t.length() <= 40 ? t : t.substring(0, 40) + "...";
  }
}
