// Invariants on what a status says, judged on each stored version of an object: a status is written
// whole by one controller (or the kubelet) from one view, so its fields and conditions must agree
// with each other in every version, whatever the view lagged. Each rule is Kubernetes' own: the
// API server's status validation for Jobs, the kubelet's condition generators for pods, and the
// status calculations of the workload controllers (docs/semantics.md, "Status agrees with itself").

import type { Runtime } from "../../runtime/runtime.js";
import type { InvariantSpec } from "./index.js";
import type { Violation, World } from "./core.js";
import { scaledValue } from "./k8s.js";

const nameOf = (o: any) => `${o?.metadata?.namespace}/${o?.metadata?.name}`;
const cond = (o: any, type: string) => (o?.status?.conditions ?? []).find((c: any) => c?.type === type);
const isTrue = (o: any, type: string) => cond(o, type)?.status === "True";
const timeOf = (t: unknown) => (typeof t === "string" ? Date.parse(t) : NaN);

/**
 * An invariant judged once on each stored version of the objects of some kinds, at the step it is
 * first seen (stored objects are frozen and replaced on every change); `prev` is the version of the
 * same object (by uid) judged before it, if any.
 */
function perVersion(name: string, description: string, kinds: readonly string[], judge: (obj: any, prev: any, now: number) => string[]): InvariantSpec {
  return {
    name,
    description,
    create(rt: Runtime) {
      const seen = new WeakSet<object>();
      const last = new Map<string, any>();
      return {
        step(w: World): Violation[] {
          const out: Violation[] = [];
          for (const kind of kinds) {
            for (const o of w.list(kind)) {
              if (seen.has(o)) continue;
              seen.add(o);
              const uid = o?.metadata?.uid;
              for (const message of judge(o, last.get(uid), rt.now)) out.push({ invariant: name, message });
              if (uid) last.set(uid, o);
            }
          }
          return out;
        },
      };
    },
  };
}

/** A regular init container (not a sidecar: restartPolicy Always) has run to completion by its status: ready, which the kubelet sets for one that exited 0. */
function initContainerDone(p: any, c: any): boolean {
  if (c?.restartPolicy === "Always") return true;
  const s = (p.status?.initContainerStatuses ?? []).find((x: any) => x?.name === c?.name);
  return s?.ready === true;
}

/**
 * podConditionsMatchContainerStatuses: the kubelet writes a pod's conditions from the container
 * statuses of the same status (status.go GeneratePodReadyCondition, GenerateContainersReadyCondition,
 * GeneratePodInitializedCondition; the prober's UpdatePodStatus), so in every stored version:
 * a regular container reads ready only while it is running (a container that is not running is
 * never ready); ContainersReady is True only when every regular container and every sidecar (an
 * init container with restartPolicy Always) is ready; Ready is True
 * only with ContainersReady True and never for a pod that has finished (PodCompleted / PodFailed);
 * Initialized is True only when every regular init container has completed (ready), unless a
 * regular container has started already (restarted sidecars never un-initialize a pod) or the pod
 * Succeeded.
 */
