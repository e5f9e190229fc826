package org.jmswk.launcher.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jmswk.launcher.Captured;
import org.jmswk.testkit.MpiRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jmswk controller} as a user runs it (its own process, commands typed on its standard
 * input) with two applications, each a real {@code --mswk} job of the sweep example.
 */
class ControllerCommandTest {
  @TempDir Path root;
  private static final ObjectMapper JSON = new ObjectMapper();

  private Path script(String name, int points) throws Exception {
    return Files.write(root.resolve(name + ".sh"), List.of("#!/bin/bash", "#PJM -L \"node=4\"",
        "#PJM -x JMSWK_TASK_SECONDS=0.02",
        "mpiexec -n 1 \"$JMSWK_JAVA\" --enable-native-access=ALL-UNNAMED -cp \"$JMSWK_CLASSPATH\" "
            + "org.jmswk.examples.farm.SweepMaster " + points + " \"$JMSWK_APP_WORKERS\""));
  }

  @Test
  void twoApplicationsRunMonitoredAndTakeTypedCommands() throws Exception {
    script("sweep", 600);
    script("other", 300);
    Path workload = Files.write(root.resolve("workload.txt"), List.of("# two applications", "sweep:localhost:2",
        "other:localhost:1"));
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED", "-cp", MpiRun.absoluteClassPath(), "org.jmswk.launcher.Jmswk",
        "controller", "--interval", "200", workload.toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(root.resolve("stderr.txt").toFile());
    pb.environment().put("JMSWK_JOBS_DIR", root.resolve("jobs").toString());
    // job ids follow the highest in the jobs directory; a job's processes are found by
    // JMSWK_JOB_ID alone, so ids 1 and 2 of other tests' jobs running at the same time on this
    // machine could end ours: start from a random id instead
    Files.createDirectories(root.resolve("jobs").resolve(Integer.toString(
        100_000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(900_000_000))));
    Process controller = pb.start();
    List<JsonNode> lines = new ArrayList<>();
    Thread reader = Thread.ofPlatform().start(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(controller.getInputStream(), StandardCharsets.UTF_8))) {
        String l;
        while ((l = r.readLine()) != null) {
          JsonNode n = JSON.readTree(l);
          synchronized (lines) {
            lines.add(n);
          }
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    try (OutputStream typed = controller.getOutputStream()) {
      // both applications are monitored before anything is typed
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (count(lines, 0, "monitor") == 0 || count(lines, 1, "monitor") == 0) {
        assertTrue(controller.isAlive() && System.nanoTime() < deadline, "monitoring of both: " + copy(lines) + stderr());
        Thread.sleep(100);
      }
      // each job publishes its Prometheus endpoint in its directory: scraped, it shows the job's workers
      List<Long> workers = new ArrayList<>();
      try (var dirs = Files.list(root.resolve("jobs"))) {
        for (Path d : dirs.toList()) {
          Path url = d.resolve("metrics.url");
          if (!Files.exists(url)) continue;
          String body = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
              java.net.URI.create(Files.readString(url).strip())).timeout(java.time.Duration.ofSeconds(10)).build(),
              java.net.http.HttpResponse.BodyHandlers.ofString()).body();
          workers.add(body.lines().filter(l -> l.startsWith("jmswk_workers{"))
              .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum());
        }
      }
      assertEquals(List.of(1L, 2L), workers.stream().sorted().toList(), "workers per job, scraped");
      typed.write(("0 3\nother 3\n0 6:localhost:1:node2:-1\n7 3\nsweep\n0 {\"id\":\"s1\",\"command\":\"statistics\"}\n")
          .getBytes(StandardCharsets.UTF_8));
      typed.flush();
      while (reply(lines, 0, "s1") == null) {
        assertTrue(controller.isAlive() && System.nanoTime() < deadline, "the JSON command's reply: " + copy(lines) + stderr());
        Thread.sleep(100);
      }
    }
    assertTrue(controller.waitFor(180, TimeUnit.SECONDS), "the controller ends when both jobs have ended" + stderr());
    reader.join(10_000);
    String err = stderr();
    assertEquals(0, controller.exitValue(), err);

