package org.jmswk.launcher;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code jmswk} command. */
@Command(name = "jmswk", mixinStandardHelpOptions = true, version = "jmswk 0.1.0",
    description = "Failure-isolating master-worker jobs over MPI.",
    subcommands = {CommandLine.HelpCommand.class, org.jmswk.launcher.cluster.ClusterCommand.class, DemoCommand.class, SubCommand.class, StatCommand.class, CtlCommand.class, ShowrscCommand.class, ReapCommand.class, org.jmswk.launcher.bench.BenchCommand.class, org.jmswk.launcher.agent.AgentCommand.class, org.jmswk.launcher.agent.AexeCommand.class, org.jmswk.launcher.controller.ControllerCommand.class})
public final class Jmswk implements Runnable {
  /** Exit status of a refused command line or bad input (nothing ran). */
  public static final int EXIT_USAGE = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /**
   * The command line, with every refusal as one line naming the command and the problem
   * (never a usage dump or a stack trace): a bad option or value exits {@value #EXIT_USAGE}, as
   * does bad input found while running (an IllegalArgumentException); any other failure exits 1.
   */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Jmswk()).setUsageHelpWidth(100); // help texts are written for 100 columns
    cl.getSubcommands().get("aexe").setStopAtPositional(true); // pjaexe --vcoord "(1)" ./a.out -v: -v is a.out's
    cl.setParameterExceptionHandler((e, args) -> {
      CommandLine c = e.getCommandLine();
      String name = c.getCommandSpec().qualifiedName();
      String message = c == cl && e instanceof CommandLine.UnmatchedArgumentException && !args[0].startsWith("-")
          ? "no command '" + args[0] + "' (commands: " + String.join(", ", cl.getSubcommands().keySet()) + ")"
          : e.getMessage().strip();
      c.getErr().println(name + ": " + message + " (see: jmswk help" + name.replaceFirst("^jmswk", "") + ")");
      c.getErr().flush();
      return EXIT_USAGE;
    });
    cl.setExecutionExceptionHandler((e, c, parsed) -> {
      String message = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
      c.getErr().println(c.getCommandSpec().qualifiedName() + ": " + message.strip().replace('\n', ' '));
      c.getErr().flush();
      return e instanceof IllegalArgumentException ? EXIT_USAGE : 1;
    });
    return cl;
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
