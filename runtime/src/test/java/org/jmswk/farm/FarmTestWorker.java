package org.jmswk.farm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jmswk.mpi.MPI;

/**
 * Worker for the farm tests. Input "sleep:MS:TEXT" sleeps MS then answers "TEXT@host"; other
 * input is answered in upper case. With {@code --die-once FILE [early]}, the first worker to
 * start (the one that creates FILE) writes the time into it and SIGKILLs itself before
 * registering: after starting its liveness service, or with "early" before (after MPI_Init).
 */
public final class FarmTestWorker {
  private FarmTestWorker() {}

  public static void main(String[] args) throws IOException {
    if (args.length >= 2 && args[0].equals("--die-once")) {
      Path marker = Path.of(args[1]);
      try {
        Files.writeString(marker, "", java.nio.file.StandardOpenOption.CREATE_NEW);
        MPI.init();
        if (args.length < 3 || !args[2].equals("early")) org.jmswk.mpi.Mswk.start();
        Files.writeString(marker, Long.toString(System.currentTimeMillis()));
        new ProcessBuilder("kill", "-9", Long.toString(ProcessHandle.current().pid())).start();
        Thread.sleep(60_000);
      } catch (java.nio.file.FileAlreadyExistsException e) {
        // not the first: serve normally
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    TaskWorker.serve(input -> {
      String text = new String(input, StandardCharsets.UTF_8);
      if (text.startsWith("sleep:")) {
        String[] f = text.split(":", 3);
        try {
          Thread.sleep(Long.parseLong(f[1]));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return (f[2] + "@" + MPI.processorName()).getBytes(StandardCharsets.UTF_8);
      }
      return text.toUpperCase().getBytes(StandardCharsets.UTF_8);
    });
  }
}
