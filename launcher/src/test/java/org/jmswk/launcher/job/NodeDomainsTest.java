package org.jmswk.launcher.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeDomainsTest {
  @TempDir Path jobDir;

  @Test
  void prepareNamesTheServerAndBoundsTheConnectExchange() throws Exception {
    Map<String, String> env = new HashMap<>(Map.of("PATH", "/usr/bin:/bin"));
    NodeDomains.prepare(jobDir, env);
    assertEquals(jobDir.resolve("ompi-server.uri").toString(), env.get(NodeDomains.SERVER_VARIABLE));
    assertEquals("10", env.get("OMPI_MCA_pmix_base_exchange_timeout"));
  }

  @Test
  void theJobsOwnExchangeTimeoutWins() throws Exception {
    Map<String, String> env = new HashMap<>(Map.of("OMPI_MCA_pmix_base_exchange_timeout", "30"));
    NodeDomains.prepare(jobDir, env);
    assertEquals("30", env.get("OMPI_MCA_pmix_base_exchange_timeout"));
  }
}
