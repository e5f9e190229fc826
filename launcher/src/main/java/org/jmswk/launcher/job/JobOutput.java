package org.jmswk.launcher.job;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Where a job's output goes while it runs: always {@code jobDir/output.txt} (stdout and stderr
 * together), and the files the output directives name (#PJM -o/-e/-j, #SBATCH -o/-e), resolved
 * against the submit directory with {@code %j} as the job id and {@code %x} as the job name.
 */
final class JobOutput implements AutoCloseable {
  private final BufferedWriter all;
  private final BufferedWriter stdout;
  private final BufferedWriter stderr;
  private final List<BufferedWriter> opened = new ArrayList<>();

  JobOutput(Path jobDir, JobSpec.Output output, Path submitDir, String jobId, String jobName) throws IOException {
    all = open(jobDir.resolve("output.txt"), "the job's output");
    stdout = output.stdout() == null ? null : open(resolve(output.stdout(), submitDir, jobId, jobName), "the -o output file");
    stderr = output.joined() ? stdout
        : output.stderr() == null ? null : open(resolve(output.stderr(), submitDir, jobId, jobName), "the -e error file");
  }

  /** Whether stdout and stderr must be read apart (an output file of its own was asked for). */
  boolean split() {
    return stdout != null || stderr != null;
  }

  static Path resolve(String pattern, Path submitDir, String jobId, String jobName) {
    String name = pattern.replace("%j", jobId).replace("%x", jobName == null ? "" : jobName).replace("%%", "%");
    return submitDir.resolve(name);
  }

  private BufferedWriter open(Path file, String what) throws IOException {
    try {
      BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
      opened.add(w);
      return w;
    } catch (IOException e) {
      close();
      throw new IOException("cannot write " + what + " " + file + ": " + e.getMessage(), e);
    }
  }

  /** Lines of stdout (or of both streams when not split), then handed to {@code next}. */
  Consumer<String> stdoutLines(Consumer<String> next) {
    return line -> {
      write(all, line);
      write(stdout, line);
      if (next != null) next.accept(line);
    };
  }

  /** Lines of stderr when split, then handed to {@code next}. */
  Consumer<String> stderrLines(Consumer<String> next) {
    return line -> {
      write(all, line);
      write(stderr, line);
      if (next != null) next.accept(line);
    };
  }

  private static void write(BufferedWriter w, String line) {
    if (w == null) return;
    try {
      synchronized (w) {
        w.write(line);
        w.newLine();
        w.flush();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws IOException {
    for (BufferedWriter w : opened) w.close();
  }
}
