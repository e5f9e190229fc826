package org.jmswk.launcher.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The node names of a job's hostfile, in order (the master's node first). */
final class Hostfile {
  private Hostfile() {}

  /** Node names (first word of each non-comment line); empty if the file cannot be read. */
  static List<String> read(Path file) {
    List<String> hosts = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(file)) {
        String s = line.strip();
        if (s.isEmpty() || s.startsWith("#")) continue;
        hosts.add(s.split("\\s+")[0]);
      }
    } catch (IOException e) {
      return List.of();
    }
    return hosts;
  }

  static boolean isLocalName(String host) {
    return host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
  }
}
