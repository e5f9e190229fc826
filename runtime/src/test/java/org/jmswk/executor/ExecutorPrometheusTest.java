package org.jmswk.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jmswk.monitor.PrometheusEndpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job's /metrics endpoint, scraped over a real socket while worker processes run tasks. */
class ExecutorPrometheusTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static HttpResponse<String> scrape(String url) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static double value(String body, String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(body);
    assertTrue(m.find(), series + " in\n" + body);
    return Double.parseDouble(m.group(1));
  }

  @Test
  void scrapedFiguresMatchTheWorkDoneAndTheAddressIsPublished(@TempDir Path jobDir) throws Exception {
    List<Process> procs = new ArrayList<>();
    FarmExecutor e = FarmExecutor.start(ExecutorOptions.external(2));
    Map<String, String> env = new HashMap<>(Map.of("JMSWK_JOB_DIR", jobDir.toString()));
    try (e; PrometheusEndpoint endpoint = PrometheusEndpoint.startForJob(e::metrics, env)) {
      procs.add(LocalWorkers.start(e, 0, ExecutorTestWorker.class, Map.of(FarmExecutor.NODE, "nodeA")));
      procs.add(LocalWorkers.start(e, 1, ExecutorTestWorker.class, Map.of(FarmExecutor.NODE, "nodeB")));
      assertTrue(e.awaitWorkers(2, Duration.ofSeconds(60)));
      String url = Files.readString(jobDir.resolve(PrometheusEndpoint.FILE_NAME)).strip();
      assertEquals(endpoint.url(), url);
      assertTrue(url.matches("http://127\\.0\\.0\\.1:\\d+/metrics"), url);

      List<CompletableFuture<String>> fs = new ArrayList<>();
      for (int i = 0; i < 300; i++) fs.add(e.submit("sleep:1:t" + i, Codec.UTF8, Codec.UTF8));
      for (int i = 0; i < 5; i++) fs.add(e.submit("throw:bad" + i, Codec.UTF8, Codec.UTF8)); // not 8 bytes: the test worker squares 8-byte inputs
      for (CompletableFuture<String> f : fs) f.handle((v, x) -> v).get(60, TimeUnit.SECONDS);

      HttpResponse<String> r = scrape(url);
      assertEquals(200, r.statusCode());
      assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"), r.headers().toString());
      String body = r.body();
      ExecutorMetrics m = e.metrics();
      double doneA = value(body, "jmswk_tasks_done_total{node=\"nodeA\"}");
      double doneB = value(body, "jmswk_tasks_done_total{node=\"nodeB\"}");
      assertEquals(305, doneA + doneB, 0.0);
      assertEquals(m.node("nodeA").orElseThrow().tasksDone(), doneA, 0.0);
      assertEquals(5, value(body, "jmswk_tasks_failed_total{node=\"nodeA\"}") + value(body, "jmswk_tasks_failed_total{node=\"nodeB\"}"), 0.0);
      assertEquals(1, value(body, "jmswk_workers{node=\"nodeA\"}"), 0.0);
      assertEquals(0, value(body, "jmswk_tasks_queued"), 0.0);
      double compute = value(body, "jmswk_compute_seconds_total{node=\"nodeA\"}") + value(body, "jmswk_compute_seconds_total{node=\"nodeB\"}");
      assertTrue(compute >= 0.300 && compute <= m.total().compute().toNanos() / 1e9 + 1e-9, "compute " + compute + " s");
      assertTrue(body.contains("# TYPE jmswk_compute_seconds_total counter"), body);
      assertFalse(body.contains("jmswk_io_seconds"), "I/O is not measured, so not exported");

      // OpenMetrics when the scraper asks for it (the client library's content negotiation)
      HttpResponse<String> om = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
          .header("Accept", "application/openmetrics-text; version=1.0.0").GET().build(), HttpResponse.BodyHandlers.ofString());
      assertTrue(om.body().strip().endsWith("# EOF"), om.body());

      endpoint.close();
      assertFalse(Files.exists(jobDir.resolve(PrometheusEndpoint.FILE_NAME)), "the address is withdrawn at close");
      assertThrows(ConnectException.class, () -> scrape(url));
    } finally {
      for (Process p : procs) if (!p.waitFor(20, TimeUnit.SECONDS)) p.destroyForcibly();
    }
  }

  @Test
  void offOutsideAJobAndBadValuesAreRefused(@TempDir Path jobDir) throws Exception {
    assertEquals(null, PrometheusEndpoint.startForJob(() -> null, Map.of()));
    assertEquals(null, PrometheusEndpoint.startForJob(() -> null, Map.of("JMSWK_JOB_DIR", jobDir.toString(), "JMSWK_METRICS_PORT", "off")));
    IllegalArgumentException port = assertThrows(IllegalArgumentException.class, () -> PrometheusEndpoint.startForJob(() -> null,
        Map.of("JMSWK_JOB_DIR", jobDir.toString(), "JMSWK_METRICS_PORT", "99999")));
    assertTrue(port.getMessage().contains("JMSWK_METRICS_PORT") && port.getMessage().contains("99999"), port.getMessage());
    IllegalArgumentException bind = assertThrows(IllegalArgumentException.class, () -> PrometheusEndpoint.startForJob(() -> null,
        Map.of("JMSWK_JOB_DIR", jobDir.toString(), "JMSWK_METRICS_BIND", "no such host.invalid")));
    assertTrue(bind.getMessage().contains("JMSWK_METRICS_BIND"), bind.getMessage());
    assertFalse(Files.exists(jobDir.resolve(PrometheusEndpoint.FILE_NAME)), "nothing published on a refusal");
  }
}
