package org.jmswk.launcher.timeline;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.jmswk.journal.JournalTimeline;

/**
 * A job's timeline, drawn from its journal: {@code timeline.html} (a self-contained picture) and
 * {@code timeline.trace.json} (Trace Event Format, for Perfetto) beside the journal. Written by
 * {@code jmswk sub} when a job ends, and by {@code jmswk stat ID --timeline} when missing or
 * older than the journal. {@code JMSWK_TIMELINE_MAX_BARS} (default 20000): above that many
 * attempts, bars are aggregated per lane (see {@link TimelineLayout}).
 */
public final class JobTimeline {
  public static final String HTML = "timeline.html";
  public static final String TRACE = "timeline.trace.json";
  static final int DEFAULT_MAX_BARS = 20_000;

  private JobTimeline() {}

  /** The bar budget from JMSWK_TIMELINE_MAX_BARS, or a clear error. */
  static int maxBars() {
    String v = System.getenv("JMSWK_TIMELINE_MAX_BARS");
    if (v == null || v.isBlank()) return DEFAULT_MAX_BARS;
    try {
      int n = Integer.parseInt(v.strip());
      if (n >= 100) return n;
    } catch (NumberFormatException ignored) {
      // refused below
    }
    throw new IllegalArgumentException("JMSWK_TIMELINE_MAX_BARS must be a whole number >= 100, not '" + v + "'");
  }

  /** Writes both files beside {@code journal} (each replaced atomically); returns the picture's path. */
  public static Path write(Path journal) throws IOException {
    return write(journal, maxBars());
  }

  static Path write(Path journal, int maxBars) throws IOException {
    boolean keys = JournalTimeline.countAttempts(journal) <= maxBars;
    TimelineLayout layout = TimelineLayout.of(JournalTimeline.read(journal, keys), maxBars);
    Path dir = journal.toAbsolutePath().getParent();
    Path html = dir.resolve(HTML);
    Path tmp = dir.resolve(HTML + ".tmp");
    try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      TimelineHtml.write(layout, w);
    }
    Files.move(tmp, html, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    Path trace = dir.resolve(TRACE);
    Path traceTmp = dir.resolve(TRACE + ".tmp");
    Files.writeString(traceTmp, TraceExport.json(layout));
    Files.move(traceTmp, trace, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return html;
  }

  /** The picture, written first if it is missing or older than the journal (or its write-ahead log). */
  public static Path current(Path journal) throws IOException {
    Path html = journal.toAbsolutePath().getParent().resolve(HTML);
    if (Files.exists(html)) {
      long made = Files.getLastModifiedTime(html).toMillis();
      Path wal = Path.of(journal + "-wal");
      long changed = Math.max(Files.getLastModifiedTime(journal).toMillis(),
          Files.exists(wal) ? Files.getLastModifiedTime(wal).toMillis() : 0);
      if (made >= changed) return html;
    }
    return write(journal);
  }
}
