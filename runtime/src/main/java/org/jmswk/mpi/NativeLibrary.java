package org.jmswk.mpi;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.net.URISyntaxException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Finds and opens libjmswk.so, so that users never set LD_LIBRARY_PATH.
 *
 * <p>Order: {@code JMSWK_NATIVE_LIB} (env) or {@code -Djmswk.native.lib}; a {@code libjmswk.so}
 * beside the jar or in {@code ../lib}; the copy packed in the jmswk-native jar, extracted once
 * per content hash into the temporary directory.
 */
final class NativeLibrary {
  static final String FILE_NAME = "libjmswk.so";
  private static final String RESOURCE = "/org/jmswk/native/" + FILE_NAME;

  private NativeLibrary() {}

  static SymbolLookup open() {
    Path path = locate();
    try {
      return SymbolLookup.libraryLookup(path, Arena.global());
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("cannot load " + path + ": " + e.getMessage()
          + " (is the MPI it was built against installed on this node?)", e);
    }
  }

  static Path locate() {
    String configured = System.getProperty("jmswk.native.lib", System.getenv("JMSWK_NATIVE_LIB"));
    if (configured != null && !configured.isBlank()) {
      Path p = Path.of(configured);
      if (!Files.isReadable(p)) {
        throw new IllegalStateException("JMSWK_NATIVE_LIB names " + p + ", which is not readable");
      }
      return p;
    }
    Path besideJar = besideCodeSource();
    if (besideJar != null) return besideJar;
    return extractPackedCopy();
  }

  private static Path besideCodeSource() {
    try {
      var source = NativeLibrary.class.getProtectionDomain().getCodeSource();
      if (source == null) return null;
      Path where = Path.of(source.getLocation().toURI());
      if (!Files.isRegularFile(where)) return null; // classes directory during the build
      Path dir = where.getParent();
      for (Path candidate : new Path[] {dir.resolve(FILE_NAME), dir.resolveSibling("lib").resolve(FILE_NAME)}) {
        if (Files.isReadable(candidate)) return candidate;
      }
    } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
      return null;
    }
    return null;
  }

  private static Path extractPackedCopy() {
    byte[] bytes;
    try (InputStream in = NativeLibrary.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("libjmswk.so not found: set JMSWK_NATIVE_LIB, or put the"
            + " jmswk-native jar on the class path");
      }
      bytes = in.readAllBytes();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the packed libjmswk.so: " + e.getMessage(), e);
    }
    String hash = sha256(bytes).substring(0, 16);
    Path dir = Path.of(System.getProperty("java.io.tmpdir"),
        "jmswk-native-" + System.getProperty("user.name"), hash);
    Path target = dir.resolve(FILE_NAME);
    if (Files.isReadable(target)) return target;
    try {
      Files.createDirectories(dir);
      // Many ranks start at once: write privately, then publish with one rename.
      Path tmp = Files.createTempFile(dir, "lib", ".tmp");
      Files.write(tmp, bytes);
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      return target;
    } catch (IOException e) {
      throw new IllegalStateException("cannot extract libjmswk.so to " + dir + ": " + e.getMessage(), e);
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
