package org.jmswk.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a job publishes as the host of an endpoint: an address the clients can connect to. */
class ReachableHostTest {
  @Test
  void aWildcardBindPublishesAnAddressOfThisHostThatAcceptsConnections() throws Exception {
    String host = ReachableHost.forBind(InetAddress.getByName("0.0.0.0"), Map.of());
    // an address literal, never a name that other hosts might not resolve
    assertTrue(host.matches("[0-9.]+|\\[[0-9a-fA-F:]+\\]"), host);
    try (ServerSocket server = new ServerSocket()) {
      server.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0));
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(host.replace("[", "").replace("]", ""), server.getLocalPort()), 5000);
        assertTrue(s.isConnected());
      }
    }
  }

  @Test
  void aSpecificBindPublishesThatAddress() throws Exception {
    assertEquals("127.0.0.1", ReachableHost.forBind(InetAddress.getByName("127.0.0.1"), Map.of()));
    assertEquals("[0:0:0:0:0:0:0:1]", ReachableHost.forBind(InetAddress.getByName("::1"), Map.of()));
  }

  @Test
  void jmswkControlHostOverridesAndIsChecked() throws Exception {
    assertEquals("login-gw.example", ReachableHost.forBind(InetAddress.getByName("0.0.0.0"),
        Map.of("JMSWK_CONTROL_HOST", " login-gw.example ")));
    assertEquals("10.1.2.3", ReachableHost.forBind(InetAddress.getLoopbackAddress(), Map.of("JMSWK_CONTROL_HOST", "10.1.2.3")));
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> ReachableHost.forBind(InetAddress.getByName("0.0.0.0"), Map.of("JMSWK_CONTROL_HOST", "a b;rm")));
    assertTrue(bad.getMessage().contains("JMSWK_CONTROL_HOST must be a host name or address, not 'a b;rm'"), bad.getMessage());
    assertFalse(ReachableHost.forBind(InetAddress.getByName("0.0.0.0"), Map.of("JMSWK_CONTROL_HOST", "  ")).isBlank());
  }
}
