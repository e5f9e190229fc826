package org.jmswk.launcher.job;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/** A job run from this machine, as its job directory records it. */
public record JobRecord(String id, String name, String state, String target, String cluster, List<String> nodes,
                        Instant start, Instant end, Integer exitCode, String endReason, Path dir) {

  /** Every job under {@code root}, oldest first; directories without a state file are skipped. */
  public static List<JobRecord> all(Path root) throws IOException {
    List<JobRecord> jobs = new ArrayList<>();
    if (!Files.isDirectory(root)) return jobs;
    try (Stream<Path> dirs = Files.list(root)) {
      for (Path dir : dirs.filter(d -> d.getFileName().toString().matches("\\d+")).toList()) {
        read(dir).ifPresent(jobs::add);
      }
    }
    jobs.sort(Comparator.comparingInt(j -> Integer.parseInt(j.id())));
    return jobs;
  }

  public static java.util.Optional<JobRecord> read(Path dir) throws IOException {
    Path file = dir.resolve("job.properties");
    if (!Files.isRegularFile(file)) return java.util.Optional.empty();
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    }
    String state = p.getProperty("state", "UNKNOWN");
    if (state.equals("RUNNING")) {
      long pid = Long.parseLong(p.getProperty("pid", "-1"));
      boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
      if (!alive) state = "LOST"; // the launcher died without recording the end
    }
    String end = p.getProperty("end");
    String exit = p.getProperty("exit_code");
    String nodes = p.getProperty("nodes", "");
    return java.util.Optional.of(new JobRecord(dir.getFileName().toString(), p.getProperty("name", "?"), state,
        p.getProperty("target", "?"), p.getProperty("cluster", "local"), nodes.isEmpty() ? List.of() : List.of(nodes.split(",")),
        Instant.parse(p.getProperty("start")), end == null ? null : Instant.parse(end),
        exit == null ? null : Integer.valueOf(exit), p.getProperty("end_reason"), dir));
  }

  /** Time so far (running) or in all (ended). */
  public Duration elapsed() {
    return Duration.between(start, end != null ? end : Instant.now());
  }
}
