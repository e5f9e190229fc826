package org.jmswk.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;

/**
 * The per-job secret that agent and aexe connections prove knowledge of (it never crosses the
 * wire; see {@link Handshake}). Looked up in this order: {@code JMSWK_JOB_SECRET} (the value
 * itself), {@code JMSWK_JOB_SECRET_FILE}, then {@code $JMSWK_JOB_DIR/secret}. A secret file must
 * be a regular file readable and writable by its owner only (mode 0600), else it is refused.
 */
public final class JobSecret {
  /** The file name of the secret inside a job directory. */
  public static final String FILE_NAME = "secret";
  private static final int MIN_LENGTH = 16;

  private JobSecret() {}

  /** The secret from the process environment; a clear {@link IllegalStateException} if none. */
  public static byte[] load() throws IOException {
    return load(System.getenv());
  }

  public static byte[] load(Map<String, String> env) throws IOException {
    String value = env.get("JMSWK_JOB_SECRET");
    if (value != null && !value.isBlank()) return check(value.strip(), "JMSWK_JOB_SECRET");
    String file = env.get("JMSWK_JOB_SECRET_FILE");
    if (file != null && !file.isBlank()) return read(Path.of(file));
    String jobDir = env.get("JMSWK_JOB_DIR");
    if (jobDir != null && !jobDir.isBlank()) {
      Path p = Path.of(jobDir, FILE_NAME);
      if (Files.exists(p)) return read(p);
      throw new IllegalStateException("no job secret: " + p + " does not exist (the master creates it; or set"
          + " JMSWK_JOB_SECRET / JMSWK_JOB_SECRET_FILE)");
    }
    throw new IllegalStateException("no job secret: set JMSWK_JOB_SECRET or JMSWK_JOB_SECRET_FILE, or run inside"
        + " a job (JMSWK_JOB_DIR)");
  }

  /**
   * The secret of the job in {@code env}, creating {@code $JMSWK_JOB_DIR/secret} (32 random bytes,
   * mode 0600) when the job has none yet; {@code JMSWK_JOB_SECRET(_FILE)} win when set. Safe
   * against concurrent creators: the file appears complete or not at all.
   */
  public static byte[] loadOrCreate(Map<String, String> env) throws IOException {
    boolean explicit = !blank(env.get("JMSWK_JOB_SECRET")) || !blank(env.get("JMSWK_JOB_SECRET_FILE"));
    String jobDir = env.get("JMSWK_JOB_DIR");
    if (explicit || blank(jobDir)) return load(env);
    return createIfAbsent(Path.of(jobDir, FILE_NAME));
  }

  /** Reads {@code file}, creating it first with a fresh random secret if it does not exist. */
  public static byte[] createIfAbsent(Path file) throws IOException {
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      byte[] random = new byte[32];
      new SecureRandom().nextBytes(random);
      Path tmp = file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + "."
          + System.nanoTime() + ".tmp");
      Files.writeString(Files.createFile(tmp, PosixFilePermissions.asFileAttribute(
          PosixFilePermissions.fromString("rw-------"))), HexFormat.of().formatHex(random) + "\n");
      try {
        Files.createLink(file, tmp); // atomic, never replaces: the first creator wins
      } catch (FileAlreadyExistsException raced) {
        // another process made it first: use theirs
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
    return read(file);
  }

  /** Reads a secret file, refusing one that others may read or write. */
  public static byte[] read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) throw new IllegalStateException("job secret file " + file + " is not a regular file");
    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
    for (PosixFilePermission p : perms) {
      if (p.name().startsWith("GROUP") || p.name().startsWith("OTHERS")) {
        throw new IllegalStateException("job secret file " + file + " has mode "
            + PosixFilePermissions.toString(perms) + ": it must be readable by its owner only (chmod 600)");
      }
    }
    return check(Files.readString(file, StandardCharsets.UTF_8).strip(), file.toString());
  }

  private static byte[] check(String value, String from) {
    if (value.length() < MIN_LENGTH) {
      throw new IllegalStateException("job secret from " + from + " is shorter than " + MIN_LENGTH + " characters");
    }
    return value.getBytes(StandardCharsets.UTF_8);
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