export const podConditionsMatchContainerStatuses = perVersion(
  "podConditionsMatchContainerStatuses",
  "a pod's Ready, ContainersReady and Initialized conditions agree with its container statuses in the same version: ready containers run, Ready needs every container and sidecar ready, Initialized every init container done",
  ["Pod"],
  (p) => {
    const out: string[] = [];
    const statuses: any[] = p.status?.containerStatuses ?? [];
    for (const s of statuses) {
      if (s?.ready === true && s.state?.running === undefined) out.push(`container ${s.name} of pod ${nameOf(p)} reads ready while it is not running (${Object.keys(s.state ?? {})[0] ?? "no state"})`);
    }
    // sidecars (init containers with restartPolicy Always) count too, from the init container statuses
    const initStatuses: any[] = p.status?.initContainerStatuses ?? [];
    const sidecarsReady = (p.spec?.initContainers ?? []).filter((c: any) => c?.restartPolicy === "Always").every((c: any) => initStatuses.some((s) => s?.name === c?.name && s.ready === true));
    const allReady = sidecarsReady && (p.spec?.containers ?? []).every((c: any) => statuses.some((s) => s?.name === c?.name && s.ready === true));
    if (isTrue(p, "ContainersReady") && !allReady) out.push(`pod ${nameOf(p)} has ContainersReady True while not every container${sidecarsReady ? "" : " (a sidecar)"} is ready`);
    if (isTrue(p, "Ready") && !allReady) out.push(`pod ${nameOf(p)} is Ready while not every container${sidecarsReady ? "" : " (a sidecar)"} is ready`);
    const phase = p.status?.phase;
    if (isTrue(p, "Ready") && (phase === "Succeeded" || phase === "Failed")) out.push(`pod ${nameOf(p)} is Ready in phase ${phase}`);
    if (isTrue(p, "Initialized") && phase !== "Succeeded") {
      const started = statuses.some((s) => s?.state?.running !== undefined || s?.state?.terminated !== undefined || s?.lastState?.terminated !== undefined);
      const pending = (p.spec?.initContainers ?? []).filter((c: any) => !initContainerDone(p, c)).map((c: any) => c.name);
      if (!started && pending.length > 0) out.push(`pod ${nameOf(p)} is Initialized while its init container ${pending.join(", ")} has not completed and no container has started`);
    }
    return out;
  },
);

/**
 * podStartTimeSetOnce: status.startTime is the time the kubelet first acknowledged the pod, set once
 * (generateAPIPodStatus keeps the old status's StartTime; the status manager never moves it), and a
 * container's state.running.startedAt is the start of that container (its containerID): neither
 * moves in a later version.
 */
export const podStartTimeSetOnce = perVersion(
  "podStartTimeSetOnce",
  "a pod's status.startTime, once stored, never changes, nor does a running container's startedAt for the same containerID",
  ["Pod"],
  (p, prev) => {
    if (!prev) return [];
    const out: string[] = [];
    const was = prev.status?.startTime;
    if (was !== undefined && p.status?.startTime !== was) out.push(`pod ${nameOf(p)}: status.startTime moved from ${was} to ${p.status?.startTime}`);
    const before = new Map<string, string>();
    for (const s of [...(prev.status?.containerStatuses ?? []), ...(prev.status?.initContainerStatuses ?? [])]) {
      if (s?.containerID && s.state?.running?.startedAt) before.set(s.containerID, s.state.running.startedAt);
    }
    for (const s of [...(p.status?.containerStatuses ?? []), ...(p.status?.initContainerStatuses ?? [])]) {
      const b = s?.containerID ? before.get(s.containerID) : undefined;
      const now = s?.state?.running?.startedAt;
      if (b !== undefined && now !== undefined && now !== b) out.push(`container ${s.name} (${s.containerID}) of pod ${nameOf(p)}: running.startedAt moved from ${b} to ${now}`);
    }
    return out;
  },
);

/**
 * nodeConditionTransitionTimeKept: a condition's lastTransitionTime is the last time its status
 * changed (NodeCondition's API docs), so a Node condition whose status is the same in the next stored
 * version keeps it. Both writers of a Node's conditions write from the version they read, under its
 * resourceVersion: the kubelet's setters copy the old time while the status holds
 * (nodestatus/setters.go), and the node lifecycle controller moves it only for a condition it turns
 * Unknown (tryUpdateNodeHealth). Pod conditions are left out: the kubelet patches them against its
 * own cache, and a write racing the node lifecycle controller's may restamp one.
 */
export const nodeConditionTransitionTimeKept = perVersion(
  "nodeConditionTransitionTimeKept",
  "a Node condition whose status did not change since the previous stored version keeps its lastTransitionTime",
  ["Node"],
  (n, prev) => {
    if (!prev) return [];
    const out: string[] = [];
    for (const c of n.status?.conditions ?? []) {
      const was = (prev.status?.conditions ?? []).find((p: any) => p?.type === c?.type);
      if (!was || was.status !== c?.status || !was.lastTransitionTime) continue;
      if (c.lastTransitionTime !== was.lastTransitionTime) out.push(`node ${n.metadata?.name}: condition ${c.type} stayed ${c.status} but its lastTransitionTime moved from ${was.lastTransitionTime} to ${c.lastTransitionTime}`);
    }
    return out;
  },
);

