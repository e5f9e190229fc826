package org.jmswk.launcher;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code jmswk} command. */
@Command(name = "jmswk", mixinStandardHelpOptions = true, version = "jmswk 0.1.0",
    description = "Failure-isolating master-worker jobs over MPI.",
    subcommands = {CommandLine.HelpCommand.class, org.jmswk.launcher.cluster.ClusterCommand.class, DemoCommand.class, SubCommand.class, StatCommand.class, ShowrscCommand.class, ReapCommand.class, org.jmswk.launcher.bench.BenchCommand.class, org.jmswk.launcher.agent.AgentCommand.class, org.jmswk.launcher.agent.AexeCommand.class})
public final class Jmswk implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    // The help texts are written for 100 columns.
    System.exit(new CommandLine(new Jmswk()).setUsageHelpWidth(100).execute(args));
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
