package org.jmswk.runtime;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The host part a job publishes for an endpoint that listens on every interface (the control
 * endpoint's {@code tcp:HOST:PORT}, the Prometheus {@code metrics.url}): an address other hosts
 * can reach without resolving this node's name. A container's or a compute node's host name is
 * often unknown where {@code jmswk ctl} runs (the host of a container cluster, a login node), so
 * the default is this host's address: the one its name resolves to (the address other nodes use
 * for it), else the first up, non-loopback IPv4 address. {@code JMSWK_CONTROL_HOST} overrides it
 * (a name or address the clients can reach, e.g. a compute node's address on the login network).
 */
public final class ReachableHost {
  /** The environment variable that names the published host explicitly. */
  public static final String ENV = "JMSWK_CONTROL_HOST";

  private ReachableHost() {}

  /**
   * For an endpoint bound to {@code bind}: {@code JMSWK_CONTROL_HOST} if set, else the bound
   * address, else (a wildcard bind) this host's reachable address (see the class comment).
   */
  public static String forBind(InetAddress bind, Map<String, String> env) {
    String named = env.get(ENV);
    if (named != null && !named.isBlank()) {
      String host = named.strip();
      if (!host.matches("[A-Za-z0-9._:\\[\\]-]+")) {
        throw new IllegalArgumentException(ENV + " must be a host name or address, not '" + named + "'");
      }
      return host;
    }
    return bind.isAnyLocalAddress() ? thisHost() : literal(bind);
  }

  /** The address this host's name resolves to, else the first interface's (see the class comment). */
  static String thisHost() {
    try {
      InetAddress named0 = InetAddress.getLocalHost();
      if (!named0.isLoopbackAddress() && !named0.isAnyLocalAddress() && !named0.isLinkLocalAddress()) return literal(named0);
    } catch (IOException unresolvable) {
      // fall through to the interfaces
    }
    InetAddress first = firstInterfaceAddress();
    return first == null ? InetAddress.getLoopbackAddress().getHostAddress() : literal(first);
  }

  /** The first up, non-loopback, non-virtual interface's IPv4 address (IPv6 if none), or null. */
  static InetAddress firstInterfaceAddress() {
    List<NetworkInterface> up = new ArrayList<>();
    try {
      for (NetworkInterface n : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (n.isUp() && !n.isLoopback() && !n.isVirtual()) up.add(n);
      }
    } catch (SocketException e) {
      return null;
    }
    InetAddress v6 = null;
    for (NetworkInterface n : up) {
      for (InetAddress a : Collections.list(n.getInetAddresses())) {
        if (a.isLoopbackAddress() || a.isLinkLocalAddress()) continue;
        if (a instanceof Inet4Address) return a;
        if (v6 == null) v6 = a;
      }
    }
    return v6;
  }

  /** The address as a literal for a {@code host:port} or URL ({@code [..]} around IPv6). */
  public static String literal(InetAddress a) {
    String s = a.getHostAddress();
    if (a instanceof Inet6Address) {
      int scope = s.indexOf('%');
      return "[" + (scope < 0 ? s : s.substring(0, scope)) + "]";
    }
    return s;
  }
}
