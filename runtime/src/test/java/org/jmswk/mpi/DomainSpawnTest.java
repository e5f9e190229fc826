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
 * launcher of its own, every task done; the children of one spawn call (MPI_Comm_spawn of 2,
 * MPI_Comm_spawn_multiple of 1 + 2) start under one launcher and share their MPI_COMM_WORLD. Node loss is tested on the container cluster
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
  void childrenOfOneCallShareAWorldAndGetALauncherPerCall() throws Exception {
    String out = run(domainJob(), "many");
    // MPI_Comm_spawn of 2, then MPI_Comm_spawn_multiple of 1 + 2: each child's world is its
    // call's (rank, size, the sum of the ranks the parent sent over it), and MPI_ANY_SOURCE
    // names the rank that answered
    for (int r = 0; r < 2; r++) assertTrue(out.contains("from " + r + ": rank " + r + " of 2, parent group 1, sum 1;"), out);
    for (int r = 0; r < 3; r++) assertTrue(out.contains("from " + r + ": rank " + r + " of 3, parent group 1, sum 3;"), out);
    assertTrue(out.contains("master: spawn of 2: remote size 2;"), out);
    assertTrue(out.contains("master: spawn_multiple of 3: remote size 3;"), out);
    assertEquals(List.of("localhost", "localhost"), launches(), "one launcher per spawn call\n" + out);
  }
}
