package org.jmswk.launcher.job;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * Failure domains smaller than the job, for master-worker jobs across nodes. Open MPI ends a
 * whole mpiexec job when one of its nodes is lost, so the master's mpiexec must not span the
 * workers' nodes: each worker gets an mpiexec of its own (see the runtime's TaskFarm), and all
 * of them meet through one ompi-server per job, the rendezvous Open MPI needs to connect
 * processes of different mpiexec jobs.
 *
 * <p>The job script's own {@code mpiexec}/{@code mpirun} are wrapped (a directory first on its
 * PATH) so that a plain {@code mpiexec java Master} joins that server; the first call starts it.
 */
public final class NodeDomains {
  /** The variable naming the ompi-server URI file; the runtime starts workers per node when it is set. */
  public static final String SERVER_VARIABLE = "JMSWK_OMPI_SERVER";

  private NodeDomains() {}

  /** Whether a job gets per-node failure domains: a master-worker job spanning several nodes of a real cluster. */
  public static boolean applies(JobSpec spec, Launch launch) {
    return spec.mswk() && launch.nodes().size() > 1 && !launch.target().equals("local");
  }

  /**
   * Writes the wrappers into {@code jobDir/bin} and points {@code env} at them and at the
   * server's URI file ({@code jobDir/ompi-server.uri}).
   */
  public static void prepare(Path jobDir, Map<String, String> env) throws IOException {
    Path bin = Files.createDirectories(jobDir.resolve("bin"));
    for (String name : new String[] {"mpiexec", "mpirun"}) {
      Path wrapper = bin.resolve(name);
      Files.writeString(wrapper, wrapper());
      Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    env.put(SERVER_VARIABLE, jobDir.resolve("ompi-server.uri").toString());
    env.put("PATH", bin + ":" + env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
    env.putIfAbsent(EXCHANGE_TIMEOUT_VARIABLE, DEFAULT_EXCHANGE_TIMEOUT_S);
  }

  /**
   * Open MPI 4.1's bound, in seconds, on the PMIx lookup inside MPI_Comm_connect/accept
   * (default: none). When a worker's mpiexec dies while the master is inside that exchange with
   * the worker, the master's call otherwise never returns (measured: 2 of 3 runs that killed
   * the launchers of two busy workers at once). The Mswk calls enter MPI only after both sides
   * met over the liveness link, so a healthy exchange takes milliseconds; 10 s only bounds the
   * broken ones. A job's own {@code -x} value wins. The workers' mpiexecs inherit it from the
   * master (OMPI_MCA_ variables are forwarded).
   */
  static final String EXCHANGE_TIMEOUT_VARIABLE = "OMPI_MCA_pmix_base_exchange_timeout";
  static final String DEFAULT_EXCHANGE_TIMEOUT_S = "10";

  /**
   * The wrapper: find the real launcher of the same name further down PATH and add
   * {@code --ompi-server file:URI} unless the caller already gave one. The first mpiexec of the
   * job starts the ompi-server (mkdir is the lock) and ends it when it ends itself, so nothing
   * is left running after the job's mpiexec; signals reach the real mpiexec. Arguments pass
   * through untouched (no shell evaluation).
   */
  static String wrapper() {
    return """
        #!/bin/sh
        # Written by jmswk for this job: every mpiexec of the job joins the job's ompi-server, so
        # processes started by separate mpiexecs (a failure domain per node) can connect.
        set -u
        name=$(basename "$0")
        here=$(cd "$(dirname "$0")" && pwd)
        real=""
        IFS=:
        for d in $PATH; do
          [ "$d" = "$here" ] && continue
          if [ -x "$d/$name" ]; then real="$d/$name"; break; fi
        done
        unset IFS
        [ -n "$real" ] || { echo "jmswk: no $name on PATH besides the job's wrapper" >&2; exit 127; }
        for a in "$@"; do
          case "$a" in --ompi-server|-ompi-server) exec "$real" "$@" ;; esac
        done
        uri=${JMSWK_OMPI_SERVER:?}
        server=""
        if mkdir "$uri.lock" 2>/dev/null; then
          rm -f "$uri"
          ompi-server --no-daemonize -r "$uri" </dev/null &
          server=$!
        fi
        i=0
        while [ ! -s "$uri" ] && [ "$i" -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
        [ -s "$uri" ] || { echo "jmswk: no ompi-server URI in $uri after 10 s" >&2; exit 1; }
        [ -n "$server" ] || exec "$real" --ompi-server "file:$uri" "$@"
        "$real" --ompi-server "file:$uri" "$@" <&0 &
        launcher=$!
        trap 'kill -TERM "$launcher" 2>/dev/null' TERM INT HUP
        wait "$launcher"
        status=$?
        while kill -0 "$launcher" 2>/dev/null; do wait "$launcher"; status=$?; done
        kill -TERM "$server" 2>/dev/null
        wait "$server" 2>/dev/null
        rm -rf "$uri" "$uri.lock"
        exit "$status"
        """;
  }
}
