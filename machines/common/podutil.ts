// Pod helpers the workload controllers share (pkg/api/v1/pod podutil, pkg/controller/controller_utils.go).

import type { Pod, PodCondition } from "kubernetes-types/core/v1";
import { toMs } from "./time.js";
import { mutant } from "./mutation.js";

/** First batch of slowStartBatch (controller.SlowStartInitialBatchSize). */
export const SLOW_START_INITIAL_BATCH_SIZE = 1;

/** The pod's Ready condition (podutil.GetPodReadyCondition). */
export function readyCondition(pod: Pod): PodCondition | undefined {
  const conditions = pod.status?.conditions;
  if (conditions === undefined || conditions === null) return undefined;
  // An indexed loop: the workload controllers ask this of every pod they own on every sync.
  for (let i = 0; i < conditions.length; i++) if (conditions[i]!.type === "Ready") return conditions[i];
  return undefined;
}

/** Ready condition is True (podutil.IsPodReady). */
export function isPodReady(pod: Pod): boolean {
  return readyCondition(pod)?.status === "True";
}

/** Ready for at least minReadySeconds before now (podutil.IsPodAvailable). */
export function isPodAvailable(pod: Pod, minReadySeconds: number, nowMs: number): boolean {
  const ready = readyCondition(pod);
  if (ready?.status !== "True") return false;
  // the mutant counts a pod available as soon as it is Ready, whatever minReadySeconds
  if (minReadySeconds === 0 || mutant("podutil.available-ignores-min-ready-seconds")) return true;
  const since = toMs(ready.lastTransitionTime);
  return since !== undefined && since + minReadySeconds * 1000 < nowMs;
}

/** The tie-break controllers sort pods by after their own keys: the older first, then by name. */
export function byCreationTimestampThenName(a: Pod, b: Pod): number {
  const ta = toMs(a.metadata?.creationTimestamp) ?? 0;
  const tb = toMs(b.metadata?.creationTimestamp) ?? 0;
  if (ta !== tb) return ta - tb;
  const na = a.metadata?.name ?? "";
  const nb = b.metadata?.name ?? "";
  return na < nb ? -1 : na > nb ? 1 : 0;
}

/** Batch sizes slowStartBatch uses to create count pods: 1, 2, 4, ... until count is reached. */
export function slowStartBatches(count: number, initialBatchSize = SLOW_START_INITIAL_BATCH_SIZE): number[] {
  const out: number[] = [];
  let remaining = count;
  let size = Math.min(remaining, initialBatchSize);
  while (size > 0) {
    out.push(size);
    remaining -= size;
    // the mutant grows each batch by one instead of doubling it
    size = Math.min(mutant("controller.slow-start-grows-linearly") ? size + 1 : 2 * size, remaining);
  }
  return out;
}

// v1.34 added container-level restart rules; kubernetes-types predates them.
interface ContainerRestartRule {
  action?: string;
  exitCodes?: { operator?: string; values?: number[] };
}

/** The first restartPolicyRule whose exit-code clause matches, as findMatchingContainerRestartRule. */
function matchingRestartRule(rules: readonly ContainerRestartRule[], exitCode: number): ContainerRestartRule | undefined {
  return rules.find((rule) => {
    if (!rule.exitCodes) return false;
    const listed = (rule.exitCodes.values ?? []).includes(exitCode);
    if (rule.exitCodes.operator === "In") return listed;
    if (rule.exitCodes.operator === "NotIn") return !listed;
    return false;
  });
}

/**
 * The container's own part of podutil.ContainerShouldRestart: whether its restartPolicy (and its
 * restartPolicyRules, first match) restart it after exitCode; undefined when it has no policy of
 * its own and the pod's decides. The kubelet restarts by it; the API server lets such a container
 * leave the terminated state in a pod that never restarts.
 */
export function containerPolicyRestarts(container: { restartPolicy?: string; restartPolicyRules?: readonly ContainerRestartRule[] } | undefined, exitCode: number): boolean | undefined {
  const policy = container?.restartPolicy;
  if (policy === undefined) return undefined;
  if (matchingRestartRule(container?.restartPolicyRules ?? [], exitCode)?.action === "Restart") return true;
  if (policy === "Always") return true;
  if (policy === "OnFailure") return exitCode !== 0;
  if (policy === "Never") return false;
  return undefined;
}
