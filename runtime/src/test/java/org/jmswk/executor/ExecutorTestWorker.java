package org.jmswk.executor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Worker for the executor tests. Input "sleep:MS:TEXT" sleeps MS then answers TEXT upper-cased;
 * "throw:TEXT" throws IllegalArgumentException(TEXT); "die:TEXT" SIGKILLs its own process;
 * "dieonce:FILE:TEXT" does so only the first time (when FILE does not exist yet: it creates it);
 * 8 bytes: a long x, answered x*x; anything else is answered upper-cased. With {@code
 * -Djmswk.test.log=FILE} every execution appends "TEXT pid" to FILE first (to count runs); with
 * {@code -Djmswk.test.slowdown=K} every sleep is K times as long (a slower node);
 * {@code -Djmswk.test.exitDelayMs=N} its process takes N ms to end once stopped.
 */
public final class ExecutorTestWorker {
  private ExecutorTestWorker() {}

  static byte[] handle(byte[] input, Path log) throws Exception {
    if (input.length == 8) {
      long x = Codec.LONG.decode(input);
      return Codec.LONG.encode(x * x);
    }
    String text = new String(input, StandardCharsets.UTF_8);
    if (log != null) {
      Files.writeString(log, text + " " + ProcessHandle.current().pid() + "\n", StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    }
    if (text.startsWith("sleep:")) {
      String[] f = text.split(":", 3);
      Thread.sleep(Long.parseLong(f[1]) * Long.getLong("jmswk.test.slowdown", 1));
      return f[2].toUpperCase().getBytes(StandardCharsets.UTF_8);
    }
    if (text.startsWith("throw:")) throw new IllegalArgumentException(text.substring(6));
    if (text.startsWith("dieonce:")) {
      String[] f = text.split(":", 3);
      try {
        Files.createFile(Path.of(f[1]));
      } catch (java.nio.file.FileAlreadyExistsException again) {
        return f[2].toUpperCase().getBytes(StandardCharsets.UTF_8);
      }
      Thread.sleep(50); // a visible attempt on the timeline
      Runtime.getRuntime().halt(137);
    }
    if (text.startsWith("die:")) {
      Runtime.getRuntime().halt(137);
    }
    return text.toUpperCase().getBytes(StandardCharsets.UTF_8);
  }

  public static void main(String[] args) throws IOException {
    String log = System.getProperty("jmswk.test.log");
    Path logPath = log == null ? null : Path.of(log);
    // -Djmswk.test.exitDelayMs=N: the process takes N ms to end after it stops (a slow MPI_Finalize)
    long exitDelay = Long.getLong("jmswk.test.exitDelayMs", 0);
    if (exitDelay > 0) {
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          Thread.sleep(exitDelay);
        } catch (InterruptedException ignored) {
          // ending anyway
        }
      }));
    }
    ExecutorWorker.serve(input -> handle(input, logPath));
  }
}
