package org.jmswk.mpi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The C drop-ins: a vendor-style master-worker program (native/test/mswk_ft.c, which includes
 * <mpi.h> and <mpi-ext.h> and calls FJMPI_Mswk_*) builds unchanged with jmswk-mpicc and passes
 * every kill case on real mpirun: worker killed while idle, while the master receives, while
 * the master waits in accept, before its first connect, and the master killed.
 */
class CDropInTest {
  private static final Path NATIVE = Path.of("..", "native").toAbsolutePath().normalize();

  private static String run(List<String> command, Path dir, long seconds, int expectedExit) throws Exception {
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    p.getOutputStream().close();
    Path log = dir.resolve("out-" + System.nanoTime() + ".txt");
    Thread pump = Thread.ofVirtual().start(() -> {
      try {
        Files.copy(p.getInputStream(), log, StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException ignored) {
        // process ended
      }
    });
    boolean finished = p.waitFor(seconds, TimeUnit.SECONDS);
    if (!finished) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    pump.join(5000);
    String out = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    assertTrue(finished, "did not finish within " + seconds + " s: " + command + "\n" + out);
    assertEquals(expectedExit, p.exitValue(), command + "\n" + out);
    return out;
  }

  @Test
  void vendorProgramBuildsWithJmswkMpiccAndSurvivesEveryKill(@TempDir Path home) throws Exception {
    // an installation layout: bin/jmswk-mpicc, include/, lib/libjmswk.so
    Files.createDirectories(home.resolve("bin"));
    Files.createDirectories(home.resolve("include"));
    Files.createDirectories(home.resolve("lib"));
    Files.copy(NATIVE.resolve("jmswk-mpicc"), home.resolve("bin/jmswk-mpicc"));
    try (var headers = Files.list(NATIVE.resolve("include"))) {
      for (Path h : headers.toList()) Files.copy(h, home.resolve("include").resolve(h.getFileName()));
    }
    Files.copy(NATIVE.resolve("target/native/lib/libjmswk.so"), home.resolve("lib/libjmswk.so"));

    Path program = home.resolve("bin/mswk_ft");
    run(List.of(home.resolve("bin/jmswk-mpicc").toString(), "-o", program.toString(),
        NATIVE.resolve("test/mswk_ft.c").toString(), "-lpthread"), home, 120, 0);
    String out = run(List.of("bash", NATIVE.resolve("test/run-mswk-ft.sh").toString(), program.toString(), "3"),
        home, 400, 0);
    System.out.println(out);
    assertTrue(out.contains("PASS cases"), out);
    assertTrue(out.contains("PASS orphan"), out);
    assertTrue(out.contains("OVERALL PASS"), out);
  }
}
