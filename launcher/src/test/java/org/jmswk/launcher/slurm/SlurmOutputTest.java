package org.jmswk.launcher.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Parsing what sinfo, sacct and sbatch print (as captured from Slurm 22.05 on the container cluster). */
class SlurmOutputTest {
  @Test
  void sinfoNodesDownOrNotRespondingAreNotUsableAndAllocatedOnesAreCounted() {
    List<Slurm.SinfoNode> nodes = Slurm.parseSinfo("""
        node1|alloc|1|1
        node2|down*|1|1
        node3|idle|1|1
        node4|mix|2|2000
        node5|drain|1|1
        node3|idle|1|1
        """);
    assertEquals(List.of("node1", "node2", "node3", "node4", "node5"), nodes.stream().map(Slurm.SinfoNode::name).toList());
    assertEquals(List.of(true, false, true, true, false), nodes.stream().map(Slurm.SinfoNode::usable).toList());
    assertEquals(List.of(true, false, false, true, false), nodes.stream().map(Slurm.SinfoNode::allocated).toList());
    assertEquals(2000, nodes.get(3).memMiB());
  }

  @Test
  void sacctListsEveryRunOfARequeuedJob() {
    List<Slurm.Run> runs = Slurm.parseSacct("""
        12|NODE_FAIL|0:0|2026-12-03T08:00:01|2026-12-03T08:00:30|node[1-3]|3|3
        12|COMPLETED|0:0|2026-12-03T08:00:45|2026-12-03T08:01:10|node[2-4]|3|3
        """);
    assertEquals(2, runs.size());
    assertEquals("NODE_FAIL", runs.get(0).state());
    assertEquals("node[2-4]", runs.get(1).nodeList());
    assertEquals(3, runs.get(1).allocNodes());
    assertEquals(List.of("node2", "node3", "node4"), Slurm.expand(runs.get(1).nodeList()));
    assertTrue(Slurm.expand("None assigned").isEmpty());
  }

  @Test
  void sbatchParsableOutputGivesTheJobIdOrAClearError() {
    assertEquals("42", Slurm.parseSubmitted("42\n"));
    assertEquals("43", Slurm.parseSubmitted("43;jmswk\n"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Slurm.parseSubmitted("sbatch: error: Batch job submission failed"));
    assertTrue(e.getMessage().contains("no job id"), e.getMessage());
  }

  @Test
  void aJobIdThatIsNotANumberIsNeverPassedToSlurm() {
    assertThrows(IllegalArgumentException.class, () -> Slurm.runs("1; scancel -u root"));
    assertFalse("12a".matches("\\d+"));
  }
}
