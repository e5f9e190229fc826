package org.jmswk.mpi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jmswk.testkit.DomainJob;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The domain-split MPI_Comm_spawn of C programs (native/src/mswk_domain.c) on one host, with a
 * local shell standing in for ssh and a hostfile naming "localhost" as the worker node: the
 * guide-style master (native/test/spawn_domains.c) runs unchanged, each child through a
 * launcher of its own, every task done; a spawn of two processes in one call is refused with
 * MPI_ERR_SPAWN and a line saying why. Node loss is tested on the container cluster
 * (SpawnDomainsClusterTest).
 */
class DomainSpawnTest {
  private static final Path PROGRAM = Path.of("..", "native", "target", "native", "bin", "spawn_domains")
      .toAbsolutePath().normalize();

  @TempDir Path dir;
  private DomainJob job;

  @BeforeEach
  void startServer() throws Exception {
    job = DomainJob.start(dir);
  }

  @AfterEach
  void stopServer() throws InterruptedException {
    if (job != null) job.close();
  }

  private String run(Map<String, String> env, String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("mpirun", "--oversubscribe", "--enable-recovery",
        "--ompi-server", "file:" + job.uri(), "-np", "1", PROGRAM.toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().putAll(Map.of("OMPI_ALLOW_RUN_AS_ROOT", "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1"));
    pb.environment().putAll(env);
    Path log = dir.resolve("out-" + System.nanoTime());
    pb.redirectOutput(log.toFile());
    Process p = pb.start();
    boolean finished = p.waitFor(120, TimeUnit.SECONDS);
    if (!finished) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    assertTrue(finished, "did not finish within 120 s\n" + out);
    assertEquals(0, p.exitValue(), out);
    return out;
  }

  private Map<String, String> domainJob() {
    return job.environment();
  }

  private List<String> launches() throws IOException {
    return job.launches();
  }

  @Test
  void aGuideStyleMasterGetsALauncherPerChildAndEveryTaskDone() throws Exception {
    String out = run(domainJob(), "2", "10", "20");
    assertTrue(out.contains("master: 10 of 10 tasks done, 0 workers lost"), out);
    assertEquals(10, out.lines().filter(l -> l.startsWith("result ")).map(l -> l.split(" ")[1]).distinct().count(), out);
    assertEquals(2, out.lines().filter(l -> l.startsWith("worker started on ") && l.endsWith("(parent group of 1)")).count(), out);
    assertEquals(List.of("localhost", "localhost"), launches(), "each child started through a launcher of its own\n" + out);
  }

  @Test
  void twoChildrenInOneCallAreRefusedWithAReason() throws Exception {
    String out = run(domainJob(), "many");
    assertTrue(out.contains("master: spawn of 2 in one call: refused MPI_ERR_SPAWN"), out);
    assertTrue(out.contains("cannot share a world; spawn one process per call"), out);
    assertEquals(List.of(), launches(), out);
  }
}
