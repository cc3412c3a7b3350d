// deploymentNeverSurgesPastMaxSurge: a rolling update never asks for more than replicas + maxSurge
// pods. The deployment controller raises a ReplicaSet's spec.replicas only in NewRSNewReplicas
// (maxTotalPods = replicas + maxSurge, minus the spec.replicas of every ReplicaSet of the
// Deployment) and in proportional scaling (which shares out replicas + maxSurge), so after any
// scale-up it writes, the Deployment's ReplicaSets together ask for at most replicas + maxSurge.
// The controller decides from its informers (rsLister, never a live list, and no expectations for
// ReplicaSets), which may lag etcd; so the bound is judged on the most lenient view it could have
// had: a ReplicaSet never delivered to it (by a list or a watch event) counts 0, as it does for
// getReplicaSetsForDeployment (its own create's answer never enters the cache); each other one at
// the lower of its stored spec (when the write is answered) and the last version delivered before
// its sync began (not before it arrived: a delay fault holds requests); the Deployment at the larger bound.
// A sync's writes go out one after another, each from the step that took the answer to the one
// before, so a later write was decided on the view of the step that began the chain.
// Replay: properties/regressions/deployment-surge-random-828598308.json (the stale view it missed).

import type { InvariantSpec } from "./index.js";
import { controllerView, objName, requestKey, sameJSON, watching } from "./observe.js";
import { resolveFenceposts } from "./k8s.js";

/** The actor that runs the deployment controller. */
const controller = "deployment-controller";

const replicasOf = (o: any) => (typeof o?.spec?.replicas === "number" ? o.spec.replicas : 1);
const bound = (d: any) => replicasOf(d) + resolveFenceposts(d).maxSurge;

