package org.jmswk.launcher.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** An ompi-server on this machine for the bench's cross-job exchanges: the rendezvous of two mpiruns. */
final class OmpiServer implements AutoCloseable {
  private static final long START_BOUND_MS = 20_000;
  private final Process process;
  private final Path dir;

  private OmpiServer(Process process, Path dir) {
    this.process = process;
    this.dir = dir;
  }

  /** Starts one and waits (bounded) until it has written its URI file. */
  static OmpiServer start() throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("jmswk-bench-ompi-server");
    Path log = dir.resolve("ompi-server.log");
    ProcessBuilder pb = new ProcessBuilder("ompi-server", "--no-daemonize", "-r", dir.resolve("uri").toString())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().putAll(LocalMpirun.ROOT_ALLOWED);
    OmpiServer server = new OmpiServer(pb.start(), dir);
    long deadline = System.currentTimeMillis() + START_BOUND_MS;
    while (!Files.exists(server.uri()) || Files.size(server.uri()) == 0) {
      if (!server.process.isAlive() || System.currentTimeMillis() > deadline) {
        server.close();
        throw new IllegalStateException("ompi-server wrote no URI within " + START_BOUND_MS / 1000 + " s: "
            + (Files.exists(log) ? Files.readString(log) : ""));
      }
      Thread.sleep(50);
    }
    return server;
  }

  /** The URI file, for {@code mpirun --ompi-server file:URI}. */
  Path uri() {
    return dir.resolve("uri");
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly();
    for (String f : new String[] {"uri", "ompi-server.log"}) dir.resolve(f).toFile().delete();
    dir.toFile().delete();
  }
}
