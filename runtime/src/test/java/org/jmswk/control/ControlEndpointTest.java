package org.jmswk.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jmswk.agent.FrameIO;
import org.jmswk.agent.Handshake;
import org.jmswk.agent.JobSecret;
import org.jmswk.executor.Codec;
import org.jmswk.executor.ExecutorOptions;
import org.jmswk.executor.FarmExecutor;
import org.jmswk.executor.LocalNodeStarter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control endpoint over real sockets, on an executor with real worker processes. */
class ControlEndpointTest {
  private static final Duration T = Duration.ofSeconds(60);
  @TempDir
  Path jobDir;
  private byte[] secret;
  private FarmExecutor executor;
  private ControlEndpoint endpoint;
  private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
  private PrintStream savedErr;

  @BeforeEach
  void start() throws Exception {
    secret = JobSecret.createIfAbsent(jobDir.resolve("secret"));
    Map<String, Integer> slots = new LinkedHashMap<>();
    slots.put("node1", 4);
    slots.put("node2", 4);
    executor = FarmExecutor.start(ExecutorOptions.external(1), new LocalNodeStarter(slots, Map.of(), List.of()));
    assertTrue(executor.awaitWorkers(1, T));
    endpoint = ControlEndpoint.open(executor, secret, ControlSettings.fromEnv(Map.of()), jobDir);
    savedErr = System.err;
    System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void stop() {
    System.setErr(savedErr);
    endpoint.close();
    executor.close();
  }

  private ControlClient client() throws IOException {
    return ControlClient.connect(ControlClient.address(jobDir), secret, T);
  }

  /** The replies to one request until its final state. */
  private static List<JsonNode> await(ControlClient c, String id) throws IOException {
    List<JsonNode> got = new ArrayList<>();
    while (true) {
      JsonNode r = c.next(T);
      assertNotNull(r, "the endpoint closed before answering " + id);
      if (!r.path("id").asText().equals(id)) continue;
      got.add(r);
      if (ControlClient.isFinal(r)) return got;
    }
  }

  private void jobUnaffected(int poolSize) throws Exception {
    assertEquals(poolSize, executor.poolStatus().size());
    assertEquals("OK", executor.submit("ok", Codec.UTF8, Codec.UTF8).get(30, TimeUnit.SECONDS));
  }

  @Test
  void growShrinkAndStatisticsInTextAndJsonEachWithRequestIdAndState() throws Exception {
    assertEquals(endpoint.address(), java.nio.file.Files.readString(jobDir.resolve("control")).strip());
    try (ControlClient c = client()) {
      c.send("3");
      JsonNode stats = await(c, "c1-1").getFirst();
      assertEquals("done", stats.path("state").asText());
      assertEquals(1, stats.path("pool_size").asInt());
      assertEquals(1, stats.path("base_workers").asInt());

      c.send("{\"id\":\"g1\",\"command\":\"resize\",\"nodes\":{\"node1\":1,\"node2\":1}}");
      List<JsonNode> grow = await(c, "g1");
      assertEquals(List.of("accepted", "done"), grow.stream().map(r -> r.path("state").asText()).toList());
      assertEquals(2, grow.get(1).path("started").size());
      assertEquals(3, grow.get(1).path("pool_size").asInt());
      assertEquals(3, executor.poolStatus().size());

      c.send("6:node2:-1");
      List<JsonNode> shrink = await(c, "c1-3");
      assertEquals(List.of("accepted", "done"), shrink.stream().map(r -> r.path("state").asText()).toList());
      assertEquals(2, shrink.get(1).path("pool_size").asInt());
      assertEquals(Map.of("node1", 2), executor.poolStatus().workersPerNode());
    }
  }

  @Test
  void aSecondReconfigurationIsAnsweredBusyThenAccepted() throws Exception {
    try (ControlClient c = client()) {
      c.send("6:node1:2");
      c.send("6:node2:1");
      List<JsonNode> second = await(c, "c1-2");
      assertEquals("busy", second.getFirst().path("state").asText());
      assertTrue(second.getFirst().path("reason").asText().contains("another reconfiguration is under way"));
      assertEquals("done", await(c, "c1-1").getLast().path("state").asText());
      c.send("6:node2:1");
      assertEquals("done", await(c, "c1-3").getLast().path("state").asText());
      jobUnaffected(4);
    }
  }

  @Test
  void monitoringOnAndOffWithFiguresMatchingTheWorkDone() throws Exception {
    try (ControlClient c = client()) {
      c.send("4:on:200");
      JsonNode on = await(c, "c1-1").getFirst();
      assertEquals("done", on.path("state").asText());
      assertEquals(200, on.path("interval_ms").asInt());
      List<CompletableFuture<String>> fs = new ArrayList<>();
      for (int i = 0; i < 300; i++) fs.add(executor.submit("sleep:2:m" + i, Codec.UTF8, Codec.UTF8));
      for (var f : fs) f.get(60, TimeUnit.SECONDS);
      long done = 0;
      double computeMs = 0;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (done < 300) {
        assertTrue(System.nanoTime() < deadline, "monitoring reports every task done; so far " + done);
        JsonNode m = c.next(T);
        if (!m.path("type").asText().equals("monitor")) continue;
        assertEquals(1, m.path("pool_size").asInt());
        assertTrue(m.has("tasks_queued") && m.has("communication_ms") && m.has("tasks_failed") && m.has("nodes"));
        done += m.path("tasks_done").asLong();
        computeMs += m.path("compute_ms").asDouble();
      }
      assertEquals(300, done, "the intervals add up to the tasks done");
      assertTrue(computeMs >= 300 * 2 * 0.9, "each task slept 2 ms on its worker: " + computeMs);
      c.send("4:off");
      JsonNode off = await(c, "c1-2").getFirst();
      assertEquals("off", off.path("monitoring").asText());
      assertThrows(java.net.SocketTimeoutException.class, () -> c.next(Duration.ofMillis(800)), "no sample after 4:off");
    }
  }

  @Test
  void malformedCommandsAreRefusedAndTheConnectionGoesOn() throws Exception {
    try (ControlClient c = client()) {
      c.send("6:node1");
      JsonNode r = await(c, "c1-1").getFirst();
      assertEquals("failed", r.path("state").asText());
      assertTrue(r.path("reason").asText().contains("6:node:count"));
      c.send("6:node1:1:node2:-1");
      assertTrue(await(c, "c1-2").getFirst().path("reason").asText().contains("signs are mixed"));
      c.send("6:node9:1");
      assertTrue(await(c, "c1-3").getFirst().path("reason").asText().contains("unknown node node9"));
      c.send("{\"command\":\"statistics\"");
      assertTrue(await(c, "c1-4").getFirst().path("reason").asText().startsWith("malformed JSON"));
      c.send("3");
      assertEquals("done", await(c, "c1-5").getFirst().path("state").asText());
    }
    jobUnaffected(1);
    assertTrue(stderr.toString().contains("refused a command from /127.0.0.1:"), stderr.toString());
  }

  @Test
  void anOversizedCommandIsRefusedAndTheConnectionClosed() throws Exception {
    try (ControlClient c = client()) {
      c.send("6:node1:" + "1".repeat(5000));
      JsonNode r = c.next(T);
      assertEquals("failed", r.path("state").asText());
      assertTrue(r.path("reason").asText().contains("a command of more than 4096 bytes; connection closed"), r.toString());
      assertNull(c.next(T), "closed");
    }
    jobUnaffected(1);
  }

  @Test
  void noSecretOrAWrongSecretIsRefusedLoggedAndNeverActedOn() throws Exception {
    InetSocketAddress a = ControlClient.address(jobDir);
    // a peer that skips the handshake and sends commands
    try (Socket s = new Socket(a.getAddress(), a.getPort())) {
      s.setSoTimeout(20_000);
      FrameIO.read(s.getInputStream(), 1 << 16); // HELLO
      s.getOutputStream().write("5\n6:node1:2\n".getBytes(StandardCharsets.UTF_8));
      assertEquals(-1, drain(s.getInputStream()), "the endpoint hangs up");
    }
    Handshake.AuthenticationException wrong = assertThrows(Handshake.AuthenticationException.class,
        () -> ControlClient.connect(a, "another-jobs-secret-0123456789".getBytes(StandardCharsets.UTF_8), T));
    assertTrue(wrong.getMessage().contains("wrong job secret"), wrong.getMessage());
    jobUnaffected(1);
    assertFalse(executor.isShutdownRequested(), "the 5 was never acted on");
    String log = stderr.toString();
    assertTrue(log.contains("jmswk control: refused /127.0.0.1:") && log.contains("authentication failed (wrong job secret)"), log);
  }

  @Test
  void aReplayedHandshakeIsRefused() throws Exception {
    InetSocketAddress a = ControlClient.address(jobDir);
    ByteArrayOutputStream recorded = new ByteArrayOutputStream();
    // a recording relay between a real client and the endpoint: what an eavesdropper would capture
    try (ServerSocket relay = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      CompletableFuture<Void> relaying = CompletableFuture.runAsync(() -> {
        try (Socket from = relay.accept(); Socket to = new Socket(a.getAddress(), a.getPort())) {
          Thread back = Thread.ofVirtual().start(() -> copy(uncheckedIn(to), uncheckedOut(from), null));
          copy(from.getInputStream(), to.getOutputStream(), recorded);
          back.join(5000);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      try (ControlClient c = ControlClient.connect(new InetSocketAddress(relay.getInetAddress(), relay.getLocalPort()), secret, T)) {
        c.send("3");
        assertEquals("done", await(c, "c1-1").getFirst().path("state").asText());
      }
      relaying.get(20, TimeUnit.SECONDS);
    }
    byte[] captured = recorded.toByteArray();
    int authLength = 4 + ((captured[0] & 0xff) << 24 | (captured[1] & 0xff) << 16 | (captured[2] & 0xff) << 8 | (captured[3] & 0xff));
    try (Socket s = new Socket(a.getAddress(), a.getPort())) {
      s.setSoTimeout(20_000);
      FrameIO.read(s.getInputStream(), 1 << 16); // a fresh HELLO, with a fresh nonce
      s.getOutputStream().write(captured, 0, authLength); // the recorded AUTH
      s.getOutputStream().write("5\n".getBytes(StandardCharsets.UTF_8));
      assertEquals(-1, drain(s.getInputStream()));
    }
    jobUnaffected(1);
    assertFalse(executor.isShutdownRequested(), "the replayed session's 5 was never acted on");
    assertTrue(stderr.toString().contains("authentication failed (wrong job secret)"), stderr.toString());
  }

  private static int drain(InputStream in) throws IOException {
    while (true) {
      int b = in.read();
      if (b < 0) return b;
    }
  }

  private static InputStream uncheckedIn(Socket s) {
    try {
      return s.getInputStream();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static OutputStream uncheckedOut(Socket s) {
    try {
      return s.getOutputStream();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void copy(InputStream in, OutputStream out, ByteArrayOutputStream record) {
    byte[] buf = new byte[8192];
    try {
      for (int n; (n = in.read(buf)) > 0; ) {
        if (record != null) record.write(buf, 0, n);
        out.write(buf, 0, n);
        out.flush();
      }
      out.close();
    } catch (IOException e) {
      // one side closed
    }
  }
}
