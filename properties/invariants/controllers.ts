// Rules judged on what a controller knew when it acted: each request it sends is held against its
// informer cache as of then (observe.ts controllerView), so a stale cache never makes a false
// report, and a controller that miscounts what it has is caught at the request it sends.

import { isPodTerminal } from "./k8s.js";
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
