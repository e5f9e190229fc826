package org.jmswk.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** Every refusal is one line naming the command and the problem, with a non-zero exit and no stack trace. */
class RefusalTest {
  /** The words that name each (sub)command below jmswk, e.g. [cluster, up]. */
  private static List<List<String>> commands(CommandSpec spec, List<String> prefix) {
    List<List<String>> all = new ArrayList<>();
    spec.subcommands().forEach((name, sub) -> {
      if (!sub.getCommandSpec().name().equals(name) || name.equals("help")) return; // aliases once; help takes anything
      List<String> words = new ArrayList<>(prefix);
      words.add(name);
      all.add(words);
      all.addAll(commands(sub.getCommandSpec(), words));
    });
    return all;
  }

  private static void assertOneLineRefusal(String... args) {
    Captured.Run r = Captured.run(args);
    String out = r.output().strip();
    String what = String.join(" ", args) + " printed:\n" + r.output();
    assertTrue(r.exitCode() != 0, what);
    assertEquals(1, out.lines().count(), what);
    assertFalse(out.contains("Exception") || out.contains("\tat "), what);
    assertTrue(out.startsWith("jmswk " + args[0]) || out.startsWith("jmswk: "), what);
  }

  @Test
  void everyOptionOfEveryCommandRefusesAValueOfTheWrongKindInOneLine() {
    List<List<String>> commands = commands(Jmswk.commandLine().getCommandSpec(), List.of());
    assertTrue(commands.size() >= 12, commands.toString());
    int walked = 0;
    for (List<String> words : commands) {
      List<String> unknown = new ArrayList<>(words);
      unknown.add("--no-such-option");
      assertOneLineRefusal(unknown.toArray(String[]::new));
      CommandSpec spec = Jmswk.commandLine().getCommandSpec();
      for (String w : words) spec = spec.subcommands().get(w).getCommandSpec();
      for (OptionSpec o : spec.options()) {
        Class<?> type = o.type();
        boolean numeric = type == int.class || type == Integer.class || type == long.class || type == double.class;
        if (!numeric) continue;
        List<String> bad = new ArrayList<>(words);
        bad.addAll(List.of(o.longestName(), "not-a-number"));
        assertOneLineRefusal(bad.toArray(String[]::new));
        walked++;
      }
    }
    assertTrue(walked >= 8, "numeric options walked: " + walked);
  }

  @Test
  void everyHelpTextFormatsCleanly() {
    java.io.PrintStream stderr = System.err;
    var warnings = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(warnings, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      for (List<String> words : commands(Jmswk.commandLine().getCommandSpec(), List.of())) {
        picocli.CommandLine c = Jmswk.commandLine();
        for (String w : words) c = c.getSubcommands().get(w);
        assertTrue(c.getUsageMessage().contains("Usage: jmswk " + String.join(" ", words)), words.toString());
      }
    } finally {
      System.setErr(stderr);
    }
    assertEquals("", warnings.toString(java.nio.charset.StandardCharsets.UTF_8), "picocli's complaints about the help texts");
  }

  @Test
  void valuesOutOfRangeAndBadInputAreOneLine() {
    assertOneLineRefusal("cluster", "up", "--nodes", "0");
    assertOneLineRefusal("cluster", "up", "--nodes", "1000");
    assertOneLineRefusal("cluster", "up", "--slots", "0");
    assertOneLineRefusal("cluster", "up", "--name", "Bad Name!");
    assertOneLineRefusal("sub", "/no/such/script.sh");
    assertOneLineRefusal("sub", "--cluster", "kubernetes", "/no/such/script.sh");
    assertOneLineRefusal("stat", "no-such-job");
    assertOneLineRefusal("aexe", "--vcoord", "(x)", "--", "true");
    assertOneLineRefusal("aexe", "--vcoord", "(1)", "--timeout", "-1", "--", "true");
    assertOneLineRefusal("sub");
    assertOneLineRefusal("controller", "/no/such/workload.txt");
    assertOneLineRefusal("controller", "--connect-timeout", "0", "/no/such/workload.txt");
    assertOneLineRefusal("no-such-command");
  }
}
