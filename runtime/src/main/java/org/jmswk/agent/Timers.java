package org.jmswk.agent;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/** The one scheduler for every deadline and heartbeat of this package (a daemon thread; tasks must not block). */
final class Timers {
  static final ScheduledExecutorService SCHEDULER;

  static {
    ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "jmswk-agent-timers");
      t.setDaemon(true);
      return t;
    });
    s.setRemoveOnCancelPolicy(true);
    SCHEDULER = Executors.unconfigurableScheduledExecutorService(s);
  }

  private Timers() {}
}
