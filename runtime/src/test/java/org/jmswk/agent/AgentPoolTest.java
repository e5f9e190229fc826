package org.jmswk.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The agent method end to end on loopback: a pool in this JVM, agents as real processes. */
@Timeout(60)
class AgentPoolTest {
  static final String SECRET = "test-secret-0123456789abcdef";
  static final Duration HEARTBEAT = Duration.ofMillis(200);
  static final Duration DEAD = Duration.ofMillis(1000);

  @TempDir Path tmp;
  final List<String> log = new CopyOnWriteArrayList<>();
  final BlockingQueue<String> events = new LinkedBlockingQueue<>();
  AgentProcesses agents;
  AgentPool pool;

  @BeforeEach
  void setUp() throws IOException {
    agents = new AgentProcesses();
  }

  @AfterEach
  void tearDown() {
    if (pool != null) pool.close();
    agents.close();
  }

  AgentPool open(int maxAttempts, Duration queueTimeout) throws IOException {
    AgentSettings s = AgentSettings.defaults().withLiveness(HEARTBEAT, DEAD);
    pool = AgentPool.open(AgentPool.Options.defaults(SECRET.getBytes(StandardCharsets.UTF_8)).bind("127.0.0.1", 0)
        .withSettings(s).withMaxAttempts(maxAttempts).withQueueTimeout(queueTimeout).withLog(line -> {
          log.add(line);
          System.err.println("master: " + line);
        }));
    pool.addListener(new AgentPool.Listener() {
      @Override
      public void joined(AgentPool.AgentInfo a) {
        events.add("joined " + a.node());
      }

      @Override
      public void left(AgentPool.AgentInfo a, String reason) {
        events.add("left " + a.node() + " " + System.nanoTime());
      }
    });
    return pool;
  }

  Process agent(String node) throws IOException {
    return agents.start(pool.port(), node, Map.of("JMSWK_JOB_SECRET", SECRET));
  }

  void startAgents(int n) throws Exception {
    for (int i = 1; i <= n; i++) agent("n" + i);
    assertTrue(pool.awaitAgents(n, Duration.ofSeconds(20)), () -> "agents did not join: " + log);
  }

  static WorkerSpec sh(String script, String... args) {
    List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c", script, "worker"));
    argv.addAll(List.of(args));
    return WorkerSpec.of(argv);
  }

