package org.jmswk.launcher;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where jmswk is installed: {@code -Djmswk.home} (set by the {@code jmswk} wrapper) or
 * {@code JMSWK_HOME}, else the parent of the directory holding jmswk.jar. The layout is
 * {@code bin/} (jmswk, jmswk-java), {@code lib/} (jmswk.jar, libjmswk.so), {@code libexec/}
 * (C reference programs) and {@code examples/}.
 */
public final class Installation {
  private Installation() {}

  public static Optional<Path> home() {
    String configured = System.getProperty("jmswk.home", System.getenv("JMSWK_HOME"));
    if (configured != null && !configured.isBlank()) return Optional.of(Path.of(configured));
    return jar().map(jar -> jar.getParent().getParent());
  }

  /** The jar this code runs from, if it runs from a jar. */
  public static Optional<Path> jar() {
    try {
      var source = Installation.class.getProtectionDomain().getCodeSource();
      if (source == null) return Optional.empty();
      Path p = Path.of(source.getLocation().toURI());
      return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    } catch (URISyntaxException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** A file below the installation, or a clear error naming what is missing and how to get it. */
  public static Path require(String relative, String what) {
    Path home = home().orElseThrow(() -> new IllegalStateException(
        "cannot find the jmswk installation for " + what + ": run ci/setup, or set JMSWK_HOME"));
    Path p = home.resolve(relative);
    if (!Files.exists(p)) {
      throw new IllegalStateException(what + " is missing at " + p + ": run ci/setup to (re)install jmswk");
    }
    return p;
  }

  /** The java of this JVM. */
  public static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
