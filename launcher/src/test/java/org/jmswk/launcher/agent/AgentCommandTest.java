package org.jmswk.launcher.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jmswk.agent.AgentPool;
import org.jmswk.agent.AgentSettings;
import org.jmswk.agent.WorkerResult;
import org.jmswk.agent.WorkerSpec;
import org.jmswk.launcher.Jmswk;
import org.jmswk.testkit.MpiRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code jmswk agent} as mpiexec starts it: one per (emulated) node, a master pool in this JVM. */
@Timeout(90)
class AgentCommandTest {
  static final String SECRET = "agent-command-secret-0123456789";

  @TempDir Path tmp;

  @Test
  void agentOnTheMastersNodeExitsAtOnce() {
    PrintStream saved = System.err;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int code;
    long t0 = System.nanoTime();
    try (PrintStream capture = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
      System.setErr(capture);
      AgentCommand cmd = new AgentCommand();
      cmd.env = Map.of();
      code = new CommandLine(cmd).execute("--master", "127.0.0.1:9", "--mpi", "never");
    } finally {
      System.setErr(saved);
    }
    assertEquals(0, code, buf.toString());
    assertTrue(buf.toString().contains("on the master's node (127.0.0.1 is this host's): nothing to do"), buf.toString());
    assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(2));
  }

  @Test
  void agentsUnderMpirunRunWorkersAndALostAgentsWorkIsRerun() throws Exception {
    BlockingQueue<String> left = new LinkedBlockingQueue<>();
    AgentSettings settings = AgentSettings.defaults().withLiveness(Duration.ofMillis(200), Duration.ofMillis(1000));
    try (AgentPool pool = AgentPool.open(AgentPool.Options.defaults(SECRET.getBytes(StandardCharsets.UTF_8))
        .bind("127.0.0.1", 0).withSettings(settings).withQueueTimeout(Duration.ofSeconds(30))
        .withLog(l -> System.err.println("master: " + l)))) {
      pool.addListener(new AgentPool.Listener() {
        @Override
        public void left(AgentPool.AgentInfo a, String reason) {
          left.add(System.nanoTime() + " " + a.node());
        }
      });
      Path out = tmp.resolve("mpirun.out");
      List<String> cmd = new ArrayList<>(List.of("mpirun", "--oversubscribe", "--enable-recovery", "--bind-to", "none",
          "-np", "3", "--host", "localhost:3", "--mca", "btl_tcp_if_include", "lo", "--mca", "oob_tcp_if_include", "lo",
          "-x", "JMSWK_JOB_SECRET"));
      cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp",
          MpiRun.absoluteClassPath(), Jmswk.class.getName(), "agent", "--master", "127.0.0.1:" + pool.port(),
          "--emulated-nodes"));
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      pb.environment().put("JMSWK_JOB_SECRET", SECRET);
      Process mpirun = pb.start();
      try {
        assertTrue(pool.awaitAgents(2, Duration.ofSeconds(40)), () -> "agents did not join: " + read(out));
        Thread.sleep(300);
        assertEquals(2, pool.agents().size(), "rank 0 plays the master's node and must not join");

        List<CompletableFuture<WorkerResult>> results = new ArrayList<>();
        for (int i = 0; i < 4; i++) results.add(pool.launch(WorkerSpec.of("/bin/sh", "-c", "echo $(($1 + 1))", "w", "" + i)));
        for (int i = 0; i < 4; i++) {
          WorkerResult r = results.get(i).get(30, TimeUnit.SECONDS);
          assertTrue(r.ok(), r::describe);
          assertEquals(String.valueOf(i + 1), r.stdoutText().strip());
        }

        Path mark = tmp.resolve("marks");
        Files.createDirectories(mark);
        CompletableFuture<WorkerResult> f = pool.launch(WorkerSpec.of("/bin/sh", "-c",
            "echo $PPID > " + mark + "/a$JMSWK_ATTEMPT; sleep 1; echo finished"));
        long agentPid = Long.parseLong(await(mark.resolve("a1")));
        long killedAt = System.nanoTime();
        ProcessHandle.of(agentPid).orElseThrow().destroyForcibly();
        String event = left.poll(5, TimeUnit.SECONDS);
        assertTrue(event != null, "loss not reported");
        long ms = (Long.parseLong(event.split(" ")[0]) - killedAt) / 1_000_000;
        System.err.println("MEASURED agent under mpirun killed -> master told: " + ms + " ms");
        WorkerResult r = f.get(30, TimeUnit.SECONDS);
        assertTrue(r.ok() && r.attempts() == 2 && r.stdoutText().strip().equals("finished"), r::describe);
        assertTrue(mpirun.isAlive(), () -> "mpirun must keep the other agents alive: " + read(out));
        assertEquals(1, pool.agents().size());
      } finally {
        pool.close(); // SHUTDOWN: the remaining agent exits, then mpirun
        boolean ended = mpirun.waitFor(20, TimeUnit.SECONDS);
        if (!ended) {
          mpirun.descendants().forEach(ProcessHandle::destroyForcibly);
          mpirun.destroyForcibly();
        }
        System.err.println(read(out));
        assertTrue(ended, "mpirun did not end after the pool closed");
      }
      String log = read(out);
      assertTrue(log.contains("rank 0 plays the master's node: nothing to do"), log);
      assertTrue(log.contains("shutdown requested by the master"), log);
    }
  }

  static String await(Path p) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      if (Files.exists(p) && !Files.readString(p).isBlank()) return Files.readString(p).strip();
      Thread.sleep(20);
    }
    throw new AssertionError(p + " did not appear");
  }

  static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (Exception e) {
      return "";
    }
  }
}
