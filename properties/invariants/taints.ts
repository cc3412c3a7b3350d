// noExecuteTaintEvictsWithinTolerationSeconds: the taint eviction controller deletes a pod bound to
// a node with a NoExecute taint it does not tolerate at once, and one that tolerates it for
// tolerationSeconds once those have passed (processPodOnNode: getMinTolerationTime, then
// AddWork at now + that time). A bound, then, with slack for the watch, the work queue and the
// DELETE to travel: from the later of when the taint was stored, when the pod was seen on the node,
// and when the controller last (re)started (a new process starts its countdowns afresh, as
// Kubernetes' does), the pod carries a deletionTimestamp within tolerationSeconds + slack, or the
// controller's DELETE for it has reached the API server (a backlog there is not its lateness).

import type { InvariantSpec } from "./index.js";
import type { Violation } from "./core.js";
import { isPodTerminal, toleratedSeconds } from "./k8s.js";
import { storedObject } from "./observe.js";

/** Simulated time the eviction may take beyond tolerationSeconds: watch delivery, queue, DELETE, under delay faults. */
export const taintEvictionSlackMs = 60_000;

/** The actor that runs the taint eviction controller (kube-controller-manager's node lifecycle). */
const evictor = "node-lifecycle-controller";

export const noExecuteTaintEvictsWithinTolerationSeconds: InvariantSpec = {
  name: "noExecuteTaintEvictsWithinTolerationSeconds",
  description: `a pod on a node with a NoExecute taint it does not tolerate is being deleted within its tolerationSeconds (0 when not tolerated) plus ${taintEvictionSlackMs / 1000} s`,
  create(rt) {
    /** `${node uid}|${taint key}|${value}` -> when the taint was first seen stored */
    let taintSince = new Map<string, number>();
    /** `${pod uid}|${node}` -> when the pod was first seen bound there under a NoExecute taint */
    const podSince = new Map<string, number>();
    let incarnation = rt.incarnation(evictor);
    let evictorSince = rt.now;
    /**
     * uids of the pods a DELETE from the controller has reached the API server for: the controller
     * has evicted them, and how long the API server's queue takes to apply it is not its lateness.
     */
    const deleteSent = new Set<string>();
    rt.deliveryHooks.push((from, to, msg) => {
      if (from !== evictor || to !== "apiserver" || msg.type !== "ApiRequest" || msg.verb !== "delete" || msg.resource !== "pods") return;
      const uid = storedObject(rt, "Pod", msg.namespace, msg.name)?.metadata?.uid;
      if (uid) deleteSent.add(uid);
    });
    // Nothing to judge again until etcd changes or the earliest deadline passes (the check runs at every step).
    let checkedAt = -1;
    let nextDeadline = Infinity;
    return {
      step(w): Violation[] {
        if (rt.incarnation(evictor) !== incarnation) {
          incarnation = rt.incarnation(evictor);
          evictorSince = rt.now;
          checkedAt = -1;
        }
        const revision = w.etcdRevision();
        if (revision === checkedAt && rt.now <= nextDeadline) return [];
        checkedAt = revision;
        nextDeadline = Infinity;
        const tainted = new Map<string, Array<{ t: any; since: number }>>();
        // Only the taints stored now keep their start: one removed and added again starts afresh.
        const still = new Map<string, number>();
        for (const n of w.list("Node")) {
          const ts = (n.spec?.taints ?? []).filter((t: any) => t?.effect === "NoExecute");
          if (ts.length === 0) continue;
          tainted.set(n.metadata.name, ts.map((t: any) => {
            const k = `${n.metadata.uid}|${t.key}|${t.value ?? ""}`;
            const at = taintSince.get(k) ?? rt.now;
            still.set(k, at);
            return { t, since: at };
          }));
        }
        taintSince = still;
        if (tainted.size === 0) {
          if (podSince.size > 0) podSince.clear();
          return [];
        }
        const out: Violation[] = [];
        for (const p of w.list("Pod")) {
          const node = p.spec?.nodeName;
          const ts = node ? tainted.get(node) : undefined;
          if (!ts || p.metadata?.deletionTimestamp || isPodTerminal(p) || deleteSent.has(p.metadata.uid)) continue;
          const seen = since(podSince, `${p.metadata.uid}|${node}`, rt.now);
          for (const { t, since: taintAt } of ts) {
            const secs = toleratedSeconds(p, t);
            if (secs === Infinity) continue;
            const deadline = Math.max(taintAt, seen, evictorSince) + secs * 1000 + taintEvictionSlackMs;
            if (rt.now <= deadline) nextDeadline = Math.min(nextDeadline, deadline);
            else {
              out.push({ invariant: "noExecuteTaintEvictsWithinTolerationSeconds", message: `pod ${p.metadata.namespace}/${p.metadata.name} is still on node ${node} ${Math.round((rt.now - Math.max(taintAt, seen, evictorSince)) / 1000)} s after the NoExecute taint ${t.key}${t.value ? "=" + t.value : ""}, which it tolerates for ${secs} s, and is not being deleted` });
              break;
            }
          }
        }
        return out;
      },
    };
  },
};

