package org.jmswk.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JavaCommandTest {
  /**
   * Open MPI 4.1's mpiexec treats the first argument of a Java program that contains "cp" as the
   * class path option and rewrites the argument after it: that must be the real -cp, even when a
   * property (an executor endpoint "tcp:host:port") contains "cp" too.
   */
  @Test
  void theClassPathIsTheFirstArgumentThatContainsCp() {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("jmswk.executor.endpoints", "unix:/tmp/m.sock,tcp:head:4711");
    properties.put("jmswk.executor.host", "head");
    List<String> argv = List.of(JavaCommand.arguments(JavaCommandTest.class, properties, "arg"));
    int first = 0;
    while (!argv.get(first).contains("cp")) first++;
    assertEquals("-cp", argv.get(first));
    assertEquals(System.getProperty("java.class.path"), argv.get(first + 1));
    assertEquals(List.of("-Djmswk.executor.endpoints=unix:/tmp/m.sock,tcp:head:4711", "-Djmswk.executor.host=head",
        JavaCommandTest.class.getName(), "arg"), argv.subList(argv.size() - 4, argv.size()));
  }
}
