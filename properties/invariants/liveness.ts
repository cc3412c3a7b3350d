// Liveness under fair scheduling: with faults off, and a chooser that serves every ready channel
// with probability 1 (the seeded uniform chooser), the cluster converges within a budget of
// simulated time. "Converged" is where every object should be: pods placed and past Pending
// (or unschedulable with a FailedScheduling event saying why, or held by an init container that is
// running), nothing terminating, no pod left on a node whose NoExecute taint it tolerates only for
// a while (taint eviction has yet to delete it), every ReplicaSet at its replicas with its
// readyReplicas reported, every Job that is not suspended finished (Complete or Failed) unless
// its pods cannot be scheduled.

import { isPodReady, isPodTerminal, toleratedSeconds } from "./k8s.js";

/** What the check reads: objects as stored, listable per namespace. A Cluster satisfies it. */
export interface ConvergenceView {
  list(kind: string, opts?: { namespace?: string }): any[];
}

/** The name the liveness phase fails by. */
export const livenessInvariant = "livenessUnderFairness";

/** Why the cluster has not converged yet, or undefined when it has. */
export function notConverged(cluster: ConvergenceView): string | undefined {
  const events = cluster.list("Event");
  const noExecute = new Map<string, any[]>();
  for (const n of cluster.list("Node")) {
    const ts = (n.spec?.taints ?? []).filter((t: any) => t?.effect === "NoExecute");
    if (ts.length > 0) noExecute.set(n.metadata.name, ts);
  }
  for (const p of cluster.list("Pod")) {
    const name = `${p.metadata.namespace}/${p.metadata.name}`;
    if (p.metadata.deletionTimestamp) return `pod ${name} is still terminating`;
    // Taint eviction has yet to delete a pod that tolerates its node's NoExecute taint only for a while.
    const evictable = isPodTerminal(p) ? undefined : (noExecute.get(p.spec?.nodeName) ?? []).find((t) => toleratedSeconds(p, t) !== Infinity);
    if (evictable) return `pod ${name} is on node ${p.spec.nodeName}, whose NoExecute taint ${evictable.key} it tolerates for ${toleratedSeconds(p, evictable)} s, and is not evicted yet`;
    const phase = p.status?.phase ?? "Pending";
    if (phase !== "Pending") continue;
    const unschedulable = !p.spec?.nodeName && events.some((e: any) => e.reason === "FailedScheduling" && e.involvedObject?.uid === p.metadata.uid);
    if (unschedulable || waitsOnItsOwnInitContainer(p) || mountsClaimBeingDeleted(cluster, p)) continue;
    return `pod ${name} is Pending${p.spec?.nodeName ? ` on ${p.spec.nodeName}` : " without a FailedScheduling event"}`;
  }
  for (const job of cluster.list("Job")) {
    if (job.spec?.suspend === true || jobFinished(job)) continue;
    const pods = cluster.list("Pod", { namespace: job.metadata.namespace }).filter((p: any) => p.metadata.ownerReferences?.some((o: any) => o.uid === job.metadata.uid));
    const unschedulable = pods.some((p: any) => !p.spec?.nodeName && events.some((e: any) => e.reason === "FailedScheduling" && e.involvedObject?.uid === p.metadata.uid));
    if (!unschedulable) return `Job ${job.metadata.namespace}/${job.metadata.name} has not finished (${job.status?.succeeded ?? 0} succeeded, ${job.status?.active ?? 0} active)`;
  }
  for (const rs of cluster.list("ReplicaSet")) {
    const want = rs.spec?.replicas ?? 1;
    const pods = cluster.list("Pod", { namespace: rs.metadata.namespace }).filter((p: any) => p.metadata.ownerReferences?.some((o: any) => o.uid === rs.metadata.uid));
    if (pods.some((p: any) => !p.spec?.nodeName)) continue; // the nodes cannot hold them: FailedScheduling says why
    if (pods.length !== want) return `ReplicaSet ${rs.metadata.name} has ${pods.length} pods, wants ${want}`;
    const ready = rs.status?.readyReplicas ?? 0;
    const readyPods = pods.filter((p: any) => p.status?.conditions?.some((c: any) => c.type === "Ready" && c.status === "True")).length;
    if (readyPods === want && ready !== want) return `ReplicaSet ${rs.metadata.name} reports ${ready} ready replicas, ${readyPods} pods are ready`;
  }
  return statusNotConverged(cluster);
}

/**
 * Once nothing moves, every workload controller has observed its object's generation (each sync
 * writes status.observedGeneration; kubectl rollout status waits for it) and its status counts
 * what is there: a StatefulSet's replicas and readyReplicas its pods, a DaemonSet's numberReady
 * its Ready pods (but for misscheduled ones), a Deployment's replicas and readyReplicas the sums over its ReplicaSets.
 */
