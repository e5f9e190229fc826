package org.jmswk.executor;

import java.util.List;
import java.util.Map;

/**
 * The executor's pool now, for statistics and monitoring.
 *
 * @param base           the workers the executor was started with (a shrink never goes below)
 * @param size           workers connected and serving (not being drained)
 * @param slots          worker slots per node (empty: workers are not placed by node)
 * @param workersPerNode workers per node, connected or starting for a grow, not being drained
 * @param excluded       nodes lost for the rest of the job
 * @param reconfiguring  the grow or shrink under way, or null
 * @param draining       workers being drained by a shrink
 * @param queued         tasks (and map elements) waiting for a worker
 * @param inFlight       wire tasks handed to workers and not answered yet
 */
public record PoolStatus(int base, int size, Map<String, Integer> slots, Map<String, Integer> workersPerNode,
                         List<String> excluded, String reconfiguring, List<Integer> draining, long queued, long inFlight) {}
