package org.jmswk.launcher.progress;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.InfoCmp.Capability;

/**
 * The live progress of a job for {@code jmswk sub}, from the snapshots its executor publishes in
 * the job directory ({@code progress}): on a terminal, a one-line bar under the job's output
 * (redrawn every 250 ms, erased and redrawn around each output line); otherwise one summary
 * line on standard error every JMSWK_PROGRESS_LOG_S seconds (default 30; 0: none) and one when
 * the job ends. A job whose master publishes nothing (no executor) shows nothing.
 *
 * <p>JLine (org.jline:jline) tells whether standard output is a terminal and how wide it is,
 * and gives the terminal's own carriage-return and clear-to-end-of-line sequences.
 */
public final class ProgressView implements AutoCloseable {
  static final long TERMINAL_REFRESH_MILLIS = 250;

  private final Path file;
  private final Terminal terminal;
  private final PrintWriter screen;
  private final long logMillis;
  private final ProgressLine line = new ProgressLine();
  private final Thread poller;
  private volatile boolean closed;
  private boolean barShown;
  private ProgressSnapshot drawn;
  private String logged;

  private ProgressView(Path file, Terminal terminal, long logMillis) {
    this.file = file;
    this.terminal = terminal;
    this.screen = terminal == null ? null : terminal.writer();
    this.logMillis = logMillis;
    this.poller = Thread.ofPlatform().daemon().name("jmswk-progress").unstarted(this::poll);
  }

  /** Starts watching {@code jobDir}'s progress file (a stale one from an earlier run is removed first). */
  public static ProgressView start(Path jobDir) {
    Path file = jobDir.resolve("progress");
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // a stale snapshot is replaced by the first new one anyway
    }
    ProgressView v = new ProgressView(file, terminalOrNull(), logInterval());
    v.poller.start();
    return v;
  }

  /** JMSWK_PROGRESS_LOG_S in milliseconds (0: no log lines). */
  static long logInterval() {
    String v = System.getenv("JMSWK_PROGRESS_LOG_S");
    if (v == null || v.isBlank()) return 30_000;
    try {
      double s = Double.parseDouble(v.strip());
      if (s >= 0) return (long) (s * 1000);
    } catch (NumberFormatException ignored) {
      // refused below
    }
    throw new IllegalArgumentException("JMSWK_PROGRESS_LOG_S must be a number of seconds >= 0, not '" + v + "'");
  }

  /** The terminal standard output is, or null when it is not one (a pipe, a file, TERM=dumb). */
  private static Terminal terminalOrNull() {
    if (System.console() == null || !System.console().isTerminal()) return null;
    try {
      // nativeSignals(false): the JVM's own handling of Ctrl-C stays (its shutdown hook ends the job)
      Terminal t = TerminalBuilder.builder().system(true).systemOutput(TerminalBuilder.SystemOutput.SysOut)
          .nativeSignals(false).dumb(true).build();
      if (t.getType() == null || t.getType().startsWith(Terminal.TYPE_DUMB)) {
        t.close();
        return null;
      }
      return t;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Whether the bar is drawn (standard output is a terminal). */
  public boolean onTerminal() {
    return terminal != null;
  }

  /** Prints a line of the job's output, above the bar when there is one. */
  public synchronized void line(String text) {
    if (terminal == null) {
      System.out.println(text);
      return;
    }
    erase();
    screen.println(text);
    draw();
  }

  private void poll() {
    long nextLog = System.currentTimeMillis() + logMillis;
    while (!closed) {
      ProgressSnapshot s = ProgressSnapshot.read(file);
      synchronized (this) {
        if (s != null) line.update(s);
        if (terminal != null && line.last() != null && line.last() != drawn) { // redrawn when something changed
          erase();
          draw();
        } else if (terminal == null && logMillis > 0 && line.last() != null && System.currentTimeMillis() >= nextLog) {
          log();
          nextLog = System.currentTimeMillis() + logMillis;
        }
      }
      try {
        Thread.sleep(terminal != null ? TERMINAL_REFRESH_MILLIS : Math.min(TERMINAL_REFRESH_MILLIS * 4, Math.max(50, logMillis)));
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void erase() {
    if (!barShown) return;
    terminal.puts(Capability.carriage_return);
    terminal.puts(Capability.clr_eol);
    barShown = false;
  }

  private void draw() {
    if (line.last() == null) return;
    int width = terminal.getWidth() > 0 ? terminal.getWidth() : 100; // a terminal that tells no size: assume one
    screen.print(line.bar(Math.max(20, width - 1)));
    screen.flush();
    barShown = true;
    drawn = line.last();
  }

  /** A summary line on standard error, unless it would repeat the last one. */
  private void log() {
    String text = "[jmswk] progress: " + line.figures();
    if (!text.equals(logged)) System.err.println(text);
    logged = text;
  }

  /** Stops watching: the bar is replaced by a last summary line (on standard error when it is a log). */
  @Override
  public void close() {
    closed = true;
    poller.interrupt();
    try {
      poller.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      ProgressSnapshot s = ProgressSnapshot.read(file);
      if (s != null) line.update(s);
      if (terminal != null) {
        erase();
        if (line.last() != null) screen.println("[jmswk] tasks: " + line.figures());
        screen.flush();
        try {
          terminal.close();
        } catch (IOException ignored) {
          // the job is over
        }
      } else if (line.last() != null) {
        log();
      }
    }
  }

  /** As a consumer of output lines (for JobRunner). */
  public Consumer<String> lines() {
    return this::line;
  }
}
