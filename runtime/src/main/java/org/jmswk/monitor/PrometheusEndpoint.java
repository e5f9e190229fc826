package org.jmswk.monitor;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.jmswk.executor.ExecutorMetrics;
import org.jmswk.executor.ExecutorMetrics.NodeMetrics;
import org.jmswk.runtime.ReachableHost;

/**
 * The job's figures for a site's Prometheus: an HTTP endpoint ({@code GET /metrics}) served by
 * the Prometheus Java client's own HTTP server and exposition formats (text 0.0.4, OpenMetrics,
 * protobuf, as the scraper asks), each scrape one {@link ExecutorMetrics} snapshot. Series are
 * per node (label {@code node}); the job's total is their {@code sum}. Read-only: nothing here
 * changes the job (commands go through the authenticated control endpoint).
 *
 * <p>In a job ({@code JMSWK_JOB_DIR} set) its address is published as one line in the job
 * directory's {@value #FILE_NAME}, e.g. {@code http://127.0.0.1:40123/metrics}.
 */
public final class PrometheusEndpoint implements AutoCloseable {
  /** The file in the job directory that holds the endpoint's URL. */
  public static final String FILE_NAME = "metrics.url";

  private final HTTPServer server;
  private final String url;
  private final Path published;

  private PrometheusEndpoint(HTTPServer server, String url, Path published) {
    this.server = server;
    this.url = url;
    this.published = published;
  }

