package org.jmswk.mpi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Parsing of JMSWK_THREAD_LEVEL values (no MPI needed); MPI.init itself is run under mpirun elsewhere. */
class ThreadLevelTest {

  @Test
  void parsesNamesWithOrWithoutPrefixInAnyCase() {
    assertEquals(ThreadLevel.MULTIPLE, ThreadLevel.parse("multiple"));
    assertEquals(ThreadLevel.SINGLE, ThreadLevel.parse("MPI_THREAD_SINGLE"));
    assertEquals(ThreadLevel.FUNNELED, ThreadLevel.parse(" Funneled "));
    assertEquals(ThreadLevel.SERIALIZED, ThreadLevel.parse("mpi_thread_serialized"));
  }

  @Test
  void rejectsUnknownLevels() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ThreadLevel.parse("threaded"));
    assertTrue(e.getMessage().contains("threaded"), e.getMessage());
  }
}
