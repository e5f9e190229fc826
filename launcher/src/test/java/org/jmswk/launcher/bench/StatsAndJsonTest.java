package org.jmswk.launcher.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jmswk.launcher.Json;
import org.junit.jupiter.api.Test;

class StatsAndJsonTest {
  @Test
  void medianOfOddAndEvenCounts() {
    assertEquals(2.0, Stats.median(List.of(3.0, 1.0, 2.0)));
    assertEquals(2.5, Stats.median(List.of(4.0, 1.0, 2.0, 3.0)));
    assertTrue(Double.isNaN(Stats.median(List.of())));
  }

  @Test
  void progressBarFillsInProportion() {
    assertEquals("[#####-----] 50%", Stats.bar(1, 2, 10));
    assertEquals("[##########] 100%", Stats.bar(3, 3, 10));
  }

  @Test
  void jsonEscapesAndNestsAndMapsNaNToNull() {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("name", "a \"quoted\"\nline");
    doc.put("values", List.of(1, 2.5, Double.NaN));
    doc.put("ok", true);
    String json = Json.write(doc);
    assertTrue(json.contains("\"name\": \"a \\\"quoted\\\"\\nline\""), json);
    assertTrue(json.contains("\"values\": [1, 2.5, null]"), json);
    assertTrue(json.contains("\"ok\": true"), json);
  }
}
