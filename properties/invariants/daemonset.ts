// A DaemonSet runs at most one pod per node. The DaemonSet controller creates a pod only for a node
// that has none (podsShouldBeOnNode), and expectations stop a second creation before the informer
// has seen the first; surplus pods (two on a node after a race) are deleted by the next sync, but
// the controller itself never makes them. With maxSurge, a rolling update runs a new pod beside the
// old one on a node, so the bound is two for a DaemonSet that ever allowed a surge. "Active" is
// controller.IsPodActive: not Succeeded, not Failed, no deletionTimestamp. A pod's node is the one it
// is bound to, or the one its matchFields metadata.name affinity names while it is pending.

import type { Violation } from "./core.js";
import { isPodActive, tolerates } from "./k8s.js";
import { perPodVersion } from "./pods.js";

/** What the check reads: objects as stored. A Cluster satisfies it. */
export interface ClusterView {
  list(kind: string): any[];
}

// Per cluster: uids of the DaemonSets that allowed a surge at any checked step.
const surged = new WeakMap<object, Set<string>>();

function nodeOf(pod: any): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  for (const term of pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    for (const f of term.matchFields ?? []) if (f.key === "metadata.name" && f.operator === "In" && f.values?.length === 1) return f.values[0];
  }
  return undefined;
}

// A non-zero maxSurge (an int, or a percentage that rounds up above 0).
const allowsSurge = (ds: any) => {
  const s = ds.spec?.updateStrategy;
  const v = s?.type === "RollingUpdate" ? s.rollingUpdate?.maxSurge : undefined;
  return typeof v === "number" ? v > 0 : typeof v === "string" ? Number.parseInt(v, 10) > 0 : false;
};

/** Violations of "a DaemonSet never has more than one active pod on a node (two once it allowed a surge)"; call it at every step. */
export function daemonSetRunsOnePodPerNode(cluster: ClusterView): Violation[] {
  let seen = surged.get(cluster);
  if (!seen) surged.set(cluster, (seen = new Set()));
  const perNode = new Map<string, number>();
  for (const p of cluster.list("Pod")) {
    if (!isPodActive(p)) continue;
    const ref = p.metadata?.ownerReferences?.find((r: any) => r.controller && r.kind === "DaemonSet");
    const node = nodeOf(p);
    if (!ref || node === undefined) continue;
    const k = `${ref.uid}\u0000${node}`;
    perNode.set(k, (perNode.get(k) ?? 0) + 1);
  }
  const out: Violation[] = [];
  for (const ds of cluster.list("DaemonSet")) {
    const uid = ds.metadata.uid;
    if (allowsSurge(ds)) seen.add(uid);
    const bound = seen.has(uid) ? 2 : 1;
    for (const [k, n] of perNode) {
      const [owner, node] = k.split("\u0000");
      if (owner === uid && n > bound) out.push({ invariant: "daemonSetRunsOnePodPerNode", message: `DaemonSet ${ds.metadata.namespace}/${ds.metadata.name} has ${n} active pods on node ${node}, more than ${bound}` });
    }
  }
  return out;
}

/** The taints nodeShouldRunDaemonPod refuses a new pod for: NoSchedule and NoExecute. */
const refusesNewPod = (t: any) => t?.effect === "NoSchedule" || t?.effect === "NoExecute";
const sameTaint = (a: any, b: any) => a.key === b.key && (a.value ?? "") === (b.value ?? "") && a.effect === b.effect;

interface TaintMemory {
  /** node name -> its uid and the refusing taints it carried in every version stored since the check began */
  steady: Map<string, { uid: string; taints: any[] }>;
  seenNodes: WeakSet<object>;
  /** uids of the pods already judged */
  judged: Set<string>;
}

const taintMemories = new WeakMap<object, TaintMemory>();

/**
 * daemonSetPodsOnlyOnToleratingNodes: the DaemonSet controller creates a pod for a node only when
 * the pod (the template with the daemon tolerations it adds: not-ready and unreachable NoExecute,
 * the node-condition NoSchedule taints) tolerates every NoSchedule and NoExecute taint of the node
 * (nodeShouldRunDaemonPod's taint check; "Taints and tolerations", DaemonSet docs). Its cache shows
 * some earlier version of the node, so only taints the node carried in every version stored since
 * the check began are held against it, and each pod is judged once, when it is first seen.
 */
export function daemonSetPodsOnlyOnToleratingNodes(cluster: ClusterView): Violation[] {
  let m = taintMemories.get(cluster);
  if (!m) taintMemories.set(cluster, (m = { steady: new Map(), seenNodes: new WeakSet(), judged: new Set() }));
  for (const n of cluster.list("Node")) {
    if (m.seenNodes.has(n)) continue;
    m.seenNodes.add(n);
    const now = (n.spec?.taints ?? []).filter(refusesNewPod);
    const s = m.steady.get(n.metadata.name);
    if (!s || s.uid !== n.metadata.uid) m.steady.set(n.metadata.name, { uid: n.metadata.uid, taints: now });
    else s.taints = s.taints.filter((t) => now.some((x: any) => sameTaint(x, t)));
  }
  const out: Violation[] = [];
  for (const p of cluster.list("Pod")) {
    const uid = p.metadata?.uid;
    if (m.judged.has(uid)) continue;
    const ref = p.metadata?.ownerReferences?.find((r: any) => r.controller && r.kind === "DaemonSet");
    if (!ref) continue;
    m.judged.add(uid);
    const node = nodeOf(p);
    const taints = node === undefined ? [] : m.steady.get(node)?.taints ?? [];
    const refused = taints.find((t) => !(p.spec?.tolerations ?? []).some((tol: any) => tolerates(tol, t)));
    if (refused) out.push({ invariant: "daemonSetPodsOnlyOnToleratingNodes", message: `DaemonSet ${p.metadata.namespace}/${ref.name} created pod ${p.metadata.name} for node ${node}, whose taint ${refused.key}${refused.value ? "=" + refused.value : ""}:${refused.effect} (on every version of the node) it does not tolerate` });
  }
  return out;
}

/**
 * daemonSetPodsOnlyOnSelectedNodes: the DaemonSet controller creates a pod only for a node whose
 * labels match the template's spec.nodeSelector ("Running Pods on select Nodes": with a
 * .spec.template.spec.nodeSelector the controller creates Pods on nodes which match it). The pod
 * carries that nodeSelector and the node it is for (its matchFields affinity, then spec.nodeName);
 * each pod is judged once, when first seen, against the node as stored then.
 */
export const daemonSetPodsOnlyOnSelectedNodes = perPodVersion(
  "daemonSetPodsOnlyOnSelectedNodes",
  "the DaemonSet controller creates pods only for nodes whose labels match the template's nodeSelector",
  (p, _now, w) => {
    if (!p.metadata?.ownerReferences?.some((r: any) => r?.controller && r.kind === "DaemonSet")) return [];
    const selector: Record<string, unknown> = p.spec?.nodeSelector ?? {};
    const target = nodeOf(p);
    if (target === undefined || Object.keys(selector).length === 0) return [];
    const node = w.list("Node").find((n: any) => n.metadata?.name === target);
    if (!node) return [];
    const labels = node.metadata?.labels ?? {};
    const unmatched = Object.entries(selector).filter(([k, v]) => !Object.hasOwn(labels, k) || labels[k] !== v);
    if (unmatched.length === 0) return [];
    return [`DaemonSet pod ${p.metadata?.namespace}/${p.metadata?.name} is for node ${target}, whose labels do not match its nodeSelector (${unmatched.map(([k, v]) => `${k}=${v}`).join(", ")})`];
  },
);
