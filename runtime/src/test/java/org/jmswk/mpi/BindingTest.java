package org.jmswk.mpi;

import java.util.ArrayList;
import java.util.List;
import org.jmswk.testkit.Checks;
import org.jmswk.testkit.MpiRun;
import org.junit.jupiter.api.Test;

/**
 * The binding between two real ranks under mpirun: point to point of every Datatype (heap arrays
 * with offsets and native segments), probe/iprobe, isend/irecv with test/wait, cancel, barrier,
 * bcast, dup/free, Info, MPI_THREAD_MULTIPLE from JMSWK_THREAD_LEVEL, and error paths.
 */
class BindingTest {

  @Test
  void bindingBetweenTwoRanks() {
    MpiRun.Result result = MpiRun.main(BindingProgram.class).np(2)
        .env("JMSWK_THREAD_LEVEL", "multiple").run();

    List<String> expected = new ArrayList<>();
    for (String rank : List.of("rank0", "rank1")) {
      for (String name : List.of("initialized", "thread-level-env", "query-thread", "world-size", "world-intra",
          "no-parent", "bcast-heap", "bcast-native", "dup", "bcast-dup-boolean", "free-makes-null",
          "send-invalid-rank", "send-negative-rank", "send-invalid-tag", "isend-invalid-rank",
          "bcast-invalid-root", "array-bounds", "array-type", "heap-segment", "error-class-lookup",
          "error-string", "barrier-after-errors", "finalized")) {
        expected.add(rank + " " + name);
      }
    }
    for (Datatype type : Values.ALL) {
      for (String name : List.of("iprobe-", "probe-", "probe-bytes-", "recv-heap-status-", "recv-heap-data-",
          "recv-heap-rest-", "recv-native-count-", "recv-native-data-")) {
        expected.add("rank1 " + name + type);
      }
    }
    for (String name : List.of("heap-to-native", "native-to-heap", "recv-large", "irecv-test-pending",
        "irecv-test-complete", "irecv-heap-data", "irecv-request-null", "irecv-test-again", "irecv-native-wait",
        "irecv-cancelled", "irecv-cancelled-untouched", "barrier-waits", "recv-truncate",
        "truncate-message-names-call", "recv-after-truncate", "recv-after-truncate-data")) {
      expected.add("rank1 " + name);
    }
    for (String name : List.of("isend-heap-wait", "isend-native-test", "info-get", "info-get-missing",
        "info-entries", "info-entries-order", "info-overwrite", "info-delete", "info-delete-missing",
        "info-key-too-long", "info-long-value", "info-of")) {
      expected.add("rank0 " + name);
    }
    Checks.assertPassed(result, expected.toArray(String[]::new));
  }
}