  static String waitForFile(Path p, Duration bound) throws Exception {
    long deadline = System.nanoTime() + bound.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(p)) {
        String s = Files.readString(p).strip();
        if (!s.isEmpty()) return s;
      }
      Thread.sleep(20);
    }
    throw new AssertionError(p + " did not appear within " + bound);
  }

  @Test
  void workersRunAndResultsAreGathered() throws Exception {
    open(3, Duration.ofSeconds(30));
    startAgents(2);
    List<CompletableFuture<WorkerResult>> futures = new ArrayList<>();
    for (int i = 1; i <= 6; i++) {
      futures.add(pool.launch(sh("echo \"square $1 = $(($1 * $1)) task $JMSWK_TASK_ID\"; echo oops >&2", Integer.toString(i))));
    }
    List<String> nodes = new ArrayList<>();
    for (int i = 1; i <= 6; i++) {
      WorkerResult r = futures.get(i - 1).get(30, TimeUnit.SECONDS);
      assertTrue(r.ok(), r::describe);
      assertEquals("square " + i + " = " + i * i + " task " + r.taskId(), r.stdoutText().strip());
      assertEquals("oops", r.stderrText().strip());
      assertEquals(1, r.attempts());
      nodes.add(r.node());
    }
    assertTrue(nodes.contains("n1") && nodes.contains("n2"), "both agents used: " + nodes);
  }

  @Test
  void exitCodeAndKillingSignalAreToldApart() throws Exception {
    open(3, Duration.ofSeconds(30));
    startAgents(1);
    Path pidFile = tmp.resolve("pid");
    CompletableFuture<WorkerResult> killed = pool.launch(sh("echo $$ > " + pidFile + "; exec sleep 30"));
    long pid = Long.parseLong(waitForFile(pidFile, Duration.ofSeconds(10)));
    new ProcessBuilder("kill", "-KILL", Long.toString(pid)).start().waitFor();
    WorkerResult r = killed.get(10, TimeUnit.SECONDS);
    assertEquals(WorkerResult.Status.SIGNALED, r.status(), r::describe);
    assertEquals(9, r.signal());
    assertTrue(r.describe().contains("SIGKILL"), r::describe);

    WorkerResult exited = pool.launch(sh("exit 137")).get(10, TimeUnit.SECONDS);
    assertEquals(WorkerResult.Status.EXITED, exited.status(), exited::describe);
    assertEquals(137, exited.exitCode());
    assertEquals(0, exited.signal());
  }

  @Test
  void lostAgentsWorkIsRerunThroughAnotherAgent() throws Exception {
    open(3, Duration.ofSeconds(30));
    startAgents(2);
    Path marks = tmp.resolve("marks");
    Files.createDirectories(marks);
    // each attempt records its agent's pid ($PPID: the agent spawned it directly), then works 1.5 s
    CompletableFuture<WorkerResult> f = pool.launch(sh("echo $PPID > " + marks + "/attempt$JMSWK_ATTEMPT; sleep 1.5; echo done $JMSWK_ATTEMPT"));
    long agentPid = Long.parseLong(waitForFile(marks.resolve("attempt1"), Duration.ofSeconds(10)));
    drainJoined();
    long killedAt = System.nanoTime();
    ProcessHandle.of(agentPid).orElseThrow().destroyForcibly();
    String left = events.poll(DEAD.toMillis() * 3, TimeUnit.MILLISECONDS);
    assertTrue(left != null && left.startsWith("left "), "agent loss not reported: " + left + " " + log);
    long detectMs = (Long.parseLong(left.substring(left.lastIndexOf(' ') + 1)) - killedAt) / 1_000_000;
    System.err.println("MEASURED agent process killed -> master told: " + detectMs + " ms");
    assertTrue(detectMs < DEAD.toMillis() + HEARTBEAT.toMillis(), "detected after " + detectMs + " ms");

    WorkerResult r = f.get(20, TimeUnit.SECONDS);
    assertTrue(r.ok(), r::describe);
    assertEquals("done 2", r.stdoutText().strip());
    assertEquals(2, r.attempts());
    assertEquals(1, r.history().size());
    assertTrue(r.history().get(0).contains("agent lost"), r.history()::toString);
    assertNotEquals(agentPid, Long.parseLong(Files.readString(marks.resolve("attempt2")).strip()));
    assertEquals(1, pool.agents().size());
    assertEquals(1, pool.failedNodes().size());
  }

  @Test
  void silentAgentIsDetectedByHeartbeatAndItsWorkRerun() throws Exception {
    open(3, Duration.ofSeconds(30));
    startAgents(2);
    Path marks = tmp.resolve("marks");
    Files.createDirectories(marks);
    CompletableFuture<WorkerResult> f = pool.launch(sh("echo $PPID > " + marks + "/attempt$JMSWK_ATTEMPT; echo $$ > "
        + marks + "/worker$JMSWK_ATTEMPT; sleep 2; echo done $JMSWK_ATTEMPT"));
    long agentPid = Long.parseLong(waitForFile(marks.resolve("attempt1"), Duration.ofSeconds(10)));
    long workerPid = Long.parseLong(waitForFile(marks.resolve("worker1"), Duration.ofSeconds(10)));
    drainJoined();
    // a stopped agent keeps its socket open: only the missing heartbeats tell (like a hung node)
    long stoppedAt = System.nanoTime();
    new ProcessBuilder("kill", "-STOP", Long.toString(agentPid)).start().waitFor();
    String left = events.poll(DEAD.toMillis() * 4, TimeUnit.MILLISECONDS);
    assertTrue(left != null && left.startsWith("left "), "agent loss not reported: " + left + " " + log);
    long detectMs = (Long.parseLong(left.substring(left.lastIndexOf(' ') + 1)) - stoppedAt) / 1_000_000;
    System.err.println("MEASURED agent stopped (silent) -> master told: " + detectMs + " ms (bound " + DEAD.toMillis() + " ms)");
    assertTrue(detectMs >= DEAD.toMillis() - HEARTBEAT.toMillis() && detectMs < DEAD.toMillis() + 2 * HEARTBEAT.toMillis(),
        "detected after " + detectMs + " ms");
    WorkerResult r = f.get(20, TimeUnit.SECONDS);
    assertTrue(r.ok() && r.attempts() == 2, r::describe);

    // resumed, the agent finds its master gone: it kills its worker and exits
    new ProcessBuilder("kill", "-CONT", Long.toString(agentPid)).start().waitFor();
    ProcessHandle agent = ProcessHandle.of(agentPid).orElseThrow();
    agent.onExit().get(DEAD.toMillis() * 3 + 3000, TimeUnit.MILLISECONDS);
    assertFalse(ProcessHandle.of(workerPid).map(ProcessHandle::isAlive).orElse(false), "worker left running");
  }

  @Test
  void taskEndsAsLostWhenAttemptsRunOut() throws Exception {
    open(1, Duration.ofSeconds(30));
    startAgents(2);
    Path mark = tmp.resolve("agent");
    CompletableFuture<WorkerResult> f = pool.launch(sh("echo $PPID > " + mark + "; sleep 30"));
    ProcessHandle.of(Long.parseLong(waitForFile(mark, Duration.ofSeconds(10)))).orElseThrow().destroyForcibly();
    WorkerResult r = f.get(10, TimeUnit.SECONDS);
    assertEquals(WorkerResult.Status.LOST, r.status(), r::describe);
    assertEquals(1, r.attempts());
    assertTrue(r.message().contains("no attempts left"), r::describe);
  }

  @Test
  void launchFailureTimeoutAndNoAgentAreReported() throws Exception {
    open(3, Duration.ofMillis(1500));
    WorkerResult none = pool.launch(WorkerSpec.of("true")).get(10, TimeUnit.SECONDS);
    assertEquals(WorkerResult.Status.NO_AGENT, none.status(), none::describe);

    startAgents(1);
    WorkerResult missing = pool.launch(WorkerSpec.of("/no/such/program", "x")).get(10, TimeUnit.SECONDS);
    assertEquals(WorkerResult.Status.LAUNCH_FAILED, missing.status(), missing::describe);
    assertTrue(missing.message().contains("No such file"), missing::describe);

    WorkerResult slow = pool.launch(WorkerSpec.of("sleep", "30").withTimeout(Duration.ofMillis(500))).get(10, TimeUnit.SECONDS);
    assertEquals(WorkerResult.Status.TIMED_OUT, slow.status(), slow::describe);
    assertEquals(9, slow.signal());

    Path out = tmp.resolve("out.txt");
    WorkerResult files = pool.launch(sh("pwd; echo $GREETING; echo err >&2").withCwd(tmp.toString())
        .withEnv("GREETING", "hi there").withStdio(null, out.toString(), null)).get(10, TimeUnit.SECONDS);
    assertTrue(files.ok(), files::describe);
    assertEquals(tmp.toRealPath() + "\nhi there", Files.readString(out).strip());
    assertEquals("", files.stdoutText());
    assertEquals("err", files.stderrText().strip());
  }

  @Test
  void agentWithoutTheSecretIsRefusedAndLogged() throws Exception {
    open(3, Duration.ofSeconds(30));
    Process intruder = agents.start(pool.port(), "intruder", Map.of("JMSWK_JOB_SECRET", "not-the-job-secret-at-all"));
    assertTrue(intruder.waitFor(20, TimeUnit.SECONDS));
    assertEquals(Agent.EXIT_NO_MASTER, intruder.exitValue());
    assertTrue(agents.log("intruder").contains("authentication failed"), agents.log("intruder"));
    assertTrue(log.stream().anyMatch(l -> l.matches("refused connection from /127\\.0\\.0\\.1:\\d+: authentication failed.*")),
        log::toString);
    assertTrue(pool.agents().isEmpty());
  }

  @Test
  void oversizedAndMalformedFramesAreRefused() throws Exception {
    open(3, Duration.ofSeconds(30));
    // before authentication: a 2 GiB frame announced
    try (Socket s = new Socket("127.0.0.1", pool.port())) {
      s.setSoTimeout(5000);
      FrameIO.read(s.getInputStream(), 4096); // HELLO
      new DataOutputStream(s.getOutputStream()).writeInt(Integer.MAX_VALUE);
      assertEquals(-1, s.getInputStream().read(), "connection should be closed");
    }
    awaitLog("refused connection from /127.0.0.1:", "exceeds the maximum of 4096 bytes");

    // after authentication: an agent announcing a frame above the maximum is dropped
    byte[] secret = SECRET.getBytes(StandardCharsets.UTF_8);
    for (String kind : List.of("oversized", "malformed")) {
      try (Socket s = new Socket("127.0.0.1", pool.port())) {
        Handshake.connect(s, secret, Handshake.ROLE_AGENT, AgentSettings.defaults(), Map.of("node", kind, "pid", "1"));
        assertTrue(pool.awaitAgents(1, Duration.ofSeconds(5)));
        DataOutputStream out = new DataOutputStream(s.getOutputStream());
        if (kind.equals("oversized")) {
          out.writeInt(AgentSettings.defaults().maxFrame() + 1);
        } else {
          out.writeInt(5);
          out.write(new byte[] {(byte) Message.Type.EXITED.code, 0, 1, 0, 9}); // one field, name cut short
        }
        out.flush();
        s.setSoTimeout(5000);
        int b;
        try {
          while ((b = s.getInputStream().read()) != -1) {
            if (b < -1) break;
          }
        } catch (IOException closed) {
          // reset: closed too
        }
      }
      awaitLog(kind.equals("oversized") ? "exceeds the maximum of " + AgentSettings.defaults().maxFrame() : "malformed frame",
          "node " + kind);
      assertTrue(pool.agents().isEmpty(), pool.agents()::toString);
    }
  }

  @Test
  void agentWhoseMasterFallsSilentKillsItsWorkersAndExits() throws Exception {
    byte[] secret = SECRET.getBytes(StandardCharsets.UTF_8);
    Path mark = tmp.resolve("worker");
    try (ServerSocket fake = new ServerSocket(0, 8, java.net.InetAddress.getLoopbackAddress())) {
      Process a = agents.start(fake.getLocalPort(), "lonely", Map.of("JMSWK_JOB_SECRET", SECRET));
      fake.setSoTimeout(20000);
      try (Socket s = fake.accept()) {
        Handshake.serve(s, secret, Handshake.ROLE_AGENT, AgentSettings.defaults().withLiveness(HEARTBEAT, DEAD), Map.of());
        FrameIO.write(s.getOutputStream(), sh("echo $$ > " + mark + "; exec sleep 60").toMessage("t1", 1), 1 << 20);
        long workerPid = Long.parseLong(waitForFile(mark, Duration.ofSeconds(10)));
        long silentFrom = System.nanoTime(); // from here on this fake master neither reads nor sends
        assertTrue(a.waitFor(DEAD.toMillis() + 5000, TimeUnit.MILLISECONDS), "agent did not exit");
        long ms = (System.nanoTime() - silentFrom) / 1_000_000;
        System.err.println("MEASURED master silent -> agent killed its worker and exited: " + ms + " ms");
        assertEquals(Agent.EXIT_MASTER_LOST, a.exitValue());
        assertFalse(ProcessHandle.of(workerPid).map(ProcessHandle::isAlive).orElse(false), "worker left running");
        assertTrue(agents.log("lonely").contains("master lost"), agents.log("lonely"));
      }
    }
  }

  private void drainJoined() {
    events.removeIf(e -> e.startsWith("joined"));
  }

  private void awaitLog(String... parts) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < deadline) {
      if (log.stream().anyMatch(l -> List.of(parts).stream().allMatch(l::contains))) return;
      Thread.sleep(20);
    }
    throw new AssertionError("no log line with " + List.of(parts) + ": " + log);
  }
}
