package org.jmswk.mpi;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.jmswk.testkit.Checks;
import org.jmswk.testkit.MpiRun;
import org.jmswk.testkit.OmpiServerProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mswk exchanges between processes of two MPI jobs (two mpiruns joined by an ompi-server, as a
 * master and a worker in a failure domain of its own are) travel over a link, not an Open MPI
 * intercommunicator, and keep the Mswk semantics: tag matching, any tag, large messages,
 * truncation, and a peer killed inside an exchange is an error within the bound.
 */
class CrossJobLinkTest {
  @TempDir Path dir;
  private OmpiServerProcess server;
  private Path uri;

  /** An ompi-server on this host, the rendezvous of the two jobs. */
  @BeforeEach
  void startServer() throws Exception {
    server = OmpiServerProcess.start(dir);
    uri = server.uri();
  }

  @AfterEach
  void stopServer() throws InterruptedException {
    server.close();
  }

  private MpiRun job(String role, Path portFile) {
    return MpiRun.main(LinkProgram.class, role, portFile.toString())
        .mpirunArgs("--ompi-server", "file:" + uri, "--enable-recovery")
        .env("JMSWK_MSWK_DEBUG", "1")
        .timeout(Duration.ofSeconds(90));
  }

  @Test
  void exchangesAcrossJobsGoOverALinkAndKeepMswkSemantics() throws IOException {
    Path portFile = dir.resolve("port");
    CompletableFuture<MpiRun.Result> acceptor = CompletableFuture.supplyAsync(() -> job("acceptor", portFile).run());
    MpiRun.Result connector = job("connector", portFile).run();
    MpiRun.Result accepted = acceptor.join();

    assertTrue(connector.stdout().contains("SUMMARY connector passed=2 failed=0")
        && connector.stdout().contains("killing itself"), connector.describe());
    Checks.assertPassed(accepted, "acceptor recv-tag-7-first", "acceptor recv-any-tag-gets-5",
        "acceptor recv-any-tag-body", "acceptor recv-16-MiB-count", "acceptor recv-16-MiB-bytes",
        "acceptor recv-truncated", "acceptor disconnect", "acceptor recv-from-killed-peer-fails",
        "acceptor disconnect-from-killed-peer-fails");
    assertTrue(accepted.stderr().contains("over a link"), "the exchange used an intercommunicator\n" + accepted.describe());
  }
}
