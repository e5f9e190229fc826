package org.jmswk.launcher.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JobScriptParserTest {
  private static JobSpec parse(boolean mswk, String... lines) throws JobScriptException {
    return JobScriptParser.parse("job.sh", List.of(lines), mswk, List.of());
  }

  private static JobScriptException failure(boolean mswk, String... lines) {
    return assertThrows(JobScriptException.class, () -> parse(mswk, lines));
  }

  @Test
  void vendorDirectivesOfTheSpec() throws Exception {
    JobSpec s = parse(true,
        "#!/bin/bash",
        "#PJM -L \"node=12x8\"",
        "#PJM -L \"elapse=10:00\"",
        "#PJM -L \"rscgrp=large\"",
        "#PJM --mpi \"shape=1\"",
        "#PJM --mpi \"proc=1\"",
        "#PJM -g group1",
        "#PJM -s",
        "#PJM -x MODE=fast",
        "mpiexec ./master");
    assertEquals(96, s.nodes());
    assertEquals(List.of(12, 8), s.shape());
    assertEquals(Duration.ofMinutes(10), s.elapse());
    assertEquals("large", s.resourceGroup());
    assertTrue(s.masterOnFirstNode());
    assertEquals(1, s.staticProcs());
    assertEquals("group1", s.group());
    assertTrue(s.printStats());
    assertEquals("fast", s.environment().get("MODE"));
    assertTrue(s.mswk());
    assertTrue(s.warnings().isEmpty(), s.warnings().toString());
  }

  @Test
  void plainNodeCountAndCommaSeparatedResources() throws Exception {
    JobSpec s = parse(false, "#PJM -L node=96,elapse=1:00:00", "#PJM --mpi proc=96");
    assertEquals(96, s.nodes());
    assertEquals(List.of(), s.shape());
    assertEquals(Duration.ofHours(1), s.elapse());
    assertEquals(96, s.staticProcs());
  }

  @Test
  void slurmDirectivesLongShortAndSeparateValues() throws Exception {
    JobSpec s = parse(false,
        "#SBATCH --nodes=4",
        "#SBATCH --ntasks-per-node=2",
        "#SBATCH -t 1-02:30",
        "#SBATCH -p debug",
        "#SBATCH --job-name \"my sweep\"");
    assertEquals(4, s.nodes());
    assertEquals(2, s.procsPerNode());
    assertEquals(2, s.slotsPerNode());
    assertEquals(Duration.ofHours(26).plusMinutes(30), s.elapse());
    assertEquals("debug", s.resourceGroup());
    assertEquals("my sweep", s.jobName());
  }

  @ParameterizedTest
  @CsvSource({"30,1800", "5:00,300", "1:00:00,3600", "2-0,172800", "1-1:01,90060", "0-0:0:5,5"})
  void slurmTimeFormats(String text, long seconds) {
    assertEquals(Duration.ofSeconds(seconds), JobScriptParser.slurmTime(text));
  }

  @ParameterizedTest
  @CsvSource({"30,30", "10:00,600", "1:00:00,3600", "2:03:04,7384"})
  void vendorElapseFormats(String text, long seconds) {
    assertEquals(Duration.ofSeconds(seconds), JobScriptParser.pjmElapse(text));
  }

  @Test
  void quotingAndTrailingComments() throws Exception {
    JobSpec s = parse(false,
        "#PJM -x 'GREETING=hello world' # a comment",
        "#PJM -x \"QUOTE=say \\\"hi\\\"\"",
        "#   an ordinary comment, not a directive",
        "#PJMX -L node=1000");
    assertEquals("hello world", s.environment().get("GREETING"));
    assertEquals("say \"hi\"", s.environment().get("QUOTE"));
    assertEquals(1, s.nodes());
  }

  @Test
  void directivesAfterTheFirstCommandAreIgnoredWithAWarning() throws Exception {
    JobSpec s = parse(false, "#PJM -L node=2", "echo start", "#PJM -L node=50");
    assertEquals(2, s.nodes());
    assertTrue(s.warnings().getFirst().startsWith("job.sh:3:"), s.warnings().toString());
  }

  @Test
  void badValuesNameTheirLine() {
    JobScriptException e = failure(false,
        "#!/bin/bash",
        "#PJM -L node=0",
        "#PJM -L elapse=soon",
        "#SBATCH --nodes=two",
        "#SBATCH --time=1:99");
    List<String> p = e.problems();
    assertEquals(4, p.size(), p.toString());
    assertTrue(p.get(0).startsWith("job.sh:2: node=0"), p.get(0));
    assertTrue(p.get(1).startsWith("job.sh:3: elapse=soon"), p.get(1));
    assertTrue(p.get(2).startsWith("job.sh:4: --nodes=two"), p.get(2));
    assertTrue(p.get(3).startsWith("job.sh:5: --time=1:99"), p.get(3));
  }

  @Test
  void unknownOptionsAreErrors() {
    List<String> p = failure(false, "#PJM --frobnicate", "#SBATCH --frobnicate=1", "#PJM -L color=red",
        "#PJM --mpi turbo").problems();
    assertEquals(4, p.size(), p.toString());
    assertTrue(p.get(0).contains("job.sh:1: unknown #PJM option '--frobnicate'"), p.get(0));
    assertTrue(p.get(1).contains("job.sh:2: unknown #SBATCH option '--frobnicate'"), p.get(1));
    assertTrue(p.get(2).contains("unknown resource 'color'"), p.get(2));
    assertTrue(p.get(3).contains("unknown --mpi option 'turbo'"), p.get(3));
  }

  @Test
  void malformedQuotingAndMissingValues() {
    List<String> p = failure(false, "#PJM -L \"node=4", "#PJM -g", "#SBATCH --partition").problems();
    assertEquals(3, p.size(), p.toString());
    assertTrue(p.get(0).contains("unclosed double quote"), p.get(0));
    assertTrue(p.get(1).contains("-g needs a value"), p.get(1));
    assertTrue(p.get(2).contains("--partition needs a value"), p.get(2));
  }

  @Test
  void ignoredOptionsDrawWarningsNotErrors() throws Exception {
    JobSpec s = parse(false, "#SBATCH --mail-type=END", "#SBATCH --exclusive", "#PJM -L rscunit=fx");
    assertEquals(3, s.warnings().size(), s.warnings().toString());
    assertTrue(s.warnings().getFirst().startsWith("job.sh:1: #SBATCH --mail-type is ignored"), s.warnings().toString());
  }

  @Test
  void slurmTasksAreTheAllocationsRoomForWorkersInAMasterWorkerJob() throws Exception {
    JobSpec mswk = parse(true, "#SBATCH -N 2", "#SBATCH -n 8");
    assertEquals(8, mswk.tasks());
    assertEquals(1, mswk.plainMpiexecProcs(), "one master");
    assertEquals(List.of(4, 4), Launch.slotsFor(mswk, 2));
    assertEquals(List.of(3, 2, 2), Launch.slotsFor(parse(true, "#SBATCH -N 3", "#SBATCH --ntasks=7"), 3));
    JobSpec plain = parse(false, "#SBATCH -N 2", "#SBATCH -n 8");
    assertEquals(8, plain.staticProcs(), "without --mswk every task is a static process");
    assertTrue(failure(true, "#SBATCH -N 4", "#SBATCH -n 2").problems().getFirst().contains("cannot cover 4 nodes"));
  }

  @Test
  void aPlainMpiexecStartsProcElseTheShapeCountElseOneMasterForMswk() throws Exception {
    assertEquals(3, parse(true, "#PJM -L node=4", "#PJM --mpi proc=3").plainMpiexecProcs());
    assertEquals(2, parse(true, "#PJM -L node=4", "#PJM --mpi shape=2").plainMpiexecProcs());
    assertEquals(1, parse(true, "#PJM -L node=4").plainMpiexecProcs());
    assertEquals(0, parse(false, "#PJM -L node=4").plainMpiexecProcs(), "every slot");
  }

  @Test
  void outputDirectivesAreKept() throws Exception {
    JobSpec.Output pjm = parse(false, "#PJM -o out.%j.txt", "#PJM -e err.txt").output();
    assertEquals(new JobSpec.Output("out.%j.txt", "err.txt", false), pjm);
    assertTrue(parse(false, "#PJM -o out.txt", "#PJM -j").output().joined());
    assertEquals(new JobSpec.Output("slurm-%j.out", null, true), parse(false, "#SBATCH -o slurm-%j.out").output(),
        "Slurm's --output alone takes stderr too");
    assertEquals(new JobSpec.Output("o.txt", "e.txt", false),
        parse(false, "#SBATCH --output=o.txt", "#SBATCH --error=e.txt").output());
    assertTrue(parse(false, "#PJM -o a.txt").warnings().isEmpty());
  }

  @Test
  void cpusPerTaskAndMemAreCountedAndNamedForTheirWarning() throws Exception {
    JobSpec s = parse(false, "#SBATCH -N 2", "#SBATCH --cpus-per-task=4", "#SBATCH --mem=2G");
    assertEquals(4, s.resources().cpusPerTask());
    assertEquals(2048, s.resources().memMiB());
    assertEquals(List.of("job.sh:2: #SBATCH --cpus-per-task=4", "job.sh:3: #SBATCH --mem=2G"), s.resources().where());
    assertEquals(512, parse(false, "#SBATCH --mem=512").resources().memMiB(), "MiB by default");
    assertTrue(failure(false, "#SBATCH --mem=lots").problems().getFirst().contains("--mem=lots is not a size"));
    assertTrue(failure(false, "#SBATCH -c 0").problems().getFirst().contains("--cpus-per-task=0"));
  }

  @Test
  void mswkRefusesStepBulkAndInteractiveJobs() {
    List<String> p = failure(true, "#PJM --step", "#PJM --bulk --sparam 1-10", "#PJM --interact").problems();
    assertEquals(3, p.size(), p.toString());
    assertTrue(p.get(0).contains("--mswk cannot be combined with a step job (job.sh:1)"), p.get(0));
    assertTrue(p.get(1).contains("bulk job"), p.get(1));
    assertTrue(p.get(2).contains("an interactive job"), p.get(2));
    assertTrue(failure(true, "#SBATCH --array=1-4").problems().getFirst().contains("bulk job"));
  }

  @Test
  void theSameJobWithoutMswkIsAccepted() throws Exception {
    assertFalse(parse(false, "#PJM --step").mswk());
  }

  @Test
  void mswkIsForTheCommandLineOnly() {
    assertTrue(failure(false, "#PJM --mswk").problems().getFirst().contains("submit command line"));
  }

  @Test
  void rankMapHostfileIsIgnoredWithAWarningForMswk() throws Exception {
    JobSpec s = parse(true, "#PJM --mpi rank-map-hostfile=map.txt");
    assertEquals(1, s.warnings().size());
    assertTrue(s.warnings().getFirst().contains("meaningless for a master-worker job"), s.warnings().getFirst());
  }

  @Test
  void dialectsMustAgree() throws Exception {
    assertEquals(4, parse(false, "#PJM -L node=4", "#SBATCH --nodes=4").nodes());
    String p = failure(false, "#PJM -L node=4", "#SBATCH --nodes=3").problems().getFirst();
    assertTrue(p.startsWith("job.sh:2: nodes=3 contradicts nodes=4 at job.sh:1"), p);
  }

  @Test
  void staticProcessesMustFitTheNodes() {
    String p = failure(false, "#SBATCH --nodes=2", "#SBATCH --ntasks-per-node=2", "#SBATCH --ntasks=5")
        .problems().getFirst();
    assertTrue(p.contains("5 static processes"), p);
  }

  @Test
  void submitCommandLineOptionsCount() throws Exception {
    JobScriptException e = assertThrows(JobScriptException.class,
        () -> JobScriptParser.parse("job.sh", List.of("#PJM -L node=2"), true, List.of("--step")));
    assertTrue(e.problems().getFirst().contains("step job (command line)"), e.getMessage());
  }

  @Test
  void noDirectivesMeansOneNodeNoLimit() throws Exception {
    JobSpec s = parse(false, "#!/bin/sh", "echo hi");
    assertEquals(1, s.nodes());
    assertNull(s.elapse());
    assertEquals(1, s.effectiveStaticProcs());
  }

  @Test
  void badVariableNameInExport() {
    assertTrue(failure(false, "#PJM -x 1BAD=x").problems().getFirst().contains("'1BAD' is not a variable name"));
  }

  @Test
  void slurmSignalBecomesTheMastersTimeLimitWarning() throws Exception {
    JobSpec s = parse(true, "#SBATCH --time=30:00", "#SBATCH --signal=B:USR1@120");
    assertEquals("USR1", s.environment().get(org.jmswk.executor.TimeLimit.SIGNAL));
    assertEquals("120", s.environment().get(org.jmswk.executor.TimeLimit.LEAD));
    assertEquals("60", parse(true, "#SBATCH --signal=SIGUSR2").environment().get(org.jmswk.executor.TimeLimit.LEAD),
        "Slurm's default lead");
    JobScriptException e = failure(true, "#SBATCH --signal=TERM@60");
    assertTrue(e.getMessage().contains("job.sh:1") && e.getMessage().contains("only USR1 or USR2"), e.getMessage());
  }
}
