package org.jmswk.journal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jmswk.executor.Codec;
import org.jmswk.executor.ExecutorOptions;
import org.jmswk.executor.ExecutorTestWorker;
import org.jmswk.executor.FarmExecutor;
import org.jmswk.mpi.MPI;

/**
 * Master for the resume test, under mpirun: TASKS tasks "sleep:1:kI" on WORKERS spawned
 * workers, with the job's journal ({@link Journal#forJob}) attached; even I are submitted with the
 * key "tI", odd I without a key (matched by input). Writes its pid to PIDFILE first (the test
 * SIGKILLs it), and at the end prints "RESULT resume ..." with a digest of every result in order.
 *
 * <p>Args: TASKS WORKERS PIDFILE
 */
public final class ResumeProgram {
  private ResumeProgram() {}

  /** The journal, plus a count of every outcome offered for delivery per element. */
  static final class Counted extends JournalWrapper {
    final Map<Long, Integer> offered = new ConcurrentHashMap<>();

    Counted(Journal journal) {
      super(journal);
    }

    @Override
    public CompletableFuture<Void> beforeDeliveryAsync(List<Outcome> outcomes) {
      for (Outcome o : outcomes) offered.merge(o.elementId(), 1, Integer::sum);
      return journal.beforeDeliveryAsync(outcomes);
    }

    @Override
    public void attemptLost(long elementId, int worker, int attempt, long startedMicros, long endedMicros, boolean rerun) {
      journal.attemptLost(elementId, worker, attempt, startedMicros, endedMicros, rerun);
    }
  }

  static String input(int i) {
    return "sleep:1:k" + i;
  }

  static String key(int i) {
    return i % 2 == 0 ? "t" + i : null;
  }

  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args[0]);
    int workers = Integer.parseInt(args[1]);
    Files.writeString(Path.of(args[2]), ProcessHandle.current().pid() + "\n");
    MPI.init();
    Journal journal = Journal.forJob();
    Counted counted = new Counted(journal);
    AtomicInteger completions = new AtomicInteger();
    List<CompletableFuture<String>> fs = new ArrayList<>(n);
    try (FarmExecutor e = FarmExecutor.start(ExecutorOptions.of(ExecutorTestWorker.class, workers).withListener(counted))) {
      for (int i = 0; i < n; i++) {
        CompletableFuture<String> f = e.submit(key(i), input(i), Codec.UTF8, Codec.UTF8);
        f.whenComplete((v, x) -> completions.incrementAndGet());
        fs.add(f);
      }
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      int ok = 0;
      for (int i = 0; i < n; i++) {
        String v;
        try {
          v = fs.get(i).get(300, TimeUnit.SECONDS);
        } catch (ExecutionException x) {
          v = "failed: " + x.getCause();
        }
        if (v.equals("K" + i)) ok++;
        digest.update((i + "=" + v + "\n").getBytes(StandardCharsets.UTF_8));
      }
      long doubled = counted.offered.values().stream().filter(c -> c > 1).count();
      System.out.printf("RESULT resume run=%d tasks=%d ok=%d completions=%d redelivered=%d executed=%d doubled=%d"
              + " digest=%s%n", journal.run(), n, ok, completions.get(), journal.redelivered(), journal.executed(),
          doubled, HexFormat.of().formatHex(digest.digest()));
    }
    journal.close();
    MPI.statusIfShutdownStuck(0);
    MPI.finish();
    System.exit(0);
  }
}
