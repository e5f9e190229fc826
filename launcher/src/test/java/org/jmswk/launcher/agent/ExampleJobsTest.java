package org.jmswk.launcher.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jmswk.launcher.job.JobRunner;
import org.jmswk.launcher.job.JobScriptParser;
import org.jmswk.launcher.job.JobSpec;
import org.jmswk.launcher.job.Launch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** examples/agent and examples/aexe run as jobs on this machine, and both dialects of their scripts parse. */
@Timeout(120)
class ExampleJobsTest {
  @TempDir Path jobs;

  static Path script(String example) {
    return Path.of("..", "examples", example, "job.sh").toAbsolutePath().normalize();
  }

  JobRunner.Outcome run(String example, List<String> args) throws Exception {
    System.setProperty("jmswk.jobs.dir", jobs.toString());
    try {
      Path script = script(example);
      JobSpec spec = JobScriptParser.parse(script.toString(), Files.readAllLines(script), false, List.of());
      Path jobDir = JobRunner.newJobDir();
      Launch launch = Launch.local(spec, jobDir.resolve("hostfile"));
      return JobRunner.run(spec, launch, script, args, jobDir, line -> System.err.println("  | " + line));
    } finally {
      System.clearProperty("jmswk.jobs.dir");
    }
  }

  @Test
  void bothDialectsAskForFourNodes() throws Exception {
    for (String example : List.of("agent", "aexe")) {
      List<String> lines = Files.readAllLines(script(example));
      JobSpec pjm = JobScriptParser.parse("pjm", lines.stream().filter(l -> !l.startsWith("#SBATCH")).toList(), false, List.of());
      JobSpec slurm = JobScriptParser.parse("slurm", lines.stream().filter(l -> !l.startsWith("#PJM")).toList(), false, List.of());
      assertEquals(4, pjm.nodes(), example);
      assertEquals(4, slurm.nodes(), example);
    }
  }

  @Test
  void agentExampleGathersEveryResult() throws Exception {
    JobRunner.Outcome o = run("agent", List.of("6"));
    String out = String.join("\n", o.output());
    assertEquals(0, o.stats().exitCode(), out);
    assertTrue(out.contains("master: 3 agent(s)"), out);
    assertTrue(out.contains("master: 6 of 6 tasks delivered the right result"), out);
    assertTrue(out.contains("rank 0 plays the master's node: nothing to do"), out);
    assertTrue(o.survivors().isEmpty(), "left running: " + o.survivors());
  }

  @Test
  void aexeExampleStartsAWorkerOnEveryOtherNode() throws Exception {
    JobRunner.Outcome o = run("aexe", List.of());
    String out = String.join("\n", o.output());
    assertEquals(0, o.stats().exitCode(), out);
    for (int rank = 1; rank <= 3; rank++) assertTrue(out.contains("worker vpid " + rank + ": result " + rank * rank), out);
    assertTrue(out.contains("master: 3 of 3 workers delivered the right result"), out);
    assertTrue(o.survivors().isEmpty(), "left running: " + o.survivors());
  }
}