/**
 * jobFinishedStatusConsistent: the API server's Job status validation (validateJobStatus, the
 * rules kube-apiserver applies to updates from the job controller since 1.31): Complete and Failed
 * are never both True; completionTime is set exactly when Complete is True, and not before
 * startTime; Complete needs SuccessCriteriaMet and Failed needs FailureTarget (the controller
 * first decides the outcome, then waits for its pods); a finished Job has no active, terminating or
 * uncounted pods, and a startTime; ready never exceeds active.
 */
export const jobFinishedStatusConsistent = perVersion(
  "jobFinishedStatusConsistent",
  "a Job's terminal conditions agree with its status: completionTime exactly with Complete, Complete after SuccessCriteriaMet and Failed after FailureTarget, no active, terminating or uncounted pods once finished, ready at most active",
  ["Job"],
  (j) => {
    const out: string[] = [];
    const s = j.status ?? {};
    const complete = isTrue(j, "Complete");
    const failed = isTrue(j, "Failed");
    const name = `Job ${nameOf(j)}`;
    if (complete && failed) out.push(`${name} is both Complete and Failed`);
    if (complete && !s.completionTime) out.push(`${name} is Complete without a completionTime`);
    if (!complete && s.completionTime) out.push(`${name} has completionTime ${s.completionTime} without Complete=True`);
    if (s.completionTime && s.startTime && timeOf(s.completionTime) < timeOf(s.startTime)) out.push(`${name} completed (${s.completionTime}) before it started (${s.startTime})`);
    if (complete && !isTrue(j, "SuccessCriteriaMet")) out.push(`${name} is Complete without SuccessCriteriaMet=True`);
    if (failed && !isTrue(j, "FailureTarget")) out.push(`${name} is Failed without FailureTarget=True`);
    if (complete || failed) {
      const uncounted = (s.uncountedTerminatedPods?.succeeded?.length ?? 0) + (s.uncountedTerminatedPods?.failed?.length ?? 0);
      if ((s.active ?? 0) > 0) out.push(`${name} is ${complete ? "Complete" : "Failed"} with ${s.active} active pods`);
      if ((s.terminating ?? 0) > 0) out.push(`${name} is ${complete ? "Complete" : "Failed"} with ${s.terminating} terminating pods`);
      if (uncounted > 0) out.push(`${name} is ${complete ? "Complete" : "Failed"} with ${uncounted} uncounted terminated pods`);
      if (!s.startTime) out.push(`${name} finished without a startTime`);
    }
    if ((s.ready ?? 0) > (s.active ?? 0)) out.push(`${name} reports ${s.ready} ready pods but ${s.active ?? 0} active`);
    return out;
  },
);

/**
 * budgetDesiredHealthyFollowsSpec: the disruption controller computes a PodDisruptionBudget's
 * desiredHealthy from its spec and expectedPods in one calculation (getExpectedPodCount): an
 * integer minAvailable as is; a percentage minAvailable of expectedPods rounded up; maxUnavailable
 * (an integer, or a percentage of expectedPods rounded up) taken from expectedPods, never below 0.
 * Judged on every status of the budget's current generation that a sync wrote (not a failSafe one,
 * whose DisruptionAllowed condition says SyncFailed and keeps the counts it had).
 */
