package org.jmswk.launcher.cluster;

import java.security.SecureRandom;

/**
 * The Slurm configuration of a container cluster started with {@code --slurm}: the head runs
 * slurmctld and slurmdbd (accounting in a MariaDB database on the head, so {@code sacct}
 * answers: Debian bookworm's Slurm 22.05 ships no text accounting plugin any more, only
 * {@code accounting_storage/slurmdbd}), the slave nodes {@code node1..nodeN} run slurmd and form
 * the one partition {@code batch}; the head is the login node and runs no jobs.
 *
 * <p>Settings chosen for fault tests: a node that stops answering is marked DOWN after
 * {@link #SLURMD_TIMEOUT_S} s and stays down ({@code ReturnToService=0}); a job whose batch
 * node is lost is requeued when it was submitted with {@code --requeue}.
 */
public final class SlurmConfig {
  /** Slurm's cluster name in slurm.conf and in the accounting database. */
  public static final String CLUSTER_NAME = "jmswk";
  /** The partition every slave node is in. */
  public static final String PARTITION = "batch";
  /** Seconds of silence after which slurmctld marks a node DOWN (Slurm's default is 300). */
  static final int SLURMD_TIMEOUT_S = 10;
  /** Step credential lifetime; also what a requeued job waits before it starts again (+1 s). */
  static final int CRED_EXPIRE_S = 20;
  /** Size of the munge key (munge's own mungekey writes 1024 bytes). */
  static final int MUNGE_KEY_BYTES = 1024;

  private SlurmConfig() {}

  /**
   * slurm.conf for a cluster of {@code nodes} slave nodes with {@code cpusPerNode} CPUs each.
   * {@code addresses} (host name to address) go in as NodeAddr: slurmctld then never asks DNS,
   * which stalls it (11 s per attempt, RPCs time out) once a killed container's name is gone.
   */
  public static String slurmConf(int nodes, int cpusPerNode, java.util.Map<String, String> addresses) {
    if (nodes < 1) throw new IllegalArgumentException("a Slurm cluster needs at least one slave node");
    String nodeList = nodes == 1 ? "node1" : "node[1-" + nodes + "]";
    StringBuilder nodeLines = new StringBuilder();
    for (int i = 1; i <= nodes; i++) {
      String addr = addresses.get("node" + i);
      nodeLines.append("NodeName=node").append(i).append(addr == null ? "" : " NodeAddr=" + addr)
          .append(" CPUs=").append(cpusPerNode).append(" State=UNKNOWN\n");
    }
    String head = addresses.containsKey("head") ? "head(" + addresses.get("head") + ")" : "head";
    return """
        # written by jmswk cluster up --slurm
        ClusterName=%s
        SlurmctldHost=%s
        SlurmUser=root
        SlurmdUser=root
        AuthType=auth/munge
        # a requeued job waits cred_expire + 1 s before it may start again (default 120)
        AuthInfo=cred_expire=%d
        # containers: no cgroups of their own, so processes are tracked by parent pid
        ProctrackType=proctrack/linuxproc
        TaskPlugin=task/none
        JobAcctGatherType=jobacct_gather/none
        AccountingStorageType=accounting_storage/slurmdbd
        AccountingStorageHost=head
        JobCompType=jobcomp/none
        SchedulerType=sched/backfill
        SelectType=select/cons_tres
        SelectTypeParameters=CR_Core
        StateSaveLocation=/var/spool/slurmctld
        SlurmdSpoolDir=/var/spool/slurmd
        SlurmctldLogFile=/var/log/slurm/slurmctld.log
        SlurmdLogFile=/var/log/slurm/slurmd.log
        SlurmdTimeout=%d
        ReturnToService=0
        JobRequeue=1
        KillWait=5
        MinJobAge=3600
        # CPUs as configured here, whatever the container sees
        SlurmdParameters=config_overrides
        MpiDefault=none
        %sPartitionName=%s Nodes=%s Default=YES MaxTime=INFINITE State=UP
        """.formatted(CLUSTER_NAME, head, CRED_EXPIRE_S, SLURMD_TIMEOUT_S, nodeLines, PARTITION, nodeList);
  }

  /**
   * slurmdbd.conf: root's MariaDB account over the local socket (unix_socket authentication,
   * no password anywhere), database slurm_acct_db.
   */
  public static String slurmdbdConf() {
    return """
        # written by jmswk cluster up --slurm
        AuthType=auth/munge
        DbdHost=head
        SlurmUser=root
        StorageType=accounting_storage/mysql
        StorageHost=localhost
        StorageUser=root
        StorageLoc=slurm_acct_db
        LogFile=/var/log/slurm/slurmdbd.log
        PidFile=/run/slurmdbd.pid
        """;
  }

  /** A fresh munge key: made per cluster start, never stored outside its containers. */
  public static byte[] newMungeKey() {
    byte[] key = new byte[MUNGE_KEY_BYTES];
    new SecureRandom().nextBytes(key);
    return key;
  }
}
