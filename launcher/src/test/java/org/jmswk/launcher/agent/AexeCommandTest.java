package org.jmswk.launcher.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jmswk.launcher.Jmswk;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.jmswk.testkit.MpiRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** jmswk aexe against a real serving agent process on this host (every coordinate maps to localhost). */
@Timeout(60)
class AexeCommandTest {
  static final String SECRET = "aexe-test-secret-0123456789";
  static Path root;
  static Path jobDir;
  static Process server;

  @BeforeAll
  static void startServingAgent() throws Exception {
    root = Files.createTempDirectory("aexe-test-");
    jobDir = newJob(root.resolve("job"), "localhost slots=4\n");
    server = serve(jobDir, 0);
  }

  @AfterAll
  static void stop() throws Exception {
    server.destroy();
    server.waitFor(10, TimeUnit.SECONDS);
    server.destroyForcibly();
  }

  static Path newJob(Path dir, String hostfile) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("hostfile"), hostfile);
    Path secret = dir.resolve("secret");
    Files.writeString(Files.createFile(secret, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))),
        SECRET + "\n");
    return dir;
  }

  static List<String> jmswk(String... args) {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", MpiRun.absoluteClassPath(),
        Jmswk.class.getName()));
    cmd.addAll(List.of(args));
    return cmd;
  }

  static Process serve(Path job, int index) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(jmswk("agent", "--serve", "--mpi", "never", "--node-index", Integer.toString(index)))
        .redirectOutput(job.resolve("serve-" + index + ".log").toFile()).redirectErrorStream(true);
    pb.environment().put("JMSWK_JOB_DIR", job.toString());
    pb.environment().remove("JMSWK_JOB_SECRET");
    Process p = pb.start();
    Path reg = job.resolve("agents").resolve("node-" + index);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!Files.exists(reg)) {
      if (System.nanoTime() > deadline || !p.isAlive()) throw new AssertionError("serving agent did not register: "
          + Files.readString(job.resolve("serve-" + index + ".log")));
      Thread.sleep(50);
    }
    return p;
  }

  record Run(int code, String err, long millis) {}

  /** jmswk aexe in this JVM with {@code env} as its environment. */
  static synchronized Run aexe(Map<String, String> env, String... args) {
    PrintStream saved = System.err;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    long t0 = System.nanoTime();
    AexeCommand cmd = new AexeCommand();
    cmd.env = env;
    int code;
    try (PrintStream capture = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
      System.setErr(capture);
      code = new CommandLine(cmd).execute(args);
    } finally {
      System.setErr(saved);
    }
    String err = buf.toString(StandardCharsets.UTF_8);
    saved.print(err);
    return new Run(code, err, (System.nanoTime() - t0) / 1_000_000);
  }

  static Map<String, String> jobEnv(Path job) {
    return Map.of("JMSWK_JOB_DIR", job.toString());
  }

  static String await(Path p, long millis) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (System.nanoTime() < deadline) {
      if (Files.exists(p)) {
        String s = Files.readString(p).strip();
        if (!s.isEmpty()) return s;
      }
      Thread.sleep(20);
    }
    throw new AssertionError(p + " did not appear");
  }

  @Test
  void coordinatesFileLaunchesSeveralWorkersAtOnce() throws Exception {
    Path out = Files.createDirectories(root.resolve("out1"));
    Path coords = root.resolve("coords");
    Files.writeString(coords, "# targets\n(0,1)\n( 1 , 0 )\n\n(1,1)\n");
    Run r = aexe(jobEnv(jobDir), "--shape", "2x2", "--vcoordfile", coords.toString(), "-v", "--", "/bin/sh", "-c",
        "sleep 1; echo \"$JMSWK_VPID $PLE_VPID $(head -c 3 | od -An -tx1 | tr -d ' ') $(pwd)\" > " + out + "/w$JMSWK_VPID; echo lost",
        "worker");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.millis() < 1000 + 2000, "returned after " + r.millis() + " ms");
    assertFalse(Files.exists(out.resolve("w1")), "aexe should return once the worker has started, not when it ends");
    for (int rank = 1; rank <= 3; rank++) {
      assertEquals(rank + " " + rank + " 000000 " + Path.of(System.getProperty("user.dir")).toRealPath(),
          await(out.resolve("w" + rank), 10_000));
    }
    assertFalse(Files.exists(out.resolve("w0")));
  }

  @Test
  void specificationErrorsExitWithOneAndMarkNothing() {
    Map<String, String> env = jobEnv(jobDir);
    Run outside = aexe(env, "--shape", "4", "--vcoord", "(4)", "--", "true");
    assertEquals(1, outside.code());
    assertTrue(outside.err().contains("outside the job's node shape 4"), outside.err());
    assertEquals(1, aexe(env, "--shape", "12x8", "--vcoord", "(3)", "--", "true").code()); // dimensions differ
    assertEquals(1, aexe(env, "--shape", "4", "--vcoord", "3", "--", "true").code());      // no parentheses
    assertEquals(1, aexe(env, "--shape", "4", "--vcoord", "(-1)", "--", "true").code());
    Run noCommand = aexe(env, "--shape", "4", "--vcoord", "(1)");
    assertEquals(1, noCommand.code());
    assertTrue(noCommand.err().contains("no command given"), noCommand.err());
    Run missing = aexe(env, "--shape", "4", "--vcoord", "(2)", "--", "/no/such/program");
    assertEquals(1, missing.code());
    assertTrue(missing.err().contains("No such file"), missing.err());
    assertEquals(2, aexe(Map.of(), "--shape", "4", "--vcoord", "(1)", "--", "true").code()); // not in a job
    assertFalse(Files.exists(jobDir.resolve(BrokenNodes.FILE)), "user errors must not mark nodes broken");
  }

  @Test
  void the129thConcurrentLaunchIsRefused() throws Exception {
    try (LaunchSlots held = LaunchSlots.acquire(jobDir, LaunchSlots.MAX)) {
      assertTrue(held != null);
      // another process: the count is job-wide, not per process
      ProcessBuilder pb = new ProcessBuilder(jmswk("aexe", "--shape", "4", "--vcoord", "(1)", "--", "true"))
          .redirectErrorStream(true);
      pb.environment().put("JMSWK_JOB_DIR", jobDir.toString());
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
      assertEquals(AexeCommand.EXIT_BUSY, p.exitValue(), out);
      assertTrue(out.contains("at most 128 launches may be under way at once"), out);
      assertTrue(out.contains("128 are under way now"), out);
    }
    Path out = Files.createDirectories(root.resolve("out3"));
    assertEquals(0, aexe(jobEnv(jobDir), "--shape", "4", "--vcoord", "(1)", "--", "/bin/sh", "-c", "echo ok > " + out + "/after").code());
    await(out.resolve("after"), 5000);
  }

  @Test
  void unresponsiveNodeTimesOutAndIsNotChosenAgain() throws Exception {
    Path job = newJob(root.resolve("job2"), "localhost slots=1\n127.0.0.1 slots=1\n127.0.0.1 slots=1\n");
    Process serving = serve(job, 0);
    try (ServerSocket hung = new ServerSocket(0, 8, java.net.InetAddress.getLoopbackAddress())) {
      // node 1's "agent" accepts connections (the kernel does) but never answers: a hung node
      Files.createDirectories(job.resolve("agents"));
      Files.writeString(job.resolve("agents/node-1"), "port=" + hung.getLocalPort() + "\n");
      Run r = aexe(jobEnv(job), "--shape", "3", "--vcoord", "(1)", "--timeout", "1", "--", "true");
      assertEquals(AexeCommand.EXIT_TIMEOUT, r.code(), r.err());
      assertTrue(r.millis() >= 900 && r.millis() < 3000, "took " + r.millis() + " ms");
      assertTrue(r.err().contains("did not start the worker within 1 s"), r.err());
      String broken = Files.readString(job.resolve(BrokenNodes.FILE));
      assertTrue(broken.startsWith("rank=1 node=127.0.0.1 coord=(1) "), broken);

      Run again = aexe(jobEnv(job), "--shape", "3", "--vcoord", "(1)", "--timeout", "1", "--", "true");
      assertEquals(AexeCommand.EXIT_BROKEN, again.code(), again.err());
      assertTrue(again.millis() < 1000, "took " + again.millis() + " ms");
      assertTrue(again.err().contains("broken-node list"), again.err());

      // a node without any registered agent: a clear error, not a broken node
      Run none = aexe(jobEnv(job), "--shape", "3", "--vcoord", "(2)", "--timeout", "0.5", "--", "true");
      assertEquals(AexeCommand.EXIT_NO_AGENT, none.code(), none.err());

      // a client without the job secret is refused by the serving agent, which logs its address
      Run intruder = aexe(Map.of("JMSWK_JOB_DIR", job.toString(), "JMSWK_JOB_SECRET", "not-the-secret-of-this-job"),
          "--shape", "3", "--vcoord", "(0)", "--", "true");
      assertEquals(AexeCommand.EXIT_FAILED, intruder.code(), intruder.err());
      assertTrue(intruder.err().contains("authentication failed"), intruder.err());
      // the agent logs after it has answered: give it a bounded moment
      String log = "";
      for (long end = System.nanoTime() + 5_000_000_000L; System.nanoTime() < end; Thread.sleep(50)) {
        log = Files.readString(job.resolve("serve-0.log"));
        if (log.contains("refused connection")) break;
      }
      assertTrue(log.matches("(?s).*refused connection from /127\\.0\\.0\\.1:\\d+: authentication failed.*"), log);
    } finally {
      serving.destroy();
      serving.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
