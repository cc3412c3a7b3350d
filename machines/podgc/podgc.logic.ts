// PodGC's choices (pkg/controller/podgc/gc_controller.go), as pure functions: which terminated
// pods go when there are more than the threshold, which terminating pods on out-of-service nodes
// and which unscheduled terminating pods are force-deleted, and which nodes a pod is bound to that
// the node informer does not know (quarantined for 40 s before the API server is asked).

import type { Node, Pod } from "kubernetes-types/core/v1";
import { byCreationTimestampThenName } from "../common/podutil.js";
import { mutant } from "../common/mutation.js";

/** gcCheckPeriod: PodGC looks every 20 seconds. */
export const GC_CHECK_PERIOD_MS = 20_000;
/** quarantineTime: how long a missing node is given to show up in the informer. */
export const QUARANTINE_MS = 40_000;
/** kube-controller-manager's --terminated-pod-gc-threshold default. */
export const DEFAULT_TERMINATED_POD_THRESHOLD = 12_500;
export const TaintNodeOutOfService = "node.kubernetes.io/out-of-service";

/** isPodTerminated: any phase but Pending, Running and Unknown. */
export function isPodTerminated(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== "Pending" && phase !== "Running" && (phase !== "Unknown" || mutant("podgc.unknown-phase-terminated"));
}

/** eviction.PodIsEvicted: Failed with reason Evicted. */
const isEvicted = (pod: Pod) => pod.status?.phase === "Failed" && pod.status?.reason === "Evicted";

/** byEvictionAndCreationTimestamp: evicted pods first, then oldest first, then by name. */
export function byEvictionAndCreationTimestamp(a: Pod, b: Pod): number {
  const ea = isEvicted(a);
  const eb = isEvicted(b);
  if (ea !== eb) return ea !== mutant("podgc.evicted-deleted-last") ? -1 : 1;
  return byCreationTimestampThenName(a, b);
}

/** gcTerminated: the terminated pods above the threshold, evicted and oldest first (a threshold of 0 turns it off). */
export function terminatedToDelete(pods: readonly Pod[], threshold: number): Pod[] {
  if (threshold <= 0) return [];
  const terminated = pods.filter(isPodTerminated);
  const n = terminated.length - threshold;
  if (n <= 0) return [];
  return [...terminated].sort((a, b) => (mutant("podgc.deletes-newest-terminated") ? -1 : 1) * byEvictionAndCreationTimestamp(a, b)).slice(0, n);
}

const isNodeReady = (node: Node) => (node.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");

/** gcTerminating: terminating pods on nodes that are not Ready and carry the out-of-service taint. */
export function terminatingOnOutOfServiceNodes(pods: readonly Pod[], nodes: ReadonlyMap<string, Node>): Pod[] {
  const out = pods.filter((p) => {
    if (!p.metadata?.deletionTimestamp) return false;
    const node = nodes.get(p.spec?.nodeName ?? "");
    return node !== undefined && !isNodeReady(node) && (mutant("podgc.force-deletes-without-out-of-service") || (node.spec?.taints ?? []).some((t) => t.key === TaintNodeOutOfService));
  });
  return out.sort(byEvictionAndCreationTimestamp);
}

/** gcUnscheduledTerminating: terminating pods never bound to a node. */
export function unscheduledTerminating(pods: readonly Pod[]): Pod[] {
  return pods.filter((p) => (p.metadata?.deletionTimestamp || mutant("podgc.unscheduled-not-terminating-deleted")) && !p.spec?.nodeName);
}

/**
 * gcOrphaned's first half: every node a pod is bound to that the informer does not list joins the
 * quarantine (nodeQueue.AddAfter 40 s; a node already waiting keeps its earlier time).
 */
export function quarantine(waiting: ReadonlyMap<string, number>, pods: readonly Pod[], known: (node: string) => boolean, nowMs: number): Map<string, number> {
  const next = new Map(waiting);
  for (const p of pods) {
    const n = p.spec?.nodeName;
    if (n && !known(n) && (!next.has(n) || mutant("podgc.quarantine-restarts-each-pass"))) next.set(n, nowMs + QUARANTINE_MS);
  }
  return next;
}

/** discoverDeletedNodes: the quarantined nodes whose time is up and that the informer still does not know (asked of the API server next). */
export function dueNodes(waiting: ReadonlyMap<string, number>, known: (node: string) => boolean, nowMs: number): string[] {
  return [...waiting].filter(([n, at]) => at <= nowMs && !known(n)).map(([n]) => n).sort();
}

/** The status PodGC applies before it deletes a pod that had not finished: Failed, and the DisruptionTarget condition when one is given. */
export function failedStatusPatch(pod: Pod, condition: { reason: string; message: string } | undefined, nowMs: string): object | undefined {
  const phase = pod.status?.phase;
  // the mutant marks a Succeeded pod Failed too
  if ((phase === "Succeeded" && !mutant("podgc.succeeded-pod-marked-failed")) || phase === "Failed") return undefined;
  return { status: { phase: "Failed", ...(condition ? { conditions: [{ type: "DisruptionTarget", status: "True", reason: condition.reason, message: condition.message, lastTransitionTime: nowMs }] } : {}) } };
}