export const budgetDesiredHealthyFollowsSpec = perVersion(
  "budgetDesiredHealthyFollowsSpec",
  "a PodDisruptionBudget's desiredHealthy is its minAvailable (a percentage of expectedPods rounded up), or expectedPods less its maxUnavailable (a percentage rounded up), in every status of its current generation",
  ["PodDisruptionBudget"],
  (b) => {
    const s = b.status;
    if (!s || s.observedGeneration === undefined || s.observedGeneration !== b.metadata?.generation) return [];
    if (cond(b, "DisruptionAllowed")?.reason === "SyncFailed") return [];
    const expected = s.expectedPods ?? 0;
    const { minAvailable, maxUnavailable } = b.spec ?? {};
    let want: number;
    if (maxUnavailable !== undefined && maxUnavailable !== null) want = Math.max(0, expected - scaledValue(maxUnavailable, expected, true));
    else if (minAvailable !== undefined && minAvailable !== null) want = scaledValue(minAvailable, expected, true);
    else want = 0;
    if (Number.isNaN(want) || (s.desiredHealthy ?? 0) === want) return [];
    return [`PodDisruptionBudget ${nameOf(b)} wants ${s.desiredHealthy ?? 0} healthy pods of ${expected} expected, its spec (minAvailable ${JSON.stringify(minAvailable)}, maxUnavailable ${JSON.stringify(maxUnavailable)}) says ${want}`];
  },
);

/**
 * evictionTakesOneAllowedDisruption: the eviction subresource grants an eviction only on a budget
 * status of the budget's current generation that allows a disruption, and takes exactly one
 * (checkAndDecrement: refused while observedGeneration is behind generation, or with
 * disruptionsAllowed 0; else disruptionsAllowed - 1 and the pod recorded in disruptedPods). Only an
 * eviction adds a pod to disruptedPods (the controller only drops entries, and its writes carry a
 * resourceVersion), so a version that adds one is judged against the version before it.
 */
export const evictionTakesOneAllowedDisruption = perVersion(
  "evictionTakesOneAllowedDisruption",
  "an eviction is granted only on a PodDisruptionBudget status of its current generation allowing a disruption, and takes exactly one (a pod newly in disruptedPods)",
  ["PodDisruptionBudget"],
  (b, prev) => {
    if (!prev || prev.metadata?.uid !== b.metadata?.uid) return [];
    const before = prev.status?.disruptedPods ?? {};
    const added = Object.keys(b.status?.disruptedPods ?? {}).filter((k) => !Object.hasOwn(before, k));
    if (added.length === 0) return [];
    const out: string[] = [];
    const name = `PodDisruptionBudget ${nameOf(b)}`;
    const was = prev.status ?? {};
    if ((was.observedGeneration ?? 0) < (prev.metadata?.generation ?? 0)) out.push(`${name} granted the eviction of ${added.join(", ")} on a status of generation ${was.observedGeneration ?? 0}, the budget is at generation ${prev.metadata?.generation}`);
    if ((was.disruptionsAllowed ?? 0) <= 0) out.push(`${name} granted the eviction of ${added.join(", ")} with ${was.disruptionsAllowed ?? 0} disruptions allowed`);
    if (added.length > 1 || (b.status?.disruptionsAllowed ?? 0) !== (was.disruptionsAllowed ?? 0) - 1) out.push(`${name} took ${added.length} evictions from ${was.disruptionsAllowed ?? 0} allowed disruptions, leaving ${b.status?.disruptionsAllowed ?? 0}`);
    return out;
  },
);

