package org.jmswk.control;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One command to a running job's control endpoint, in the malleable-MPI runtime's language
 * (see {@link CommandParser}). Immutable; built only by the parser, so every instance is valid.
 */
public sealed interface ControlCommand {
  /** The original's numeric code of the command. */
  int code();

  /** {@code 6:node:n[:node:n...]}: start (n &gt; 0) or drain (n &lt; 0) workers per node; never mixed signs, no zeros. */
  record Resize(Map<String, Integer> perNode) implements ControlCommand {
    public Resize {
      perNode = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(perNode));
    }

    public boolean grow() {
      return perNode.values().iterator().next() > 0;
    }

    public int total() {
      return perNode.values().stream().mapToInt(Math::abs).sum();
    }

    @Override
    public int code() {
      return 6;
    }
  }

  /** {@code 4:on[:MS]} / {@code 4:off}: the periodic monitoring stream on this connection. */
  record Monitor(boolean on, Duration interval) implements ControlCommand {
    @Override
    public int code() {
      return 4;
    }
  }

  /** {@code 3}: the job's statistics now. */
  record Statistics() implements ControlCommand {
    @Override
    public int code() {
      return 3;
    }
  }

  /** {@code 5}: end the job cleanly (running tasks finish, waiting ones fail with the reason, workers stop). */
  record Terminate() implements ControlCommand {
    @Override
    public int code() {
      return 5;
    }
  }

  /** {@code 2}: load balance now. */
  record Balance() implements ControlCommand {
    @Override
    public int code() {
      return 2;
    }
  }

  /** {@code 8:rank:core[:rank:core...]}: pin worker {@code rank} to CPU core {@code core}. */
  record Bind(List<Binding> bindings) implements ControlCommand {
    public Bind {
      bindings = List.copyOf(bindings);
    }

    @Override
    public int code() {
      return 8;
    }
  }

  record Binding(int rank, int core) {}

  /** A command with the request id the client chose (null: the endpoint assigns one). */
  record Request(String id, ControlCommand command) {}
}
