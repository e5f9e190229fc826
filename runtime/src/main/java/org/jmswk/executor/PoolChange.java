package org.jmswk.executor;

import java.util.List;
import java.util.Map;

/**
 * A grow or shrink that is done: the workers started (now serving) or drained and stopped, the
 * change per node as asked, and how long it took from the command to the last worker serving
 * (grow) or gone (shrink).
 */
public record PoolChange(List<Integer> workers, Map<String, Integer> perNode, long millis) {}
