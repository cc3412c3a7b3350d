// budgetExpectsItsControllersScale: a PodDisruptionBudget with maxUnavailable or a percentage
// minAvailable expects as many pods as the scales of its pods' controllers add up to (disruption.go
// getExpectedScale): each distinct controller counted once, and for a pod of a ReplicaSet that a
// Deployment controls the Deployment's spec.replicas, not the ReplicaSet's (getPodDeployment), so a
// rollout's old and new ReplicaSets together count as one Deployment. At convergence both agree;
// mid-rollout (old ReplicaSets scaled down, the new one up) only the Deployment's count is right.
// Judged on each status the disruption controller writes, against its own informer cache when it
// sent the write (a controller it could not find fails the sync safe, and is not judged); pods
// without a controller are left out, as getExpectedScale leaves unmanaged pods.

import type { InvariantSpec } from "./index.js";
import { controllerView, watching } from "./observe.js";

const controller = "disruption-controller";

/** metav1.LabelSelector over labels (matchLabels and the four operators); an absent selector matches nothing here. */
function selects(selector: any, labels: Record<string, string> | undefined): boolean {
  if (!selector) return false;
  const l = labels ?? {};
  const has = (k: string) => Object.hasOwn(l, k);
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (!has(k) || l[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const values: string[] = e.values ?? [];
    if (e.operator === "In" && !(has(e.key) && values.includes(l[e.key]!))) return false;
    if (e.operator === "NotIn" && has(e.key) && values.includes(l[e.key]!)) return false;
    if (e.operator === "Exists" && !has(e.key)) return false;
    if (e.operator === "DoesNotExist" && has(e.key)) return false;
  }
  return true;
}

const replicasOf = (o: any) => (typeof o?.spec?.replicas === "number" ? o.spec.replicas : 1);
const controllerOf = (o: any) => (o?.metadata?.ownerReferences ?? []).find((r: any) => r?.controller === true);

export const budgetExpectsItsControllersScale: InvariantSpec = watching(
  "budgetExpectsItsControllersScale",
  "a PodDisruptionBudget with maxUnavailable or a percentage minAvailable expects the summed spec.replicas of its pods' distinct controllers, a Deployment's for the pods of its ReplicaSets (on the disruption controller's cache)",
  ({ rt, report }) => {
    const view = controllerView(rt, controller);
    rt.deliveryHooks.push((from, to, msg) => {
      if (from !== controller || to !== "apiserver" || msg.type !== "ApiRequest" || msg.verb !== "update" || msg.resource !== "poddisruptionbudgets" || msg.subresource !== "status") return;
      const pdb = msg.body;
      const status = pdb?.status;
      if (!status || typeof status.expectedPods !== "number") return;
      const spec = pdb.spec ?? {};
      const byScale = (spec.maxUnavailable !== undefined && spec.maxUnavailable !== null) || typeof spec.minAvailable === "string";
      if (!byScale) return;
      // a failSafe status keeps the counts it had
      if ((status.conditions ?? []).some((c: any) => c?.type === "DisruptionAllowed" && c.reason === "SyncFailed")) return;
      const inc = rt.incarnation(controller);
      const k = view.rootOf(inc, msg.id);
      const ns = pdb.metadata?.namespace ?? msg.namespace;
      const inNs = (kind: string) => view.allAt(kind, inc, k).filter((o) => o.metadata?.namespace === ns);
      const named = (kind: string, name: string, uid: string) => inNs(kind).find((o) => o.metadata?.name === name && o.metadata?.uid === uid);
      const scales = new Map<string, { what: string; n: number }>();
      for (const pod of inNs("Pod")) {
        if (!selects(spec.selector, pod.metadata?.labels)) continue;
        const ref = controllerOf(pod);
        if (!ref) continue;
        let found: { uid: string; what: string; n: number } | undefined;
        if (ref.kind === "ReplicaSet" && /^(apps|extensions)\//.test(ref.apiVersion ?? "")) {
          const rs = named("ReplicaSet", ref.name, ref.uid);
          if (!rs) return;
          const dref = controllerOf(rs);
          if (dref && dref.kind === "Deployment") {
            const d = named("Deployment", dref.name, dref.uid);
            if (!d) return;
            found = { uid: d.metadata.uid, what: `Deployment ${d.metadata.name} (${replicasOf(d)})`, n: replicasOf(d) };
          } else found = { uid: rs.metadata.uid, what: `ReplicaSet ${rs.metadata.name} (${replicasOf(rs)})`, n: replicasOf(rs) };
        } else if ((ref.kind === "StatefulSet" && /^apps\//.test(ref.apiVersion ?? "")) || (ref.kind === "ReplicationController" && ref.apiVersion === "v1")) {
          const o = named(ref.kind, ref.name, ref.uid);
          if (!o) return;
          found = { uid: o.metadata.uid, what: `${ref.kind} ${o.metadata.name} (${replicasOf(o)})`, n: replicasOf(o) };
        } else return;
        scales.set(found.uid, found);
      }
      let want = 0;
      for (const s of scales.values()) want += s.n;
      if (want === status.expectedPods) return;
      const of = [...scales.values()].map((s) => s.what).join(", ") || "no controller";
      report(`${controller} wrote PodDisruptionBudget ${ns}/${pdb.metadata?.name} expecting ${status.expectedPods} pods; the controllers of its pods in its cache, ${of}, ask for ${want}`);
    });
    return undefined;
  },
);