export const deploymentNeverSurgesPastMaxSurge: InvariantSpec = watching(
  "deploymentNeverSurgesPastMaxSurge",
  "after the deployment controller scales a ReplicaSet up, the Deployment's ReplicaSets together ask for at most replicas + maxSurge (as the controller could have seen them)",
  ({ rt, report }) => {
    /**
     * uid -> each version of a Deployment or ReplicaSet delivered to the controller, in order, with
     * its process incarnation and request counter then: a request numbered k was sent after exactly
     * the deliveries the same process took while its counter was at most k (a client numbers its
     * requests in sending order), so that is the view it was decided on, though a delayed request
     * reaches the API server after later deliveries.
     */
    const delivered = new Map<string, Array<{ inc: number; n: number; obj: any }>>();
    /**
     * Each step of the controller, in order: its incarnation, its request counter at the start, and
     * the counter at the start of the step its chain of writes began in (itself, unless it took the
     * answer to one of its own requests). Request k was sent by the last step starting at or below k.
     */
    const steps: Array<{ inc: number; n: number; root: number }> = [];
    const rootOf = (inc: number, k: number): number => {
      // steps are ordered by (incarnation, counter): the last one at or below (inc, k)
      let lo = 0;
      let hi = steps.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        const s = steps[mid]!;
        if (s.inc < inc || (s.inc === inc && s.n <= k)) lo = mid + 1;
        else hi = mid;
      }
      const s = steps[lo - 1];
      return s !== undefined && s.inc === inc ? s.root : k;
    };
    /** request key -> a scale-up sent, judged when the API server answers that it was written */
    const pending = new Map<string, { name: string; namespace: string; ownerUid: string; want: number; max: number; deployment: string; seenAtSend: Map<string, number> }>();
    const learn = (o: any) => {
      const uid = o?.metadata?.uid;
      if (!uid) return;
      const inc = rt.incarnation(controller);
      const n = Number(rt.snapshot(controller)?.context?.client?.nextId ?? 0);
      let versions = delivered.get(uid);
      if (!versions) delivered.set(uid, (versions = []));
      versions.push({ inc, n, obj: o });
    };
    /** The version of an object in the controller's cache when it sent request k (undefined: not delivered yet). */
    const seenAt = (uid: string, inc: number, k: number): any => {
      const versions = delivered.get(uid) ?? [];
      for (let i = versions.length - 1; i >= 0; i--) if (versions[i]!.inc === inc && versions[i]!.n <= k) return versions[i]!.obj;
      return undefined;
    };
    const stored = (kind: string): any[] => {
      const m = rt.snapshot("apiserver")?.context?.cache?.byKind.get(kind);
      return m ? [...m.values()] : [];
    };
    const ownedBy = (ownerUid: string) => stored("ReplicaSet").filter((x) => (x.metadata?.ownerReferences ?? []).some((r: any) => r?.controller && r.uid === ownerUid));
    // Judged once the write is answered: Kubernetes' scale() writes a sync's ReplicaSets one after
    // another, so the other writes of the sync sent before this one have landed by then.
    const judge = (p: NonNullable<ReturnType<typeof pending.get>>) => {
      let others = 0;
      for (const x of ownedBy(p.ownerUid)) {
        if (x.metadata?.name === p.name && (x.metadata?.namespace ?? "") === p.namespace) continue;
        const seen = p.seenAtSend.get(x.metadata.uid);
        if (seen !== undefined) others += Math.min(replicasOf(x), seen);
      }
      if (p.want + others > p.max) report(`${controller} scaled ReplicaSet ${p.namespace}/${p.name} to ${p.want} while the other ReplicaSets of its Deployment ${p.namespace}/${p.deployment} ask for ${others}: ${p.want + others} in all, above replicas + maxSurge (${p.max})`);
    };
    // A sync's writes go out one after another, and proportional scaling may raise one ReplicaSet
    // before it lowers a larger one (GetProportion keeps a positive fraction while scaling down):
    // a scale-up is judged once no write of its Deployment's ReplicaSets is still in flight.
    /** owner uid -> request keys of the controller's ReplicaSet writes not answered yet */
    const inFlight = new Map<string, Set<string>>();
    /** owner uid -> answered scale-ups waiting for the rest of their sync */
    const deferred = new Map<string, Array<NonNullable<ReturnType<typeof pending.get>>>>();
    const ownerOfWrite = new Map<string, string>();
    rt.deliveryHooks.push((from, to, msg) => {
      if (to === controller) {
        const inc = rt.incarnation(controller);
        const n = Number(rt.snapshot(controller)?.context?.client?.nextId ?? 0);
        const answered = from === "apiserver" && msg.type === "ApiResponse" && typeof msg.id === "number" ? rootOf(inc, msg.id) : undefined;
        steps.push({ inc, n, root: answered ?? n });
      }
      if (from === "apiserver" && to === controller) {
        if (msg.type === "WatchEvent") learn(msg.object);
        else if (msg.type === "ApiResponse") {
          if (msg.ok && Array.isArray(msg.object?.items)) for (const o of msg.object.items) learn(o);
          const k = requestKey(rt, to, msg.id);
          const owner = ownerOfWrite.get(k);
          if (owner === undefined) return;
          ownerOfWrite.delete(k);
          inFlight.get(owner)?.delete(k);
          const p = pending.get(k);
          pending.delete(k);
          if (p !== undefined && msg.ok) {
            let d = deferred.get(owner);
            if (!d) deferred.set(owner, (d = []));
            d.push(p);
          }
          if ((inFlight.get(owner)?.size ?? 0) === 0) {
            for (const q of deferred.get(owner) ?? []) judge(q);
            deferred.delete(owner);
          }
        }
        return;
      }
      if (from !== controller || to !== "apiserver" || msg.type !== "ApiRequest" || msg.resource !== "replicasets") return;
      if (msg.verb !== "update" && msg.verb !== "create") return;
      const rs = msg.body;
      const want = replicasOf(rs);
      const ownerUid = (rs?.metadata?.ownerReferences ?? []).find((r: any) => r?.controller && r.kind === "Deployment")?.uid;
      if (!ownerUid) return;
      const key = requestKey(rt, from, msg.id);
      ownerOfWrite.set(key, ownerUid);
      let f = inFlight.get(ownerUid);
      if (!f) inFlight.set(ownerUid, (f = new Set()));
      f.add(key);
      if (want === 0) return;
      const namespace = msg.namespace ?? "";
      const sets = ownedBy(ownerUid);
      const self = sets.find((x) => x.metadata?.name === rs.metadata?.name && (x.metadata?.namespace ?? "") === namespace);
      // Only a scale-up is bounded by maxSurge; a scale-down is never too many.
      if (self && replicasOf(self) >= want) return;
      const inc = rt.incarnation(controller);
      const at = rootOf(inc, msg.id);
      const d = stored("Deployment").find((x) => x.metadata?.uid === ownerUid);
      const seenD = seenAt(ownerUid, inc, at);
      if (!d && !seenD) return;
      const max = Math.max(d ? bound(d) : 0, seenD ? bound(seenD) : 0);
      // What the controller could have counted: the ReplicaSets delivered to it by now (an undelivered one is not in its cache).
      const seenAtSend = new Map<string, number>();
      for (const x of sets) {
        const seen = seenAt(x.metadata.uid, inc, at);
        if (seen) seenAtSend.set(x.metadata.uid, replicasOf(seen));
      }
      pending.set(requestKey(rt, from, msg.id), { name: rs.metadata?.name, namespace, ownerUid, want, max, deployment: (d ?? seenD).metadata.name, seenAtSend });
    });
  },
);

/** A ReplicaSet's pod template without the pod-template-hash label the controller adds (EqualIgnoreHash). */
const templateIgnoringHash = (rs: any): any => {
  const t = rs?.spec?.template ?? {};
  const labels = { ...(t.metadata?.labels ?? {}) };
  delete labels["pod-template-hash"];
  return { ...t, metadata: { ...(t.metadata ?? {}), labels } };
};
const sameTemplate = (rs: any, d: any): boolean => {
  const a = templateIgnoringHash(rs);
  const dt = d?.spec?.template ?? {};
  return sameJSON(a, { ...dt, metadata: { ...(dt.metadata ?? {}), labels: { ...(dt.metadata?.labels ?? {}) } } });
};
const availableOf = (rs: any) => (typeof rs?.status?.availableReplicas === "number" ? rs.status.availableReplicas : 0);

