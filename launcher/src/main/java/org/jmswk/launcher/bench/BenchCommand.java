package org.jmswk.launcher.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code jmswk bench}: benchmarks that print ratios against C measured in the same run. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {"Benchmarks against C (or a peer), measured in the same run.", "",
        "Each runs the C reference and the Java side in the same run, several",
        "rounds in alternation, and prints medians and the Java/C ratio."},
    subcommands = {PingPongBench.class, MswkBench.class, FarmBench.class, JournalBench.class, ElasticBench.class})
public final class BenchCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