function statusNotConverged(cluster: ConvergenceView): string | undefined {
  for (const kind of ["Deployment", "ReplicaSet", "StatefulSet", "DaemonSet"]) {
    for (const o of cluster.list(kind)) {
      if (o.metadata?.deletionTimestamp) continue;
      const name = `${kind} ${o.metadata.namespace}/${o.metadata.name}`;
      if ((o.status?.observedGeneration ?? 0) < (o.metadata?.generation ?? 0)) return `${name} has observedGeneration ${o.status?.observedGeneration ?? 0}, its generation is ${o.metadata.generation}`;
      const owned = (k: string) => cluster.list(k, { namespace: o.metadata.namespace }).filter((x: any) => x.metadata.ownerReferences?.some((r: any) => r.uid === o.metadata.uid && r.controller));
      const differs = (field: string, have: number | undefined, want: number) => ((have ?? 0) !== want ? `${name} reports ${field} ${have ?? 0}, there are ${want}` : undefined);
      let why: string | undefined;
      if (kind === "StatefulSet") {
        const pods = owned("Pod");
        why = differs("replicas", o.status?.replicas, pods.length) ?? differs("readyReplicas", o.status?.readyReplicas, pods.filter(isPodReady).length);
      } else if (kind === "DaemonSet") {
        // numberReady counts the Ready pods on nodes that should run one: a pod left on a node a
        // NoSchedule taint now keeps it from is misscheduled, and may be Ready without counting
        const readyPods = owned("Pod").filter(isPodReady).length;
        const have = o.status?.numberReady ?? 0;
        const mis = o.status?.numberMisscheduled ?? 0;
        if (have > readyPods || have < readyPods - mis) why = `${name} reports numberReady ${have}, there are ${readyPods} Ready pods (${mis} misscheduled)`;
      } else if (kind === "Deployment") {
        const rss = owned("ReplicaSet");
        const sum = (f: string) => rss.reduce((n: number, rs: any) => n + (rs.status?.[f] ?? 0), 0);
        why = differs("replicas", o.status?.replicas, sum("replicas")) ?? differs("readyReplicas", o.status?.readyReplicas, sum("readyReplicas"));
      }
      if (why) return why;
    }
  }
  return quotaNotConverged(cluster) ?? sliceReadinessNotConverged(cluster) ?? budgetNotConverged(cluster);
}

/**
 * Once nothing moves, a PodDisruptionBudget's status counts the pods its selector matches in its
 * namespace (disruption.go trySync): currentHealthy the Ready ones not being deleted and not marked
 * disrupted (countHealthyPods), and with an integer minAvailable expectedPods all of them
 * (getExpectedPodCount: len(pods)). The controller syncs every budget a pod's old or new labels
 * match whenever a pod changes (updatePod), so a stale count is a missed sync. Budgets with
 * matchExpressions are not judged.
 */
function budgetNotConverged(cluster: ConvergenceView): string | undefined {
  for (const pdb of cluster.list("PodDisruptionBudget")) {
    const sel = pdb.spec?.selector;
    if (pdb.metadata?.deletionTimestamp || !sel?.matchLabels || (sel.matchExpressions ?? []).length > 0) continue;
    const name = `PodDisruptionBudget ${pdb.metadata.namespace}/${pdb.metadata.name}`;
    const st = pdb.status ?? {};
    if ((st.observedGeneration ?? 0) < (pdb.metadata?.generation ?? 0)) return `${name} has observedGeneration ${st.observedGeneration ?? 0}, its generation is ${pdb.metadata.generation}`;
    const want = Object.entries(sel.matchLabels as Record<string, string>);
    const pods = cluster.list("Pod", { namespace: pdb.metadata.namespace }).filter((p: any) => want.every(([k, v]) => p.metadata?.labels?.[k] === v));
    const marked = st.disruptedPods ?? {};
    const healthy = pods.filter((p: any) => !p.metadata?.deletionTimestamp && !Object.hasOwn(marked, p.metadata.name) && isPodReady(p)).length;
    if ((st.currentHealthy ?? 0) !== healthy) return `${name} reports currentHealthy ${st.currentHealthy ?? 0}, ${healthy} of the ${pods.length} pods it selects are Ready`;
    if (typeof pdb.spec?.minAvailable === "number" && (st.expectedPods ?? 0) !== pods.length) return `${name} reports expectedPods ${st.expectedPods ?? 0}, it selects ${pods.length} pods`;
  }
  return undefined;
}

