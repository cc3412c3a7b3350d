// Rules judged on what a controller knew when it acted: each request it sends is held against its
// informer cache as of then (observe.ts controllerView), so a stale cache never makes a false
// report, and a controller that miscounts what it has is caught at the request it sends.

import { isPodActive, isPodReady, isPodTerminal } from "./k8s.js";
import { controllerView, objName, storedObject, watching } from "./observe.js";

const sameName = (o: any, namespace: string | undefined, name: string | undefined) => o?.metadata?.name === name && (o.metadata?.namespace ?? "") === (namespace ?? "");

/**
 * replicaSetDeletesOnlyActivePods: a ReplicaSet (or ReplicationController) scales down by deleting
 * from its active pods only (manageReplicas: getPodsToDelete(filteredPods, ...), filteredPods =
 * controller.FilterActivePods: not Succeeded, not Failed, no deletionTimestamp), so it never sends
 * a DELETE for a pod its cache showed terminating or finished: that pod is no longer a replica.
 */
export const replicaSetDeletesOnlyActivePods = watching(
  "replicaSetDeletesOnlyActivePods",
  "the ReplicaSet and ReplicationController controllers delete only pods their cache showed active (not terminating, not finished) when they sent the DELETE",
  ({ rt, report }) => {
    for (const controller of ["replicaset-controller", "replication-controller"]) {
      const view = controllerView(rt, controller);
      rt.deliveryHooks.push((from, to, msg) => {
        if (from !== controller || to !== "apiserver" || msg.type !== "ApiRequest" || msg.verb !== "delete" || msg.resource !== "pods") return;
        const inc = rt.incarnation(controller);
        const pod = view.allAt("Pod", inc, view.rootOf(inc, msg.id)).find((p) => sameName(p, msg.namespace, msg.name));
        if (!pod) return;
        if (pod.metadata?.deletionTimestamp) report(`${controller} deleted pod ${objName(pod)}, which its cache showed terminating (deletionTimestamp ${pod.metadata.deletionTimestamp}): a terminating pod is not an active replica`);
        else if (isPodTerminal(pod)) report(`${controller} deleted pod ${objName(pod)}, which its cache showed ${pod.status?.phase}: a finished pod is not an active replica`);
      });
    }
    return undefined;
  },
);

const ordinalPattern = /^(.*)-([0-9]+)$/;

/**
 * statefulSetScalesDownFromHighestOrdinal: an OrderedReady StatefulSet removes the pods beyond
 * its replicas highest ordinal first, one at a time (processCondemned walks them in decreasing
 * ordinal order and returns at the first it deletes or that is still terminating or unhealthy),
 * so it deletes a condemned pod only when its cache holds no pod of the set with a higher ordinal.
 */
export const statefulSetScalesDownFromHighestOrdinal = watching(
  "statefulSetScalesDownFromHighestOrdinal",
  "an OrderedReady StatefulSet deletes a pod beyond its replicas only when its cache holds no pod of the set with a higher ordinal",
  ({ rt, report }) => {
    const controller = "statefulset-controller";
    const view = controllerView(rt, controller);
    rt.deliveryHooks.push((from, to, msg) => {
      if (from !== controller || to !== "apiserver" || msg.type !== "ApiRequest" || msg.verb !== "delete" || msg.resource !== "pods") return;
      const inc = rt.incarnation(controller);
      const k = view.rootOf(inc, msg.id);
      const pods = view.allAt("Pod", inc, k);
      const pod = pods.find((p) => sameName(p, msg.namespace, msg.name));
      const setRef = pod?.metadata?.ownerReferences?.find((r: any) => r?.controller && r.kind === "StatefulSet");
      const set = setRef ? view.seenAt(setRef.uid, inc, k) : undefined;
      if (!set || (set.spec?.podManagementPolicy ?? "OrderedReady") !== "OrderedReady") return;
      const ordinalOf = (p: any): number => {
        const m = ordinalPattern.exec(p.metadata?.name ?? "");
        return m && m[1] === set.metadata.name ? Number(m[2]) : -1;
      };
      const i = ordinalOf(pod);
      const start = set.spec?.ordinals?.start ?? 0;
      if (i < start + (set.spec?.replicas ?? 1)) return; // a replica in range: a failed pod or a rolling update, not a scale-down
      const higher = pods.filter((p) => ordinalOf(p) > i && p.metadata?.ownerReferences?.some((r: any) => r?.controller && r.uid === set.metadata.uid));
      if (higher.length > 0) report(`${controller} deleted pod ${objName(pod)} of OrderedReady StatefulSet ${objName(set)} (replicas ${set.spec?.replicas ?? 1}) while its cache held ${higher.map((p) => `${p.metadata.name}${p.metadata.deletionTimestamp ? " (terminating)" : ""}`).join(", ")}: a scale-down removes the highest ordinal first`);
    });
    return undefined;
  },
);

