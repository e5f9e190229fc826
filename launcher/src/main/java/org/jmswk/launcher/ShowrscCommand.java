package org.jmswk.launcher;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.jmswk.launcher.cluster.Cluster;
import org.jmswk.launcher.cluster.Docker;
import org.jmswk.launcher.job.JobRecord;
import org.jmswk.launcher.job.JobRunner;
import org.jmswk.launcher.job.ResourceView;
import org.jmswk.launcher.slurm.Slurm;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jmswk showrsc}: the nodes jobs can use, like the vendor's pjshowrsc. */
@Command(name = "showrsc", mixinStandardHelpOptions = true,
    description = {"Show the nodes jobs can use: TOTAL / FREE / ALLOC per cluster.", "",
        "Shows TOTAL / FREE / ALLOC nodes per cluster: this machine (\"local\") and each running",
        "container cluster (jmswk cluster up, or one started by jmswk sub --cluster). A node that is",
        "down (container stopped or paused, or unreachable from the head) is left out of every",
        "figure and of the per-node listing. ALLOC counts nodes running a job of jmswk sub.",
        "Where Slurm answers (sinfo), its nodes are shown as cluster \"slurm\": a node Slurm has",
        "down, drained or not responding is left out; ALLOC counts the nodes Slurm has allocated."})
public final class ShowrscCommand implements Callable<Integer> {
  @Option(names = "-l", description = "Also cpu and memory (MiB).")
  boolean long_;

  @Option(names = "-v", description = "Also one line per node.")
  boolean verbose;

  @Override
  public Integer call() throws IOException {
    Set<String> allocated = new HashSet<>();
    for (JobRecord j : JobRecord.all(JobRunner.jobsRoot())) {
      if (j.state().equals("RUNNING") && j.cluster().equals("local")) allocated.add("localhost");
    }
    var local = new ResourceView.Node("localhost", true, Runtime.getRuntime().availableProcessors(),
        JobRunner.memTotalMiB());
    System.out.print(ResourceView.render("local", List.of(local), allocated, long_, verbose));
    if (Slurm.available()) {
      List<Slurm.SinfoNode> nodes = Slurm.nodes();
      Set<String> slurmBusy = new HashSet<>();
      for (Slurm.SinfoNode n : nodes) if (n.allocated()) slurmBusy.add(n.name());
      System.out.println();
      System.out.print(ResourceView.render("slurm", Slurm.viewNodes(nodes), slurmBusy, long_, verbose));
    }
    if (Docker.unavailableReason().isPresent()) return 0;
    for (String name : Cluster.list()) {
      Cluster cluster = Cluster.attach(name).orElse(null);
      if (cluster == null) continue;
      Set<String> busy = new HashSet<>();
      for (JobRecord j : JobRecord.all(JobRunner.jobsRoot())) {
        if (j.state().equals("RUNNING") && j.cluster().equals(name)) busy.addAll(j.nodes());
      }
      List<ResourceView.Node> nodes = cluster.hosts().stream().map(h -> new ResourceView.Node(h,
          cluster.isReachable(h), local.cpus(), local.memMiB())).toList();
      System.out.println();
      System.out.print(ResourceView.render(name, nodes, busy, long_, verbose));
    }
    return 0;
  }
}
