package org.jmswk.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One line the endpoint sends: a reply to a request ({@code id}, {@code state}: accepted, busy,
 * done or failed, {@code reason} when not accepted or done, and the command's figures), or a
 * monitoring sample ({@code "type":"monitor"}). Newline-delimited JSON.
 */
public final class Reply {
  public static final String ACCEPTED = "accepted";
  public static final String BUSY = "busy";
  public static final String DONE = "done";
  public static final String FAILED = "failed";
  static final JsonMapper JSON = JsonMapper.builder().build();

  private Reply() {}

  public static String line(String id, String command, String state, String reason, Map<String, ?> data) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", "reply");
    m.put("id", id);
    m.put("command", command);
    m.put("state", state);
    if (reason != null) m.put("reason", reason);
    if (data != null) m.putAll(data);
    return json(m);
  }

  static String json(Map<String, ?> m) {
    try {
      return JSON.writeValueAsString(m);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a reply as JSON: " + e.getMessage(), e);
    }
  }
}