/**
 * deploymentScaleDownKeepsMinAvailable: a RollingUpdate "ensures that at least replicas -
 * maxUnavailable Pods are available" (the Deployment docs), and the controller keeps that by
 * scaling old ReplicaSets down only as far as reconcileOldReplicaSets allows: maxScaledDown =
 * allPodsCount - minAvailable - newRSUnavailablePodCount, then no more than the available pods above
 * minAvailable. So after each scale-down of an old ReplicaSet, the pods that are or may become
 * available without a new pod being made (the old ReplicaSets' spec.replicas, plus the new
 * ReplicaSet's available pods) are at least replicas - maxUnavailable, judged on the controller's
 * informer view when the sync began (an old ReplicaSet whose status still counts more available pods
 * than its spec, after a scale-down the status has not caught up with, counts the excess too, as
 * GetAvailableReplicaCountForReplicaSets does). The documented exception is proportional scaling
 * (the Deployment resized mid-rollout: an active ReplicaSet's desired-replicas annotation differs
 * from spec.replicas), and a paused, Recreate or deleted Deployment does not roll.
 */
export const deploymentScaleDownKeepsMinAvailable = watching(
  "deploymentScaleDownKeepsMinAvailable",
  "a RollingUpdate scales old ReplicaSets down only while their pods and the new ReplicaSet's available pods stay at least replicas - maxUnavailable (on the controller's view; proportional scaling aside)",
  ({ rt, report }) => {
    const view = controllerView(rt, controller);
    /** "<incarnation>#<root>" -> the spec.replicas each ReplicaSet (by uid) was given by that sync's earlier writes */
    const chains = new Map<string, Map<string, number>>();
    rt.deliveryHooks.push((from, to, msg) => {
      if (from !== controller || to !== "apiserver" || msg.type !== "ApiRequest" || msg.resource !== "replicasets" || msg.verb !== "update") return;
      const rs = msg.body;
      const uid = rs?.metadata?.uid;
      const ownerUid = (rs?.metadata?.ownerReferences ?? []).find((r: any) => r?.controller && r.kind === "Deployment")?.uid;
      if (!uid || !ownerUid || typeof rs?.spec?.replicas !== "number") return;
      const inc = rt.incarnation(controller);
      const k = view.rootOf(inc, msg.id);
      const chainKey = `${inc}#${k}`;
      let chain = chains.get(chainKey);
      if (!chain) {
        if (chains.size > 256) chains.clear();
        chains.set(chainKey, (chain = new Map()));
      }
      const written = chain;
      const want: number = rs.spec.replicas;
      const record = () => void written.set(uid, want);
      const d = view.seenAt(ownerUid, inc, k);
      if (!d || d.metadata?.deletionTimestamp || d.spec?.paused || (d.spec?.strategy?.type ?? "RollingUpdate") !== "RollingUpdate") return record();
      const sets = view.allAt("ReplicaSet", inc, k).filter((x) => (x.metadata?.ownerReferences ?? []).some((r: any) => r?.controller && r.uid === ownerUid));
      const self = sets.find((x) => x.metadata?.uid === uid);
      const newRS = sets.find((x) => sameTemplate(x, d));
      const specNow = (x: any) => written.get(x.metadata.uid) ?? replicasOf(x);
      const before = self ? specNow(self) : undefined;
      record();
      if (!self || !newRS || self === newRS || before === undefined || want >= before) return;
      const replicas = replicasOf(d);
      const scaling = sets.some((x) => {
        const a = x.metadata?.annotations?.["deployment.kubernetes.io/desired-replicas"];
        return specNow(x) > 0 && typeof a === "string" && /^\d+$/.test(a) && Number(a) !== replicas;
      });
      if (scaling) return;
      const minAvailable = replicas - resolveFenceposts(d).maxUnavailable;
      const potential = (selfSpec: number) => {
        let sum = availableOf(newRS);
        for (const x of sets) {
          if (x === newRS) continue;
          sum += (x === self ? selfSpec : specNow(x)) + Math.max(0, availableOf(x) - replicasOf(x));
        }
        return sum;
      };
      const was = potential(before);
      const now = potential(want);
      if (now < minAvailable && was >= minAvailable) report(`${controller} scaled old ReplicaSet ${objName(self)} from ${before} to ${want} during the rollout of Deployment ${objName(d)}: its old ReplicaSets' pods and the new ReplicaSet ${newRS.metadata?.name}'s ${availableOf(newRS)} available pods are then ${now}, below replicas - maxUnavailable (${replicas} - ${resolveFenceposts(d).maxUnavailable} = ${minAvailable})`);
    });
    return undefined;
  },
);