/**
 * jobDeletedOnlyAfterTTL: the TTL-after-finished controller deletes a finished Job only once
 * spec.ttlSecondsAfterFinished seconds have passed since it finished (the lastTransitionTime of
 * its Complete or Failed condition); before deleting it reads the Job from the API server again
 * and checks the TTL on that (processJob: "the Job TTL might be stale").
 */
export const jobDeletedOnlyAfterTTL = watching(
  "jobDeletedOnlyAfterTTL",
  "the TTL-after-finished controller deletes a Job only ttlSecondsAfterFinished after its Complete or Failed condition's lastTransitionTime",
  ({ rt, report }) => {
    const controller = "ttl-after-finished-controller";
    rt.deliveryHooks.push((from, to, msg) => {
      if (from !== controller || to !== "apiserver" || msg.type !== "ApiRequest" || msg.verb !== "delete" || msg.resource !== "jobs") return;
      const job = storedObject(rt, "Job", msg.namespace, msg.name);
      if (!job) return;
      const uid = msg.body?.preconditions?.uid;
      if (uid && uid !== job.metadata?.uid) return; // the precondition fails: nothing is deleted
      const ttl = job.spec?.ttlSecondsAfterFinished;
      const finished = (job.status?.conditions ?? []).find((c: any) => (c?.type === "Complete" || c?.type === "Failed") && c.status === "True");
      if (typeof ttl !== "number") return void report(`${controller} deleted Job ${objName(job)}, which has no ttlSecondsAfterFinished`);
      if (!finished) return void report(`${controller} deleted Job ${objName(job)}, which has not finished`);
      const at = Date.parse(finished.lastTransitionTime) + ttl * 1000;
      if (rt.now < at) report(`${controller} deleted Job ${objName(job)} ${((at - rt.now) / 1000).toFixed(1)} s before its TTL (${ttl} s after it finished at ${finished.lastTransitionTime}) ran out`);
    });
    return undefined;
  },
);

/**
 * jobDeletedByTTLInTheForeground: the TTL-after-finished controller deletes a finished Job with
 * propagationPolicy Foreground (ttlafterfinished_controller.go processJob: "Cascade deletes the Jobs
 * if TTL truly expires", DeletePropagationForeground), so the Job stays, with the foregroundDeletion
 * finalizer, until the garbage collector has deleted its pods; a Job cleaned up in the background
 * is gone while its pods are still there.
 */
export const jobDeletedByTTLInTheForeground = watching(
  "jobDeletedByTTLInTheForeground",
  "the TTL-after-finished controller deletes a Job with propagationPolicy Foreground: its pods go before it",
  ({ rt, report }) => {
    const controller = "ttl-after-finished-controller";
    rt.deliveryHooks.push((from, to, msg) => {
      if (from !== controller || to !== "apiserver" || msg.type !== "ApiRequest" || msg.verb !== "delete" || msg.resource !== "jobs") return;
      // DeleteOptions may come as the request's field or in its body, as a client sends them
      const policy = msg.propagationPolicy ?? msg.body?.propagationPolicy;
      if (policy !== "Foreground") report(`${controller} deleted Job ${msg.namespace ?? ""}/${msg.name} with propagationPolicy ${policy ?? "unset"}, not Foreground: the Job leaves before its pods`);
    });
    return undefined;
  },
);

/** The first keys of ActivePodsWithRanks.Less: unassigned before assigned, Pending before Unknown before Running, not Ready before Ready. */
const deletionKey = (p: any): [number, number, number] => [
  p.spec?.nodeName ? 1 : 0,
  ({ Unknown: 1, Running: 2 } as Record<string, number>)[p.status?.phase ?? ""] ?? 0,
  isPodReady(p) ? 1 : 0,
];
const ranksBefore = (a: [number, number, number], b: [number, number, number]) => a[0] !== b[0] ? a[0] < b[0] : a[1] !== b[1] ? a[1] < b[1] : a[2] < b[2];
const keyText = (k: [number, number, number]) => `${k[0] ? "scheduled" : "unscheduled"}, ${["Pending", "Unknown", "Running"][k[1]]}, ${k[2] ? "Ready" : "not Ready"}`;

