package org.jmswk.launcher;

import java.nio.file.Path;
import org.jmswk.journal.JournalException;
import org.jmswk.journal.JournalSummary;

/** {@code jmswk stat ID --journal}: a job's task figures and resume history from its journal. */
final class JournalFigures {
  private JournalFigures() {}

  static int print(Path journal) {
    try {
      JournalSummary.read(journal).lines().forEach(System.out::println);
      return 0;
    } catch (JournalException e) {
      System.err.println("jmswk stat: " + e.getMessage());
      return 1;
    }
  }
}
