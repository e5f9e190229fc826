package org.jmswk.farm;

/**
 * When a node is excluded for the rest of a job: only on node-level evidence, never because a
 * process on it ended. Pure decision logic; {@link NodeDomainStarter} gathers the evidence.
 *
 * <ul>
 *   <li>A worker whose connection was closed or reset ({@link Loss#PROCESS_ENDED}) was answered
 *       for by its node's kernel: the node is up, it stays in use, no probe is needed.
 *   <li>A worker that fell silent, whose launcher ended, or that did not come up while starting
 *       ({@link Loss#SILENT}, {@link Loss#LAUNCHER_ENDED}, {@link Loss#START_FAILED}) may mean a
 *       lost node or only a lost process: the node is probed (its remote shell runs {@code true})
 *       and excluded only if that probe fails.
 * </ul>
 */
public final class NodeExclusion {
  /** How a worker was lost. */
  public enum Loss { PROCESS_ENDED, SILENT, LAUNCHER_ENDED, START_FAILED }

  /** What a probe of the node said. */
  public enum Probe { ANSWERED, FAILED, NOT_RUN }

  private NodeExclusion() {}

  /** Whether this loss calls for a probe of the node. */
  public static boolean needsProbe(Loss loss) {
    return loss != Loss.PROCESS_ENDED;
  }

  /** Exclude the node? Only when the node itself failed to answer a probe. */
  public static boolean exclude(Loss loss, Probe probe) {
    return needsProbe(loss) && probe == Probe.FAILED;
  }
}
