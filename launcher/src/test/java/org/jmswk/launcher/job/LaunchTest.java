package org.jmswk.launcher.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The launch built for each target, as pure functions. */
class LaunchTest {
  private static final Path HOSTFILE = Path.of("/jobs/7/hostfile");

  private static JobSpec spec(boolean mswk, String... lines) throws JobScriptException {
    return JobScriptParser.parse("job.sh", List.of(lines), mswk, List.of());
  }

  @Test
  void localGivesEveryRequestedSlotToLocalhost() throws Exception {
    Launch l = Launch.local(spec(false, "#SBATCH --nodes=3", "#SBATCH --ntasks-per-node=2"), HOSTFILE);
    assertEquals("localhost slots=6\n", l.hostfile());
    assertEquals(6, l.universeSize());
    assertEquals("lo", l.environment().get("OMPI_MCA_btl_tcp_if_include"));
    assertEquals(HOSTFILE.toString(), l.environment().get("OMPI_MCA_orte_default_hostfile"));
    assertEquals(HOSTFILE.toString(), l.environment().get("PRTE_MCA_prte_default_hostfile"));
    assertEquals("1", l.environment().get("OMPI_MCA_orte_enable_recovery"), "a dead worker must not end the job");
    assertEquals("5", l.environment().get("OMPI_MCA_oob_tcp_keepalive_time"), "a vanished node must not hang mpiexec");
  }

  @Test
  void masterWorkerJobKeepsTheMastersNodeForTheMaster() throws Exception {
    Launch l = Launch.docker(spec(true, "#PJM -L node=3", "#PJM --mpi proc=1,max-proc-per-node=4"),
        List.of("head", "node1", "node2", "node3"), "eth0", HOSTFILE);
    assertEquals("head slots=1\nnode1 slots=4\nnode2 slots=4\n", l.hostfile());
    assertEquals(9, l.universeSize());
    assertEquals("eth0", l.environment().get("OMPI_MCA_oob_tcp_if_include"));
  }

  @Test
  void dockerRefusesMoreNodesThanTheClusterHas() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> Launch.docker(spec(true, "#PJM -L node=5"), List.of("head", "node1"), "eth0", HOSTFILE));
    assertTrue(e.getMessage().contains("asks for 5 nodes, the cluster has 2"), e.getMessage());
  }

  @Test
  void slurmUsesTheAllocationsNodesAndTasks() throws Exception {
    Launch l = Launch.slurm(spec(true, "#SBATCH --nodes=3"),
        Map.of("SLURM_JOB_NODELIST", "cn[01-02],gpu7", "SLURM_TASKS_PER_NODE", "2(x2),1"), HOSTFILE);
    assertEquals("cn01 slots=2\ncn02 slots=2\ngpu7 slots=1\n", l.hostfile());
    assertEquals(null, l.environment().get("OMPI_MCA_btl_tcp_if_include"), "a site's network is left alone");
  }

  @Test
  void inASlurmBatchJobTheBatchNodeComesFirstAndDaemonsGoOverSsh() throws Exception {
    Launch l = Launch.slurm(spec(true, "#SBATCH --nodes=3"), Map.of("SLURM_JOB_NODELIST", "node[2-4]",
        "SLURM_TASKS_PER_NODE", "1,2,3", "SLURMD_NODENAME", "node3"), HOSTFILE);
    assertEquals("node3 slots=2\nnode2 slots=1\nnode4 slots=3\n", l.hostfile());
    assertEquals("rsh", l.environment().get("OMPI_MCA_plm"), "never one srun step for every node's daemon");
    assertEquals("^slurm", l.environment().get("OMPI_MCA_ras"), "the hostfile, batch node first");
    Launch one = Launch.slurm(spec(true), Map.of("SLURM_JOB_NODELIST", "n1", "SLURM_TASKS_PER_NODE", "4"), HOSTFILE);
    assertEquals(null, one.environment().get("OMPI_MCA_plm"), "one node: nothing to launch elsewhere");
  }

  @Test
  void slurmOutsideAnAllocationIsAClearError() {
    var e = assertThrows(IllegalArgumentException.class, () -> Launch.slurm(spec(false), Map.of(), HOSTFILE));
    assertTrue(e.getMessage().contains("not inside a Slurm allocation"), e.getMessage());
  }

  @Test
  void slurmListsExpand() {
    assertEquals(List.of("n08", "n09", "n10", "login"), SlurmLists.expandNodes("n[08-10],login"));
    assertEquals(List.of("a1", "a3", "a4", "b2"), SlurmLists.expandNodes("a[1,3-4],b[2]"));
    assertEquals(List.of(2, 2, 2, 1), SlurmLists.expandCounts("2(x3),1"));
    assertThrows(IllegalArgumentException.class, () -> SlurmLists.expandCounts("two"));
    assertThrows(IllegalArgumentException.class, () -> SlurmLists.expandNodes("n[3-1]"));
  }
}