/** deploymentutil.MaxUnavailable: 0 for Recreate or no replicas, else the resolved maxUnavailable, at most the replicas. */
function deploymentMaxUnavailable(d: any): number {
  const replicas = d?.spec?.replicas ?? 1;
  if (d?.spec?.strategy?.type === "Recreate" || replicas === 0) return 0;
  const ru = d?.spec?.strategy?.rollingUpdate ?? {};
  const surge = scaledValue(ru.maxSurge ?? "25%", replicas, true);
  let unavailable = scaledValue(ru.maxUnavailable ?? "25%", replicas, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return Math.min(unavailable, replicas);
}

/**
 * workloadStatusConsistent: the counts and conditions a workload controller writes in one status
 * agree with each other (each is one calculation over one list of pods or ReplicaSets):
 *   - ReplicaSet (calculateStatus): availableReplicas <= readyReplicas <= replicas, fullyLabeledReplicas <= replicas;
 *   - Deployment (calculateStatus, sums over its ReplicaSets): availableReplicas <= readyReplicas <= replicas,
 *     updatedReplicas <= replicas; when the status is of the current generation, Available is True exactly
 *     when availableReplicas >= spec.replicas - MaxUnavailable, and Progressing turns to
 *     NewReplicaSetAvailable only in a status where DeploymentComplete holds (updated, total and
 *     available replicas all spec.replicas);
 *   - StatefulSet (computeReplicaStatus): availableReplicas <= readyReplicas <= replicas, currentReplicas and
 *     updatedReplicas <= replicas; the update revision becomes currentRevision (completeRollingUpdate)
 *     only in a status with every replica updated and ready;
 *   - DaemonSet (updateDaemonSetStatus): numberAvailable <= numberReady <= currentNumberScheduled <=
 *     desiredNumberScheduled, updatedNumberScheduled <= currentNumberScheduled, numberUnavailable =
 *     desiredNumberScheduled - numberAvailable;
 *   - every one: status.observedGeneration never exceeds metadata.generation.
 */
export const workloadStatusConsistent = perVersion(
  "workloadStatusConsistent",
  "a workload controller's status agrees with itself: available <= ready <= replicas, Deployment Available and NewReplicaSetAvailable and a StatefulSet's currentRevision only when its counts say so, observedGeneration <= generation",
  ["ReplicaSet", "Deployment", "StatefulSet", "DaemonSet"],
  (o, prev) => {
    const out: string[] = [];
    const s = o.status ?? {};
    const name = `${o.kind} ${nameOf(o)}`;
    const le = (a: string, b: string) => {
      if ((s[a] ?? 0) > (s[b] ?? 0)) out.push(`${name} reports ${a} ${s[a]} above ${b} ${s[b] ?? 0}`);
    };
    if ((s.observedGeneration ?? 0) > (o.metadata?.generation ?? 0)) out.push(`${name} reports observedGeneration ${s.observedGeneration} above its generation ${o.metadata?.generation}`);
    if (o.kind === "ReplicaSet") {
      le("availableReplicas", "readyReplicas");
      le("readyReplicas", "replicas");
      le("fullyLabeledReplicas", "replicas");
    } else if (o.kind === "Deployment") {
      le("availableReplicas", "readyReplicas");
      le("readyReplicas", "replicas");
      le("updatedReplicas", "replicas");
      if (prev && prev.metadata?.uid === o.metadata?.uid && sameStatus(prev, o)) return out;
      if (s.observedGeneration !== undefined && s.observedGeneration === o.metadata?.generation) {
        const want = (o.spec?.replicas ?? 1) - deploymentMaxUnavailable(o);
        const available = s.availableReplicas ?? 0;
        const ac = cond(o, "Available");
        if (ac?.status === "True" && available < want) out.push(`${name} is Available with ${available} available replicas, fewer than replicas - maxUnavailable = ${want}`);
        if (ac?.status === "False" && available >= want) out.push(`${name} is not Available (${ac.reason}) with ${available} available replicas, at least replicas - maxUnavailable = ${want}`);
        const pc = cond(o, "Progressing");
        const r = o.spec?.replicas ?? 1;
        if (pc?.reason === "NewReplicaSetAvailable" && cond(prev, "Progressing")?.reason !== "NewReplicaSetAvailable") {
          if ((s.updatedReplicas ?? 0) !== r || (s.replicas ?? 0) !== r || available !== r) out.push(`${name}: Progressing turned NewReplicaSetAvailable with ${s.updatedReplicas ?? 0} updated, ${s.replicas ?? 0} total and ${available} available replicas of ${r}`);
        }
      }
    } else if (o.kind === "StatefulSet") {
      le("availableReplicas", "readyReplicas");
      le("readyReplicas", "replicas");
      le("currentReplicas", "replicas");
      le("updatedReplicas", "replicas");
      const was = prev?.status?.currentRevision;
      if (o.spec?.updateStrategy?.type !== "OnDelete" && was && s.currentRevision !== was && s.currentRevision === s.updateRevision) {
        const r = s.replicas ?? 0;
        if ((s.updatedReplicas ?? 0) !== r || (s.readyReplicas ?? 0) !== r) out.push(`${name}: revision ${s.updateRevision} became current with ${s.updatedReplicas ?? 0} updated and ${s.readyReplicas ?? 0} ready of ${r} replicas`);
      }
    } else {
      le("numberAvailable", "numberReady");
      le("numberReady", "currentNumberScheduled");
      le("currentNumberScheduled", "desiredNumberScheduled");
      le("updatedNumberScheduled", "currentNumberScheduled");
      if (s.desiredNumberScheduled !== undefined && (s.numberUnavailable ?? 0) !== s.desiredNumberScheduled - (s.numberAvailable ?? 0)) out.push(`${name} reports numberUnavailable ${s.numberUnavailable ?? 0}, not desiredNumberScheduled ${s.desiredNumberScheduled} - numberAvailable ${s.numberAvailable ?? 0}`);
    }
    return out;
  },
);

function sameStatus(a: any, b: any): boolean {
  return JSON.stringify(a?.status ?? {}) === JSON.stringify(b?.status ?? {}) && a?.metadata?.generation === b?.metadata?.generation && JSON.stringify(a?.spec ?? {}) === JSON.stringify(b?.spec ?? {});
}

/** What workloadCountsOnlyReadyPods remembers of a pod across its versions. */
interface PodMemo {
  namespace: string;
  everReady: boolean;
  controllers: Set<string>;
  orphanLabels: Array<Record<string, string>>;
}

/**
 * workloadCountsOnlyReadyPods: the ready counts of StatefulSets (readyReplicas, availableReplicas),
 * DaemonSets (numberReady, numberAvailable) and Jobs (ready) count pods by their Ready condition
 * (podutil.IsPodReady; a Running pod whose readiness probe has not passed is not ready), read from
 * the controller's cache, which lags the store: so a count never exceeds the pods the object
 * controlled, or could adopt (an orphan whose labels match its selector), that some stored version
 * showed Ready. replicaSetCountsOnlyReadyPods is the ReplicaSet's rule.
 */
export const workloadCountsOnlyReadyPods: InvariantSpec = {
  name: "workloadCountsOnlyReadyPods",
  description: "a StatefulSet's, DaemonSet's or Job's ready counts never exceed the pods it controlled (or could adopt) that were ever Ready",
  create() {
    const pods = new Map<string, PodMemo>();
    const seen = new WeakSet<object>();
    return {
      step(w: World): Violation[] {
        for (const p of w.list("Pod")) {
          if (seen.has(p)) continue;
          seen.add(p);
          let m = pods.get(p.metadata.uid);
          if (!m) pods.set(p.metadata.uid, (m = { namespace: p.metadata.namespace, everReady: false, controllers: new Set(), orphanLabels: [] }));
          if (isTrue(p, "Ready")) m.everReady = true;
          const ref = (p.metadata?.ownerReferences ?? []).find((r: any) => r?.controller);
          if (ref) m.controllers.add(ref.uid);
          else m.orphanLabels.push(p.metadata?.labels ?? {});
        }
        const out: Violation[] = [];
        const fields: Record<string, string[]> = { StatefulSet: ["readyReplicas", "availableReplicas"], DaemonSet: ["numberReady", "numberAvailable"], Job: ["ready"] };
        for (const [kind, names] of Object.entries(fields)) {
          for (const o of w.list(kind)) {
            const counts = names.map((f) => o.status?.[f] ?? 0);
            if (counts.every((n) => n === 0)) continue;
            const match = o.spec?.selector?.matchLabels ?? {};
            let ever = 0;
            for (const m of pods.values()) {
              if (!m.everReady || m.namespace !== o.metadata.namespace) continue;
              if (m.controllers.has(o.metadata.uid) || m.orphanLabels.some((l) => Object.entries(match).every(([k, v]) => l[k] === v))) ever++;
            }
            names.forEach((f, i) => {
              if (counts[i]! > ever) out.push({ invariant: "workloadCountsOnlyReadyPods", message: `${kind} ${nameOf(o)} reports ${f} ${counts[i]}, but only ${ever} of its pods (and orphans it could adopt) were ever Ready` });
            });
          }
        }
        return out;
      },
    };
  },
};