/**
 * replicaSetDeletesLowestRankedPods: a ReplicaSet scaling down deletes the diff = active pods -
 * replicas pods that rank first in ActivePodsWithRanks (getPodsToDelete): unscheduled before
 * scheduled, Pending before Unknown before Running, not Ready before Ready (the later keys only
 * break ties). So when it deletes a pod, fewer than diff of the active pods its cache held rank
 * strictly before that pod on those keys. The pods it claims are its own and the orphans its
 * selector matches (adopted in the same sync); counting every such orphan only raises diff.
 */
export const replicaSetDeletesLowestRankedPods = watching(
  "replicaSetDeletesLowestRankedPods",
  "a ReplicaSet scaling down deletes the pods that rank first (unscheduled, then Pending, then not Ready): fewer than its surplus of the active pods its cache held rank before each pod it deletes",
  ({ rt, report }) => {
    for (const [controller, kind] of [["replicaset-controller", "ReplicaSet"], ["replication-controller", "ReplicationController"]] as const) {
      const view = controllerView(rt, controller);
      rt.deliveryHooks.push((from, to, msg) => {
        if (from !== controller || to !== "apiserver" || msg.type !== "ApiRequest" || msg.verb !== "delete" || msg.resource !== "pods") return;
        const inc = rt.incarnation(controller);
        const k = view.rootOf(inc, msg.id);
        const pods = view.allAt("Pod", inc, k);
        const pod = pods.find((p) => sameName(p, msg.namespace, msg.name));
        const ref = pod?.metadata?.ownerReferences?.find((r: any) => r?.controller);
        if (!pod || ref?.kind !== kind || !isPodActive(pod)) return;
        const owner = view.seenAt(ref.uid, inc, k);
        if (!owner || owner.metadata?.deletionTimestamp) return;
        const selector = owner.spec?.selector;
        const labels: Record<string, string> = kind === "ReplicaSet" ? selector?.matchLabels ?? {} : selector ?? {};
        // matchExpressions are not judged here (the workloads use matchLabels)
        if (kind === "ReplicaSet" && (selector?.matchExpressions ?? []).length > 0) return;
        const claimed = pods.filter((p) => {
          if (!isPodActive(p) || (p.metadata?.namespace ?? "") !== (owner.metadata?.namespace ?? "")) return false;
          const c = p.metadata?.ownerReferences?.find((r: any) => r?.controller);
          if (c) return c.uid === owner.metadata.uid;
          return Object.keys(labels).length > 0 && Object.entries(labels).every(([lk, lv]) => p.metadata?.labels?.[lk] === lv);
        });
        const diff = claimed.length - (owner.spec?.replicas ?? 1);
        const key = deletionKey(pod);
        const before = claimed.filter((p) => p !== pod && ranksBefore(deletionKey(p), key));
        if (before.length >= Math.max(1, diff)) {
          report(`${controller} deleted pod ${objName(pod)} (${keyText(key)}) of ${kind} ${objName(owner)} (replicas ${owner.spec?.replicas ?? 1}, ${claimed.length} active in its cache) while ${before.length} pod(s) ranked before it: ${before.slice(0, 4).map((p) => `${p.metadata.name} (${keyText(deletionKey(p))})`).join(", ")}: a scale-down deletes unscheduled, Pending and not-Ready pods first`);
        }
      });
    }
    return undefined;
  },
);

/**
 * statefulSetUpdatesFromHighestOrdinal: a StatefulSet's RollingUpdate replaces its outdated pods
 * in reverse ordinal order (updateStatefulSet walks replicas from the highest ordinal down to the
 * partition, deleting the first outdated pods it meets that are not terminating). So when it deletes
 * a live replica for an update, its cache held no higher-ordinal replica of the same (outdated)
 * revision that was not terminating. A failed or succeeded replica is deleted whatever its ordinal.
 */