    // the statistics replies: each job started the workers its workload line asks for
    JsonNode s0 = firstReply(lines, 0, "3");
    JsonNode s1 = firstReply(lines, 1, "3");
    assertEquals("done", s0.path("state").asText(), s0.toString());
    assertEquals(2, s0.path("base_workers").asInt(), s0.toString());
    assertEquals("other", s1.path("app_name").asText());
    assertEquals(1, s1.path("base_workers").asInt(), s1.toString());
    assertEquals("done", reply(lines, 0, "s1").path("state").asText());

    // refused here, nothing sent
    assertTrue(err.contains("jmswk controller: application 0: grow/shrink: signs are mixed"), err);
    assertTrue(err.contains("jmswk controller: no application '7', or several of that name (applications: 0 sweep, 1 other)"), err);
    assertTrue(err.contains("jmswk controller: 'sweep': type APP COMMAND (e.g. 0 3)"), err);
    assertTrue(err.matches("(?s).*\\[0 sweep\\] \\[jmswk\\] job \\d+ ended: exit code 0.*"), err);
    assertTrue(err.matches("(?s).*\\[1 other\\] \\[jmswk\\] job \\d+ ended: exit code 0.*"), err);

    // the monitoring samples add up to no more than the points each job ran, and show work done
    for (int app = 0; app < 2; app++) {
      long done = 0;
      synchronized (lines) {
        for (JsonNode n : lines) {
          if (n.path("app").asInt() == app && n.path("type").asText().equals("monitor")) done += n.path("tasks_done").asLong();
        }
      }
      assertTrue(done > 0 && done <= (app == 0 ? 600 : 300), "app " + app + ": " + done + " tasks in its samples");
    }
  }

  @Test
  void aWorkloadWithAMissingScriptStartsNothing() throws Exception {
    script("sweep", 10);
    Path workload = Files.write(root.resolve("w.txt"), List.of("sweep:localhost:1", "", "missing:localhost:1"));
    System.setProperty("jmswk.jobs.dir", root.resolve("jobs").toString());
    Captured.Run r = Captured.run("controller", workload.toString());
    assertEquals(2, r.exitCode(), r.output());
    assertTrue(r.output().contains("jmswk controller: " + workload + ":3: no job script for application 'missing' (looked for "
        + root.resolve("missing.sh") + " and " + root.resolve("missing") + ")"), r.output());
    assertTrue(!Files.exists(root.resolve("jobs")) || Files.list(root.resolve("jobs")).findAny().isEmpty(), "no job started");
    Captured.Run format = Captured.run("controller", "--format", "xml", workload.toString());
    assertEquals(2, format.exitCode(), format.output());
    assertTrue(format.output().contains("jmswk controller: --format is json or line, not 'xml'"), format.output());
    Captured.Run bad = Captured.run("controller", Files.write(root.resolve("bad.txt"), List.of("sweep:localhost")).toString());
    assertEquals(2, bad.exitCode(), bad.output());
    assertTrue(bad.output().contains("bad.txt:1: expected name:node:nprocs[:node:nprocs...], got 'sweep:localhost'"), bad.output());
  }

  private String stderr() throws java.io.IOException {
    Path f = root.resolve("stderr.txt");
    return Files.exists(f) ? "\n" + Files.readString(f) : "";
  }

  private static List<JsonNode> copy(List<JsonNode> lines) {
    synchronized (lines) {
      return List.copyOf(lines);
    }
  }

  private static long count(List<JsonNode> lines, int app, String type) {
    synchronized (lines) {
      return lines.stream().filter(n -> n.path("app").asInt() == app && n.path("type").asText().equals(type)).count();
    }
  }

  private static JsonNode reply(List<JsonNode> lines, int app, String id) {
    synchronized (lines) {
      return lines.stream().filter(n -> n.path("app").asInt() == app && n.path("type").asText().equals("reply")
          && n.path("id").asText().equals(id)).findFirst().orElse(null);
    }
  }

  private static JsonNode firstReply(List<JsonNode> lines, int app, String command) {
    synchronized (lines) {
      return lines.stream().filter(n -> n.path("app").asInt() == app && n.path("type").asText().equals("reply")
          && n.path("command").asText().equals(command)).findFirst().orElseThrow(() -> new AssertionError(
              "no reply to " + command + " from app " + app + ": " + lines));
    }
  }
}
