package org.jmswk.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a multi-node `jmswk sub --mswk` job gives the domain-split MPI_Comm_spawn, on one host:
 * the job's ompi-server, a job directory whose hostfile names "localhost" as the worker node,
 * and a remote shell that stands in for ssh (drops the node name, logs each launch of an mpiexec, runs the
 * command in a clean environment as ssh would).
 */
public final class DomainJob implements AutoCloseable {
  private final OmpiServerProcess server;
  private final Path dir;

  private DomainJob(OmpiServerProcess server, Path dir) {
    this.server = server;
    this.dir = dir;
  }

  public static DomainJob start(Path dir) throws IOException, InterruptedException {
    OmpiServerProcess server = OmpiServerProcess.start(dir);
    Path job = Files.createDirectories(dir.resolve("job"));
    Files.writeString(job.resolve("hostfile"), "localhost slots=4\n");
    Path rsh = dir.resolve("rsh");
    // a launch runs an mpiexec; a node probe ("ssh NODE true") is not logged
    Files.writeString(rsh, "#!/bin/sh\ncase \"$2\" in *mpiexec*) echo \"$1\" >> " + dir.resolve("launches") + " ;; esac\nshift\n"
        + "exec env -i PATH=\"$PATH\" HOME=\"$HOME\" sh -c \"$1\"\n");
    if (!rsh.toFile().setExecutable(true)) throw new IOException("cannot make " + rsh + " executable");
    return new DomainJob(server, dir);
  }

  /** The ompi-server's URI file (for mpirun --ompi-server file:...). */
  public Path uri() {
    return server.uri();
  }

  /** JMSWK_OMPI_SERVER, JMSWK_JOB_DIR and JMSWK_DOMAIN_RSH as the job's processes see them. */
  public Map<String, String> environment() {
    return Map.of("JMSWK_OMPI_SERVER", uri().toString(), "JMSWK_JOB_DIR", dir.resolve("job").toString(),
        "JMSWK_DOMAIN_RSH", dir.resolve("rsh").toString());
  }

  /** The node of each launch so far, in order. */
  public List<String> launches() throws IOException {
    Path f = dir.resolve("launches");
    return Files.exists(f) ? Files.readAllLines(f) : List.of();
  }

  @Override
  public void close() throws InterruptedException {
    server.close();
  }
}
