package org.jmswk.launcher.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.jmswk.executor.Codec;
import org.jmswk.executor.ExecutorWorker;

/**
 * The worker of {@code jmswk bench farm}: 8 bytes are a long x, answered x*x; "rerun:FILE" is the
 * kill-to-re-run probe (the first run creates FILE and sleeps, a re-run answers the wall-clock
 * time it started); anything else is echoed.
 */
public final class FarmBenchWorker {
  private FarmBenchWorker() {}

  public static void main(String[] args) {
    ExecutorWorker.serve(input -> {
      if (input.length == 8) {
        long x = Codec.LONG.decode(input);
        return Codec.LONG.encode(x * x);
      }
      if (input.length < 200 && new String(input, StandardCharsets.UTF_8).startsWith("rerun:")) {
        long started = System.currentTimeMillis();
        Path marker = Path.of(new String(input, StandardCharsets.UTF_8).substring(6));
        try {
          Files.writeString(marker, Long.toString(ProcessHandle.current().pid()), StandardOpenOption.CREATE_NEW);
          Thread.sleep(60_000); // the first run: killed while it sleeps
        } catch (java.nio.file.FileAlreadyExistsException rerun) {
          // the re-run
        }
        return Codec.LONG.encode(started);
      }
      return input;
    });
  }
}