function since(m: Map<string, number>, k: string, now: number): number {
  let t = m.get(k);
  if (t === undefined) m.set(k, (t = now));
  return t;
}

/**
 * podEvictedOnlyPastTolerationSeconds: the taint eviction controller deletes a pod only when its
 * node has (or had) a NoExecute taint the pod does not tolerate, or one it tolerates for
 * tolerationSeconds that have passed since the taint was first stored. A toleration without
 * tolerationSeconds tolerates the taint forever ("the pod ... stays bound forever", Taints and
 * Tolerations; getMinTolerationTime's -1, which processPodOnNode never schedules), and a countdown
 * never starts before the taint exists. Judged on the DELETE requests the controller sends, against
 * every NoExecute taint the pod's node carried in any version stored since the invariant began.
 */
export const podEvictedOnlyPastTolerationSeconds: InvariantSpec = {
  name: "podEvictedOnlyPastTolerationSeconds",
  description: "the taint eviction controller deletes a pod only for a NoExecute taint it does not tolerate, or tolerates for tolerationSeconds that have passed",
  create(rt) {
    /** node name -> `${key}|${value}` -> the taint and when it was first seen stored on that node */
    const taints = new Map<string, Map<string, { t: any; since: number }>>();
    const seenNode = new WeakSet<object>();
    const pending: Violation[] = [];
    const record = (nodes: any[]) => {
      for (const n of nodes) {
        if (seenNode.has(n)) continue;
        seenNode.add(n);
        for (const t of n.spec?.taints ?? []) {
          if (t?.effect !== "NoExecute") continue;
          let m = taints.get(n.metadata.name);
          if (!m) taints.set(n.metadata.name, (m = new Map()));
          const k = `${t.key}|${t.value ?? ""}`;
          if (!m.has(k)) m.set(k, { t, since: rt.now });
        }
      }
    };
    rt.deliveryHooks.push((from, to, msg) => {
      if (from !== evictor || to !== "apiserver" || msg.type !== "ApiRequest" || msg.verb !== "delete" || msg.resource !== "pods" || !msg.name) return;
      const pod = storedObject(rt, "Pod", msg.namespace, msg.name);
      const uid = msg.body?.preconditions?.uid;
      if (!pod || (uid && uid !== pod.metadata.uid) || pod.metadata.deletionTimestamp || !pod.spec?.nodeName) return;
      const node = storedObject(rt, "Node", undefined, pod.spec.nodeName);
      if (node) record([node]);
      const ts = [...(taints.get(pod.spec.nodeName)?.values() ?? [])];
      const justified = ts.some(({ t, since }) => {
        const secs = toleratedSeconds(pod, t);
        return secs !== Infinity && rt.now >= since + secs * 1000;
      });
      if (!justified) {
        const what = ts.length === 0 ? "no NoExecute taint was ever stored on it" : ts.map(({ t, since }) => `${t.key}${t.value ? "=" + t.value : ""}:NoExecute (stored ${Math.round((rt.now - since) / 1000)} s ago, tolerated ${toleratedSeconds(pod, t) === Infinity ? "forever" : `${toleratedSeconds(pod, t)} s`})`).join(", ");
        pending.push({ invariant: "podEvictedOnlyPastTolerationSeconds", message: `${evictor} deleted pod ${pod.metadata.namespace}/${pod.metadata.name} on node ${pod.spec.nodeName}, but ${what}` });
      }
    });
    return {
      step(w): Violation[] {
        record(w.list("Node"));
        return pending.splice(0);
      },
    };
  },
};
