package org.jmswk.launcher.job;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the directives of a job script, in the vendor's dialect ({@code #PJM}) and Slurm's
 * ({@code #SBATCH}), into a {@link JobSpec}. Strict: every unknown option, bad value or
 * contradiction is reported with file:line, all of them at once, and nothing is launched.
 * As with sbatch, directives end at the first command line of the script.
 */
public final class JobScriptParser {
  private static final Pattern DIRECTIVE = Pattern.compile("^#(PJM|SBATCH)(?:\\s+(.*))?$");
  private static final Pattern POSITIVE = Pattern.compile("[1-9][0-9]{0,6}");
  private static final Pattern SHAPE = Pattern.compile("([1-9][0-9]{0,5})(?:x([1-9][0-9]{0,5}))?(?:x([1-9][0-9]{0,5}))?");
  private static final Pattern NODE_VALUE =
      Pattern.compile("([1-9][0-9]{0,5}(?:x[1-9][0-9]{0,5}){0,2})(?::(torus|mesh|noncont|strict|strict-io))?");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /** Slurm options jmswk accepts but does not act on: they draw a warning. */
  private static final List<String> SLURM_IGNORED = List.of("mail-type", "mail-user",
      "mem-per-cpu", "exclusive", "constraint", "qos", "requeue", "no-requeue", "chdir",
      "open-mode", "comment", "licenses");
  private static final Pattern SLURM_MEM = Pattern.compile("([1-9][0-9]{0,9})([KMGT]?)B?", Pattern.CASE_INSENSITIVE);
  private static final Map<Character, String> SLURM_SHORT = Map.of('N', "nodes", 'n', "ntasks", 't', "time",
      'p', "partition", 'J', "job-name", 'A', "account", 'o', "output", 'e', "error", 'a', "array", 'c', "cpus-per-task");
  private static final List<String> SLURM_FLAGS = List.of("exclusive", "requeue", "no-requeue");

  private final String file;
  private final List<String> problems = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();
  private final Map<String, Setting> settings = new LinkedHashMap<>();
  private final Map<String, String> environment = new LinkedHashMap<>();
  private final List<String> asked = new ArrayList<>();
  private String where;
  private String dialect;

  /** A value and the directive that gave it. */
  private record Setting(Object value, String dialect, String where) {}

  private JobScriptParser(String file) {
    this.file = file;
  }

  /**
   * Parses {@code lines} of the script {@code file}; {@code mswk} is the submit command line's
   * {@code --mswk}; {@code submitOptions} are further #PJM-style options from that command line.
   */
  public static JobSpec parse(String file, List<String> lines, boolean mswk, List<String> submitOptions)
      throws JobScriptException {
    JobScriptParser p = new JobScriptParser(file);
    return p.run(lines, mswk, submitOptions);
  }

  private JobSpec run(List<String> lines, boolean mswk, List<String> submitOptions) throws JobScriptException {
    boolean inHeader = true;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      where = file + ":" + (i + 1);
      if (line.isEmpty() || (i == 0 && line.startsWith("#!"))) continue;
      if (!line.startsWith("#")) {
        inHeader = false;
        continue;
      }
      Matcher m = DIRECTIVE.matcher(line);
      if (!m.matches()) continue;
      if (!inHeader) {
        warnings.add(where + ": #" + m.group(1) + " after the first command is ignored (directives must come first)");
        continue;
      }
      dialect = "#" + m.group(1);
      List<String> words;
      try {
        words = Words.split(m.group(2) == null ? "" : m.group(2));
      } catch (IllegalArgumentException e) {
        problem(e.getMessage());
        continue;
      }
      if (dialect.equals("#PJM")) pjm(words, false);
      else slurm(words);
    }
    where = "command line";
    dialect = "command line";
    pjm(submitOptions, true);
    if (mswk) set("mswk", true);
    return build(mswk);
  }

  // ---- the vendor's dialect --------------------------------------------------------

  private void pjm(List<String> words, boolean commandLine) {
    for (int i = 0; i < words.size(); i++) {
      String opt = words.get(i);
      switch (opt) {
        case "-L", "--rsc-list" -> { if (hasValue(words, i, opt)) resources(words.get(++i)); }
        case "--mpi" -> { if (hasValue(words, i, opt)) mpiOptions(words.get(++i)); }
        case "-g" -> { if (hasValue(words, i, opt)) set("group", words.get(++i)); }
        case "-N", "--name" -> { if (hasValue(words, i, opt)) set("jobName", words.get(++i)); }
        case "-s", "-S" -> set("printStats", true);
        case "-x" -> { if (hasValue(words, i, opt)) exports(words.get(++i)); }
        case "-o" -> { if (hasValue(words, i, opt)) set("stdout", words.get(++i)); }
        case "-e" -> { if (hasValue(words, i, opt)) set("stderr", words.get(++i)); }
        case "-j" -> set("joined", true);
        case "--spath" -> {
          if (hasValue(words, i, opt)) warnings.add(where + ": --spath " + words.get(++i) + " is ignored (the statistics go to the job directory)");
        }
        case "-m", "--mail-list" -> {
          if (hasValue(words, i, opt)) warnings.add(where + ": " + opt + " " + words.get(++i) + " is ignored (jmswk sends no mail)");
        }
        case "--norestart", "--restart" -> warnings.add(where + ": " + opt + " is ignored (jobs are not requeued here)");
        case "--step" -> set("step", true);
        case "--bulk" -> set("bulk", true);
        case "--sparam" -> { if (hasValue(words, i, opt)) { i++; set("bulk", true); } }
        case "--interact" -> set("interactive", true);
        case "--mswk" -> {
          if (!commandLine) problem("--mswk goes on the submit command line (jmswk sub --mswk SCRIPT), not in a directive");
        }
        default -> problem("unknown #PJM option '" + opt + "'"
            + " (known: -L, --mpi, -g, -N, -s, -S, -x, -o, -e, -j, -m, --step, --bulk, --sparam, --interact)");
      }
    }
  }

  private void resources(String list) {
    for (String item : list.split(",")) {
      String[] kv = item.strip().split("=", 2);
      String key = kv[0];
      String value = kv.length > 1 ? kv[1] : null;
      switch (key) {
        case "node" -> node(value);
        case "elapse" -> {
          Duration d = value == null ? null : pjmElapse(value);
          if (d != null || "unlimited".equals(value)) set("elapse", d == null ? Duration.ZERO : d);
          else problem("elapse=" + value + " is not a time: use [[hh:]mm:]ss, e.g. elapse=10:00 for ten minutes");
        }
        case "rscgrp" -> { if (nonEmpty(key, value)) set("resourceGroup", value); }
        case "rscunit", "node-mem", "proc-core", "freq", "eco_state", "retention_state" ->
            warnings.add(where + ": -L " + item.strip() + " is ignored");
        default -> problem("unknown resource '" + key + "' in -L (known: node, elapse, rscgrp, rscunit, node-mem)");
      }
    }
  }

  private void node(String value) {
    Matcher m = value == null ? null : NODE_VALUE.matcher(value);
    if (m == null || !m.matches()) {
      problem("node=" + value + " is not a node count or shape: use node=N, node=XxY or node=XxYxZ");
      return;
    }
    List<Integer> dims = dims(m.group(1));
    set("shape", dims.size() > 1 ? dims : List.of());
    set("nodes", dims.stream().reduce(1, Math::multiplyExact));
  }

  private static List<Integer> dims(String shape) {
    List<Integer> dims = new ArrayList<>();
    for (String d : shape.split("x")) dims.add(Integer.parseInt(d));
    return dims;
  }

  private void mpiOptions(String list) {
    for (String item : list.split(",")) {
      String[] kv = item.strip().split("=", 2);
      String value = kv.length > 1 ? kv[1] : null;
      switch (kv[0]) {
        case "proc" -> positive("proc", value, "staticProcs");
        case "max-proc-per-node" -> positive("max-proc-per-node", value, "procsPerNode");
        case "shape" -> {
          Matcher m = value == null ? null : SHAPE.matcher(value);
          if (m == null || !m.matches()) problem("--mpi shape=" + value + " is not a shape: use shape=N or shape=XxY");
          else {
            int procs = dims(value).stream().reduce(1, Math::multiplyExact);
            set("masterOnFirstNode", procs == 1);
            set("mpiShapeProcs", procs);
          }
        }
        case "rank-map-hostfile" -> set("rankMapHostfile", value == null ? "" : value);
        case "rank-map-bynode", "rank-map-bychip", "assign-online-node" ->
            warnings.add(where + ": --mpi " + kv[0] + " is ignored");
        default -> problem("unknown --mpi option '" + kv[0] + "' (known: proc, shape, max-proc-per-node, rank-map-hostfile)");
      }
    }
  }

  private void exports(String list) {
    for (String item : list.split(",")) {
      String[] kv = item.split("=", 2);
      if (!ENV_NAME.matcher(kv[0]).matches()) {
        problem("-x " + item + ": '" + kv[0] + "' is not a variable name");
      } else {
        environment.put(kv[0], kv.length > 1 ? kv[1] : System.getenv().getOrDefault(kv[0], ""));
      }
    }
  }

  /** PJM elapse: [[hh:]mm:]ss. */
  static Duration pjmElapse(String text) {
    if (!text.matches("\\d{1,6}(:\\d{1,2}){0,2}")) return null;
    String[] parts = text.split(":");
    long seconds = 0;
    for (String p : parts) seconds = seconds * 60 + Long.parseLong(p);
    if (parts.length > 1 && Long.parseLong(parts[parts.length - 1]) >= 60) return null;
    if (parts.length > 2 && Long.parseLong(parts[parts.length - 2]) >= 60) return null;
    return seconds > 0 ? Duration.ofSeconds(seconds) : null;
  }

  // ---- Slurm's dialect ---------------------------------------------------------------

  private void slurm(List<String> words) {
    for (int i = 0; i < words.size(); i++) {
      String word = words.get(i);
      String name;
      String value = null;
      if (word.startsWith("--")) {
        int eq = word.indexOf('=');
        name = eq < 0 ? word.substring(2) : word.substring(2, eq);
        if (eq >= 0) value = word.substring(eq + 1);
      } else if (word.length() >= 2 && word.charAt(0) == '-' && SLURM_SHORT.containsKey(word.charAt(1))) {
        name = SLURM_SHORT.get(word.charAt(1));
        if (word.length() > 2) value = word.substring(2);
      } else {
        problem("unknown #SBATCH option '" + word + "'");
        continue;
      }
      boolean flag = SLURM_FLAGS.contains(name);
      if (value == null && !flag) {
        if (i + 1 >= words.size()) {
          problem("#SBATCH --" + name + " needs a value");
          continue;
        }
        value = words.get(++i);
      }
      switch (name) {
        case "nodes" -> {
          if (value.matches("\\d+-\\d+")) problem("--nodes=" + value + ": a node range is not supported, give one count");
          else positive("--nodes", value, "nodes");
        }
        case "ntasks-per-node" -> positive("--ntasks-per-node", value, "procsPerNode");
        case "ntasks" -> positive("--ntasks", value, "tasks");
        case "cpus-per-task" -> {
          positive("--cpus-per-task", value, "cpusPerTask");
          asked.add(where + ": #SBATCH --cpus-per-task=" + value);
        }
        case "mem" -> {
          Matcher mem = SLURM_MEM.matcher(value);
          if (!mem.matches()) {
            problem("--mem=" + value + " is not a size: use a number of MiB or N[K|M|G|T], e.g. --mem=4G");
          } else {
            long n = Long.parseLong(mem.group(1));
            long mib = switch (mem.group(2).toUpperCase()) {
              case "K" -> Math.max(1, n / 1024);
              case "G" -> n * 1024;
              case "T" -> n * 1024 * 1024;
              default -> n;
            };
            set("memMiB", mib);
            asked.add(where + ": #SBATCH --mem=" + value);
          }
        }
        case "output" -> { if (nonEmpty("--output", value)) set("stdout", value); }
        case "error" -> { if (nonEmpty("--error", value)) set("stderr", value); }
        case "time" -> {
          Duration d = slurmTime(value);
          if (d != null) set("elapse", d);
          else if (value.equalsIgnoreCase("infinite") || value.equalsIgnoreCase("unlimited")) set("elapse", Duration.ZERO);
          else problem("--time=" + value + " is not a time: use minutes, mm:ss, hh:mm:ss, d-hh, d-hh:mm or d-hh:mm:ss");
        }
        case "partition" -> { if (nonEmpty("--partition", value)) set("resourceGroup", value); }
        case "job-name" -> { if (nonEmpty("--job-name", value)) set("jobName", value); }
        case "account" -> { if (nonEmpty("--account", value)) set("group", value); }
        case "array" -> set("bulk", true);
        case "signal" -> {
          try {
            TimeLimitWarning.parse(value).forEach((k, v) -> environment.put(k, v));
          } catch (IllegalArgumentException e) {
            problem(e.getMessage());
          }
        }
        case "export" -> {
          for (String item : value.split(",")) if (item.contains("=")) exports(item);
        }
        default -> {
          if (SLURM_IGNORED.contains(name)) warnings.add(where + ": #SBATCH --" + name + " is ignored");
          else problem("unknown #SBATCH option '--" + name + "' (known: --nodes, --ntasks-per-node, --ntasks,"
              + " --time, --partition, --job-name, --account, --export, --array, --output, --error, --cpus-per-task, --mem,"
              + " --signal)");
        }
      }
    }
  }

  /** Slurm --time: minutes, mm:ss, hh:mm:ss, d-hh, d-hh:mm, d-hh:mm:ss. */
  static Duration slurmTime(String text) {
    Matcher m = Pattern.compile("(?:(\\d+)-)?(\\d+)(?::(\\d+))?(?::(\\d+))?").matcher(text);
    if (!m.matches()) return null;
    long days = m.group(1) == null ? 0 : Long.parseLong(m.group(1));
    long a = Long.parseLong(m.group(2));
    Long b = m.group(3) == null ? null : Long.parseLong(m.group(3));
    Long c = m.group(4) == null ? null : Long.parseLong(m.group(4));
    long seconds;
    if (m.group(1) != null) {           // d-hh[:mm[:ss]]
      seconds = days * 86400 + a * 3600 + (b == null ? 0 : b * 60) + (c == null ? 0 : c);
    } else if (c != null) {             // hh:mm:ss
      seconds = a * 3600 + b * 60 + c;
    } else if (b != null) {             // mm:ss
      seconds = a * 60 + b;
    } else {                            // minutes
      seconds = a * 60;
    }
    if ((b != null && b >= 60) || (c != null && c >= 60)) return null;
    return seconds > 0 ? Duration.ofSeconds(seconds) : null;
  }

  // ---- shared ------------------------------------------------------------------------

  private boolean hasValue(List<String> words, int i, String opt) {
    if (i + 1 < words.size()) return true;
    problem(dialect + " " + opt + " needs a value");
    return false;
  }

  private boolean nonEmpty(String name, String value) {
    if (value != null && !value.isBlank()) return true;
    problem(name + " needs a value");
    return false;
  }

  private void positive(String name, String value, String key) {
    if (value != null && POSITIVE.matcher(value).matches()) set(key, Integer.parseInt(value));
    else problem(name + "=" + value + " must be a whole number from 1 to 9999999");
  }

  /** Records a setting; the same setting from the other dialect must agree. */
  private void set(String key, Object value) {
    Setting before = settings.get(key);
    if (before != null && !before.dialect().equals(dialect) && !Objects.equals(before.value(), value)
        && !before.dialect().equals("command line") && !dialect.equals("command line")) {
      problem(describe(key, value) + " contradicts " + describe(key, before.value()) + " at " + before.where());
      return;
    }
    settings.put(key, new Setting(value, dialect, where));
  }

  private static String describe(String key, Object value) {
    return key + "=" + (value instanceof Duration d ? d.toString().substring(2).toLowerCase() : value);
  }

  private void problem(String message) {
    problems.add(where + ": " + message);
  }

  private Object value(String key, Object otherwise) {
    Setting s = settings.get(key);
    return s == null ? otherwise : s.value();
  }

  private String whereOf(String key) {
    Setting s = settings.get(key);
    return s == null ? "" : " (" + s.where() + ")";
  }

  @SuppressWarnings("unchecked")
  private JobSpec build(boolean mswk) throws JobScriptException {
    where = file;
    if (mswk) {
      for (String kind : List.of("step", "bulk", "interactive")) {
        if (settings.containsKey(kind)) {
          problems.add("--mswk cannot be combined with a" + (kind.equals("interactive") ? "n " : " ") + kind
              + " job" + whereOf(kind));
        }
      }
      if (settings.containsKey("rankMapHostfile")) {
        warnings.add(settings.get("rankMapHostfile").where()
            + ": --mpi rank-map-hostfile is meaningless for a master-worker job and is ignored");
      }
    } else if (settings.containsKey("rankMapHostfile")) {
      warnings.add(settings.get("rankMapHostfile").where() + ": --mpi rank-map-hostfile is not supported and is ignored");
    }
    int nodes = (int) value("nodes", 1);
    int tasks = (int) value("tasks", 0);
    // Slurm's --ntasks is the allocation's task count: without --mswk every task is a static
    // process; a master-worker job has one master and the other tasks are room for workers.
    int staticProcs = (int) value("staticProcs", tasks > 0 && !mswk ? tasks : 0);
    int perNode = (int) value("procsPerNode", 0);
    if (perNode > 0 && staticProcs > (long) nodes * perNode) {
      problems.add(file + ": " + staticProcs + " static processes" + whereOf("staticProcs") + " do not fit " + nodes
          + " nodes x " + perNode + " per node");
    }
    if (perNode > 0 && tasks > (long) nodes * perNode) {
      problems.add(file + ": " + tasks + " tasks" + whereOf("tasks") + " do not fit " + nodes + " nodes x " + perNode
          + " per node");
    }
    if (tasks > 0 && tasks < nodes) {
      problems.add(file + ": " + tasks + " tasks" + whereOf("tasks") + " cannot cover " + nodes + " nodes"
          + whereOf("nodes") + " (Slurm needs at least one task per node)");
    }
    if (!problems.isEmpty()) throw new JobScriptException(problems);
    Duration elapse = (Duration) value("elapse", null);
    return new JobSpec(nodes, (List<Integer>) value("shape", List.of()), staticProcs, perNode,
        (boolean) value("masterOnFirstNode", false), elapse == null || elapse.isZero() ? null : elapse,
        (String) value("resourceGroup", null), (String) value("group", null), (String) value("jobName", null),
        (boolean) value("printStats", false), mswk, java.util.Collections.unmodifiableMap(new LinkedHashMap<>(environment)),
        List.copyOf(warnings), (int) value("mpiShapeProcs", 0), tasks,
        new JobSpec.Asked((int) value("cpusPerTask", 0), (long) value("memMiB", 0L), List.copyOf(asked)),
        new JobSpec.Output((String) value("stdout", null), (String) value("stderr", null),
            (boolean) value("joined", false) || (settings.containsKey("stdout") && !settings.containsKey("stderr")
                && "#SBATCH".equals(settings.get("stdout").dialect()))));
  }
}
