package org.jmswk.testkit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** An ompi-server on this host (the rendezvous of separate mpiruns), its URI file in a test's directory. */
public final class OmpiServerProcess implements AutoCloseable {
  private final Process server;
  private final Path uri;

  private OmpiServerProcess(Process server, Path uri) {
    this.server = server;
    this.uri = uri;
  }

  /** Starts it and waits (at most 20 s) until it has written its URI to {@code dir/ompi-server.uri}. */
  public static OmpiServerProcess start(Path dir) throws IOException, InterruptedException {
    Path uri = dir.resolve("ompi-server.uri");
    Path log = dir.resolve("ompi-server.log");
    Process server = new ProcessBuilder("ompi-server", "--no-daemonize", "-r", uri.toString())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!Files.exists(uri) || Files.size(uri) == 0) {
      assertTrue(System.nanoTime() < until && server.isAlive(), "ompi-server wrote no URI: "
          + (Files.exists(log) ? Files.readString(log) : ""));
      Thread.sleep(50);
    }
    return new OmpiServerProcess(server, uri);
  }

  /** The file holding the server's URI (what --ompi-server file:... and JMSWK_OMPI_SERVER name). */
  public Path uri() {
    return uri;
  }

  @Override
  public void close() throws InterruptedException {
    server.destroy();
    if (!server.waitFor(5, TimeUnit.SECONDS)) server.destroyForcibly();
  }
}