/**
 * Once nothing moves, every endpoint of a slice the EndpointSlice controller manages carries its
 * pod's readiness: ready when the Service publishes not-ready addresses or the pod is Ready and not
 * terminating (podToEndpoint). The controller queues a Service whenever a pod it selects changes
 * readiness (podEndpointsChanged), so a stale condition is a missed sync.
 */
function sliceReadinessNotConverged(cluster: ConvergenceView): string | undefined {
  for (const slice of cluster.list("EndpointSlice")) {
    const labels = slice.metadata?.labels ?? {};
    if (labels["endpointslice.kubernetes.io/managed-by"] !== "endpointslice-controller.k8s.io" || !labels["kubernetes.io/service-name"]) continue;
    const ns = slice.metadata.namespace;
    const svc = cluster.list("Service", { namespace: ns }).find((x: any) => x.metadata?.name === labels["kubernetes.io/service-name"]);
    if (!svc) continue;
    for (const e of slice.endpoints ?? []) {
      if (e?.targetRef?.kind !== "Pod") continue;
      const pod = cluster.list("Pod", { namespace: ns }).find((p: any) => p.metadata?.uid === e.targetRef.uid);
      if (!pod) continue;
      const ready = svc.spec?.publishNotReadyAddresses === true || (isPodReady(pod) && !pod.metadata?.deletionTimestamp);
      if ((e.conditions?.ready ?? true) !== ready) return `EndpointSlice ${ns}/${slice.metadata.name} lists pod ${pod.metadata.name} as ${ready ? "not ready" : "ready"}, but the pod is ${isPodReady(pod) ? "Ready" : "not Ready"}`;
    }
  }
  return undefined;
}

/**
 * Once nothing moves, a ResourceQuota's status.used counts what its namespace holds (the resource
 * quota controller's syncResourceQuota recalculates it; replenishment resyncs a quota when a pod
 * turns terminal or goes). For pods, the pod evaluator counts every pod but terminal ones
 * (QuotaV1Pod: Succeeded and Failed pods use no quota). Quotas with scopes are not judged.
 */
function quotaNotConverged(cluster: ConvergenceView): string | undefined {
  for (const q of cluster.list("ResourceQuota")) {
    if (q.metadata?.deletionTimestamp || (q.spec?.scopes ?? []).length > 0 || q.spec?.scopeSelector) continue;
    const hard = q.spec?.hard ?? {};
    const used = q.status?.used ?? {};
    const pods = cluster.list("Pod", { namespace: q.metadata.namespace }).filter((p: any) => !isPodTerminal(p)).length;
    for (const key of ["pods", "count/pods"]) {
      if (!Object.hasOwn(hard, key)) continue;
      if (Number(used[key] ?? "0") !== pods) return `ResourceQuota ${q.metadata.namespace}/${q.metadata.name} reports ${key} used ${used[key] ?? "0"}, its namespace has ${pods} pods that are not Succeeded or Failed`;
    }
  }
  return undefined;
}

/** A Job is finished once its Complete or Failed condition is True (the job controller's IsJobFinished). */
function jobFinished(job: any): boolean {
  return (job.status?.conditions ?? []).some((c: any) => (c?.type === "Complete" || c?.type === "Failed") && c.status === "True");
}

/**
 * A pod Pending on its node with an init container running is held by its own workload (an init
 * container that waits for a Service, say): the kubelet has done all it must, as on a real node.
 */
function waitsOnItsOwnInitContainer(p: any): boolean {
  return !!p.spec?.nodeName && (p.status?.initContainerStatuses ?? []).some((s: any) => s.state?.running !== undefined);
}

/**
 * A pod on its node that names a claim being deleted never starts: the kubelet's volume manager
 * refuses to mount it ("can't start pod because PVC ... is being deleted"), and pvc-protection keeps
 * the claim while the scheduled pod names it. Kubernetes leaves both so; it is not the cluster's to
 * converge (a claim deleted while its pod was being scheduled).
 */
function mountsClaimBeingDeleted(cluster: ConvergenceView, p: any): boolean {
  if (!p.spec?.nodeName) return false;
  const names = new Set((p.spec?.volumes ?? []).map((v: any) => v?.persistentVolumeClaim?.claimName).filter((n: unknown) => typeof n === "string"));
  if (names.size === 0) return false;
  return cluster.list("PersistentVolumeClaim", { namespace: p.metadata.namespace }).some((c: any) => names.has(c.metadata?.name) && c.metadata?.deletionTimestamp);
}

/** The liveness failure's message: the budget and what had not happened by its end. */
export function notConvergedMessage(budgetMs: number, why: string): string {
  return `not converged within ${budgetMs} ms of simulated time under fair scheduling: ${why}`;
}