export const statefulSetUpdatesFromHighestOrdinal = watching(
  "statefulSetUpdatesFromHighestOrdinal",
  "a StatefulSet rolling update deletes an outdated replica only when its cache holds no higher-ordinal replica of that revision still running",
  ({ rt, report }) => {
    const controller = "statefulset-controller";
    const view = controllerView(rt, controller);
    rt.deliveryHooks.push((from, to, msg) => {
      if (from !== controller || to !== "apiserver" || msg.type !== "ApiRequest" || msg.verb !== "delete" || msg.resource !== "pods") return;
      const inc = rt.incarnation(controller);
      const k = view.rootOf(inc, msg.id);
      const pods = view.allAt("Pod", inc, k);
      const pod = pods.find((p) => sameName(p, msg.namespace, msg.name));
      const setRef = pod?.metadata?.ownerReferences?.find((r: any) => r?.controller && r.kind === "StatefulSet");
      const set = setRef ? view.seenAt(setRef.uid, inc, k) : undefined;
      if (!pod || !set || set.metadata?.deletionTimestamp || isPodTerminal(pod) || pod.metadata?.deletionTimestamp) return;
      if (set.spec?.updateStrategy?.type === "OnDelete") return;
      const ordinalOf = (p: any): number => {
        const m = ordinalPattern.exec(p.metadata?.name ?? "");
        return m && m[1] === set.metadata.name ? Number(m[2]) : -1;
      };
      const start = set.spec?.ordinals?.start ?? 0;
      const end = start + (set.spec?.replicas ?? 1);
      const i = ordinalOf(pod);
      if (i < start || i >= end) return; // a condemned pod: statefulSetScalesDownFromHighestOrdinal's
      const revision = pod.metadata?.labels?.["controller-revision-hash"];
      if (revision === undefined) return;
      const higher = pods.filter((p) => {
        const j = ordinalOf(p);
        return j > i && j < end && !p.metadata?.deletionTimestamp && !isPodTerminal(p) && p.metadata?.labels?.["controller-revision-hash"] === revision && p.metadata?.ownerReferences?.some((r: any) => r?.controller && r.uid === set.metadata.uid);
      });
      if (higher.length > 0) report(`${controller} deleted pod ${objName(pod)} of StatefulSet ${objName(set)} (revision ${revision}) while its cache held ${higher.map((p) => p.metadata.name).join(", ")} of the same revision, not terminating: a rolling update replaces the highest ordinal first`);
    });
    return undefined;
  },
);

/**
 * statefulSetUpdateRespectsPartition: a StatefulSet's RollingUpdate with a partition replaces only
 * the replicas whose ordinal is at least start + partition (updateStatefulSet walks the replicas
 * down to the partition and no further; a replica below it keeps the current revision, staged
 * rollouts and canaries rely on it). So when the controller deletes a live replica below the
 * partition its cache showed, the replica is not outdated (a failed or succeeded one is
 * recreated whatever its ordinal, and is not judged).
 */
export const statefulSetUpdateRespectsPartition = watching(
  "statefulSetUpdateRespectsPartition",
  "a StatefulSet rolling update never deletes a live replica below its partition for being outdated",
  ({ rt, report }) => {
    const controller = "statefulset-controller";
    const view = controllerView(rt, controller);
    rt.deliveryHooks.push((from, to, msg) => {
      if (from !== controller || to !== "apiserver" || msg.type !== "ApiRequest" || msg.verb !== "delete" || msg.resource !== "pods") return;
      const inc = rt.incarnation(controller);
      const k = view.rootOf(inc, msg.id);
      const pod = view.allAt("Pod", inc, k).find((p) => sameName(p, msg.namespace, msg.name));
      const setRef = pod?.metadata?.ownerReferences?.find((r: any) => r?.controller && r.kind === "StatefulSet");
      const set = setRef ? view.seenAt(setRef.uid, inc, k) : undefined;
      if (!pod || !set || set.metadata?.deletionTimestamp || isPodTerminal(pod) || pod.metadata?.deletionTimestamp) return;
      const strategy = set.spec?.updateStrategy;
      if (strategy?.type === "OnDelete") return;
      const partition = strategy?.rollingUpdate?.partition ?? 0;
      const m = ordinalPattern.exec(pod.metadata?.name ?? "");
      if (!m || m[1] !== set.metadata.name) return;
      const start = set.spec?.ordinals?.start ?? 0;
      const i = Number(m[2]);
      if (i < start || i >= start + (set.spec?.replicas ?? 1) || i >= start + partition) return;
      report(`${controller} deleted pod ${objName(pod)} of StatefulSet ${objName(set)}, ordinal ${i} below its partition ${partition}: a rolling update replaces only ordinals from start + partition up`);
    });
    return undefined;
  },
);