  /**
   * Serves {@code source}'s figures on {@code bind}:{@code port} (0: any free port); with
   * {@code publishDir} not null, writes the URL to {@value #FILE_NAME} there.
   */
  public static PrometheusEndpoint start(Supplier<ExecutorMetrics> source, InetAddress bind, int port, Path publishDir)
      throws IOException {
    PrometheusRegistry registry = new PrometheusRegistry();
    registry.register((MultiCollector) () -> snapshots(source.get()));
    ExecutorService threads = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "jmswk-metrics-http");
      t.setDaemon(true); // a scrape never keeps the master alive
      return t;
    });
    String host = ReachableHost.forBind(bind, System.getenv()); // before starting: a bad JMSWK_CONTROL_HOST leaks nothing
    HTTPServer server = HTTPServer.builder().inetAddress(bind).port(port).registry(registry)
        .executorService(threads).buildAndStart();
    String url = "http://" + host + ":" + server.getPort() + "/metrics";
    Path file = null;
    if (publishDir != null) {
      try {
        file = publishDir.resolve(FILE_NAME);
        Path tmp = publishDir.resolve(FILE_NAME + ".tmp" + ProcessHandle.current().pid());
        Files.writeString(tmp, url + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        server.close();
        throw new IOException("cannot publish the metrics address in " + publishDir + ": " + e.getMessage(), e);
      }
    }
    return new PrometheusEndpoint(server, url, file);
  }

  /**
   * The endpoint a job's executor opens: in a job ({@code JMSWK_JOB_DIR}) unless
   * {@code JMSWK_METRICS_PORT=off}, on {@code JMSWK_METRICS_BIND} (default 127.0.0.1; 0.0.0.0 to
   * let a scraper on another host in) and {@code JMSWK_METRICS_PORT} (default 0: any free port).
   * Null when it is off or not in a job. A bad value is an IllegalArgumentException naming it.
   */
  public static PrometheusEndpoint startForJob(Supplier<ExecutorMetrics> source, Map<String, String> env)
      throws IOException {
    String jobDir = env.get("JMSWK_JOB_DIR");
    String portText = env.getOrDefault("JMSWK_METRICS_PORT", "0").strip();
    if (jobDir == null || jobDir.isBlank() || portText.equals("off")) return null;
    int port;
    try {
      port = Integer.parseInt(portText);
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("JMSWK_METRICS_PORT must be off or a port from 0 to 65535, not '" + portText + "'");
    }
    String bindText = env.getOrDefault("JMSWK_METRICS_BIND", "127.0.0.1").strip();
    InetAddress bind;
    try {
      bind = InetAddress.getByName(bindText);
    } catch (IOException e) {
      throw new IllegalArgumentException("JMSWK_METRICS_BIND must be an address of this host, not '" + bindText + "'");
    }
    return start(source, bind, port, Path.of(jobDir));
  }


  /** Where it serves, e.g. {@code http://127.0.0.1:40123/metrics}. */
  public String url() {
    return url;
  }

  public int port() {
    return server.getPort();
  }

  /** Stops serving and removes the published address (if it is still this endpoint's). */
  @Override
  public void close() {
    server.close();
    if (published == null) return;
    try {
      if (Files.readString(published, StandardCharsets.UTF_8).strip().equals(url)) Files.deleteIfExists(published);
    } catch (IOException ignored) {
      // already gone, or replaced by another endpoint's
    }
  }

  /** One scrape: the snapshot as Prometheus metric families, one series per node. */
  static MetricSnapshots snapshots(ExecutorMetrics m) {
    List<MetricSnapshot> out = new ArrayList<>();
    out.add(counter(m, "jmswk_tasks_done", "Tasks that ended on the node with an output or the task's own exception", NodeMetrics::tasksDone));
    out.add(counter(m, "jmswk_tasks_failed", "Of the tasks done, those that ended with the task's own exception", NodeMetrics::tasksFailed));
    out.add(counter(m, "jmswk_tasks_retried", "Tasks queued again because the worker running them died", NodeMetrics::tasksRetried));
    out.add(counter(m, "jmswk_tasks_lost", "Tasks failed because workers died running them (crash limit)", NodeMetrics::tasksLost));
    out.add(counter(m, "jmswk_workers_lost", "Workers that died or fell silent", NodeMetrics::workersLost));
    out.add(seconds(m, "jmswk_compute_seconds", "Time the workers spent in the task handler",
        n -> Unit.nanosToSeconds(n.compute().toNanos())));
    out.add(seconds(m, "jmswk_communication_seconds", "Time the master spent sending tasks to and reading results from the workers",
        n -> Unit.nanosToSeconds(n.communication().toNanos())));
    if (m.nodes().stream().anyMatch(n -> n.io().isPresent())) {
      out.add(seconds(m, "jmswk_io_seconds", "Time spent in I/O, where measured",
          n -> n.io().map(d -> Unit.nanosToSeconds(d.toNanos())).orElse(0.0)));
    }
    out.add(gauge(m, "jmswk_workers", "Workers alive on the node (the pool size is their sum)", NodeMetrics::workers));
    out.add(gauge(m, "jmswk_tasks_running", "Tasks the node's workers hold, running or sent ahead", NodeMetrics::tasksRunning));
    out.add(GaugeSnapshot.builder().name("jmswk_tasks_queued").help("Tasks waiting for a worker")
        .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(m.tasksQueued()).build()).build());
    return new MetricSnapshots(out);
  }

  private static CounterSnapshot counter(ExecutorMetrics m, String name, String help, ToDoubleFunction<NodeMetrics> value) {
    return counter(m, name, help, null, value);
  }

  private static CounterSnapshot seconds(ExecutorMetrics m, String name, String help, ToDoubleFunction<NodeMetrics> value) {
    return counter(m, name, help, Unit.SECONDS, value);
  }

  private static CounterSnapshot counter(ExecutorMetrics m, String name, String help, Unit unit,
                                         ToDoubleFunction<NodeMetrics> value) {
    CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
    if (unit != null) b.unit(unit);
    for (NodeMetrics n : m.nodes()) {
      b.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(Labels.of("node", n.node()))
          .value(value.applyAsDouble(n)).build());
    }
    return b.build();
  }

  private static GaugeSnapshot gauge(ExecutorMetrics m, String name, String help, ToDoubleFunction<NodeMetrics> value) {
    GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
    for (NodeMetrics n : m.nodes()) {
      b.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(Labels.of("node", n.node()))
          .value(value.applyAsDouble(n)).build());
    }
    return b.build();
  }
}
