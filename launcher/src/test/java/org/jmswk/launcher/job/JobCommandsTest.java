package org.jmswk.launcher.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What every job finds first on its PATH, and the count its plain mpiexec is given. */
class JobCommandsTest {
  @TempDir Path jobDir;

  private Map<String, String> install(boolean mswk, String... directives) throws Exception {
    Map<String, String> env = new HashMap<>(Map.of("PATH", "/usr/bin:/bin"));
    JobCommands.install(jobDir, JobScriptParser.parse("job.sh", List.of(directives), mswk, List.of()), env);
    return env;
  }

  @Test
  void theJobsBinComesFirstWithMpiexecMpirunAndPjaexe() throws Exception {
    Map<String, String> env = install(true, "#PJM -L node=3");
    assertEquals(jobDir.resolve("bin") + ":/usr/bin:/bin", env.get("PATH"));
    for (String name : List.of("mpiexec", "mpirun", "pjaexe", "jmswk-rank")) {
      assertTrue(Files.isExecutable(jobDir.resolve("bin").resolve(name)), name);
    }
    assertEquals("1", env.get(JobCommands.PROCS_VARIABLE), "one master");
    assertNull(env.get(JobCommands.MAP_BY_VARIABLE));
  }

  @Test
  void asManyStaticProcessesAsNodesAreOnePerNodeEvenWithSeveralSlotsEach() throws Exception {
    Map<String, String> env = install(true, "#PJM -L node=4", "#PJM --mpi proc=4", "#PJM --mpi max-proc-per-node=2");
    assertEquals("4", env.get(JobCommands.PROCS_VARIABLE));
    assertEquals("node", env.get(JobCommands.MAP_BY_VARIABLE));
    assertNull(install(false, "#PJM -L node=4").get(JobCommands.PROCS_VARIABLE), "no --mswk, no proc=: every slot");
  }
}
