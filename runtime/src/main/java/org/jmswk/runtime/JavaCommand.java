package org.jmswk.runtime;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line that starts another JVM like this one (same java, same class path, native
 * access enabled) on a given main class: what a master passes to MPI_Comm_spawn for Java
 * workers. Extra JVM options for workers come from {@code JMSWK_WORKER_JVM_OPTS}, split on
 * white space (never given to a shell).
 */
public final class JavaCommand {
  private JavaCommand() {}

  /** The java executable of the running JVM. */
  public static String executable() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * The arguments after the executable: class path, JVM options, main class, then {@code args}.
   * The class path comes first because Open MPI 4.1's mpiexec rewrites the arguments of a Java
   * program: it takes the first argument that merely contains "cp" for the class path option
   * and prefixes the argument after it with its working directory, so a property such as
   * {@code -Dx=tcp:host:port} before {@code -cp} would corrupt the next argument.
   */
  public static String[] arguments(Class<?> mainClass, String... args) {
    return arguments(mainClass, java.util.Map.of(), args);
  }

  /** As {@link #arguments(Class, String...)}, with system properties ({@code -Dname=value}) for the JVM. */
  public static String[] arguments(Class<?> mainClass, java.util.Map<String, String> properties, String... args) {
    List<String> argv = new ArrayList<>();
    argv.add("-cp");
    argv.add(System.getProperty("java.class.path"));
    argv.add("--enable-native-access=ALL-UNNAMED");
    String extra = System.getenv("JMSWK_WORKER_JVM_OPTS");
    if (extra != null && !extra.isBlank()) argv.addAll(List.of(extra.trim().split("\\s+")));
    String nativeLib = System.getProperty("jmswk.native.lib");
    if (nativeLib != null) argv.add("-Djmswk.native.lib=" + nativeLib);
    properties.forEach((k, v) -> argv.add("-D" + k + "=" + v));
    argv.add(mainClass.getName());
    argv.addAll(List.of(args));
    return argv.toArray(String[]::new);
  }

  /** Executable and arguments together, e.g. for ProcessBuilder. */
  public static List<String> commandLine(Class<?> mainClass, String... args) {
    List<String> all = new ArrayList<>();
    all.add(executable());
    all.addAll(List.of(arguments(mainClass, args)));
    return all;
  }
}
