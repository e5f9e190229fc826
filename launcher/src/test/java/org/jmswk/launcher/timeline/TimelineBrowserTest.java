package org.jmswk.launcher.timeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.jmswk.launcher.Captured;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real job through {@code jmswk sub --mswk} (real mpiexec, spawned workers, one killed): its
 * timeline is written at its end, {@code jmswk stat ID --timeline} prints its path, and the
 * picture opened in headless chromium (Debian's package; ci/setup installs it) has the lanes,
 * the failed bars and the worker-loss marks, in the DOM and in the pixels.
 */
class TimelineBrowserTest {
  static final String CHROMIUM = "/usr/bin/chromium";

  static Path runJob(Path root, int points, int ms) throws Exception {
    Path script = Files.write(root.resolve("job.sh"), List.of("#PJM -L node=3", "#PJM --mpi proc=1",
        "mpiexec -n 1 \"$JMSWK_JAVA\" --enable-native-access=ALL-UNNAMED -cp \"$JMSWK_CLASSPATH\" "
            + TimelineJobProgram.class.getName() + " " + points + " " + ms));
    Captured.Run run = Captured.run("sub", "--mswk", script.toString());
    assertEquals(0, run.exitCode(), run.output());
    int failures = (points + 3) / 7;
    assertTrue(run.output().contains("POINTS done " + (points + 1 - failures) + " failed " + failures), run.output());
    assertTrue(run.output().contains("[jmswk] timeline: "), run.output());
    try (var dirs = Files.list(root.resolve("jobs"))) {
      return dirs.filter(Files::isDirectory).findFirst().orElseThrow();
    }
  }

  /** Runs chromium headless on a fresh profile; returns its standard output. */
  static String chromium(Path profile, String... args) throws Exception {
    assertTrue(Files.isExecutable(Path.of(CHROMIUM)), "chromium is missing: apt-get install chromium (ci/setup does)");
    List<String> cmd = new ArrayList<>(List.of(CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--user-data-dir=" + profile));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(90, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("chromium did not end within 90 s");
    }
    return new String(out, java.nio.charset.StandardCharsets.UTF_8);
  }

  private static int count(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    int n = 0;
    while (m.find()) n++;
    return n;
  }

  /** Pixels within a small distance of an RGB colour. */
  private static int pixels(BufferedImage img, int rgb) {
    int n = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int p = img.getRGB(x, y);
        int d = Math.abs(((p >> 16) & 255) - ((rgb >> 16) & 255)) + Math.abs(((p >> 8) & 255) - ((rgb >> 8) & 255))
            + Math.abs((p & 255) - (rgb & 255));
        if (d < 24) n++;
      }
    }
    return n;
  }

  @Test
  void theTimelineOfARealJobShowsItsLanesFailuresAndLossesInABrowser(@TempDir Path root) throws Exception {
    System.setProperty("jmswk.jobs.dir", root.resolve("jobs").toString());
    try {
      Path job = runJob(root, 40, 40);
      Captured.Run stat = Captured.run("stat", job.getFileName().toString(), "--timeline");
      assertEquals(0, stat.exitCode(), stat.output());
      Path html = Path.of(stat.output().strip());
      assertEquals(job.resolve(JobTimeline.HTML), html);
      assertTrue(Files.size(job.resolve(JobTimeline.TRACE)) > 0);

      String dom = chromium(root.resolve("profile-dom"), "--dump-dom", html.toUri().toString());
      assertTrue(dom.contains("</svg>"), "the browser parsed the picture: " + dom.substring(0, Math.min(300, dom.length())));
      int lanes = count(dom, "<g class=\"lane\"");
      // two workers, and the replacement of the one that died when it came before the last task ended
      assertTrue(lanes >= 2, "a lane per worker: " + lanes);
      assertEquals(6, count(dom, "<rect class=\"bar failed\""), "one failed bar per task that threw");
      assertTrue(count(dom, "class=\"mark worker-lost\"") >= 1, "the lost worker is marked");
      assertTrue(count(dom, "<rect class=\"bar lost\"") >= 1, "the attempt lost with its worker");

      Path shot = root.resolve("timeline.png");
      chromium(root.resolve("profile-shot"), "--window-size=1600,900", "--screenshot=" + shot, html.toUri().toString());
      BufferedImage img = ImageIO.read(shot.toFile());
      assertTrue(pixels(img, 0xe15759) > 50, "failed bars and marks are drawn in red");
      assertTrue(pixels(img, 0x4e79a7) > 500, "done bars are drawn");
      assertTrue(pixels(img, 0x7b0000) > 10, "the lost attempt and the worker loss are drawn");
      Files.copy(shot, Path.of(System.getProperty("java.io.tmpdir"), "jmswk-timeline-test.png"),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING); // for a look by hand
    } finally {
      System.clearProperty("jmswk.jobs.dir");
    }
  }
}
