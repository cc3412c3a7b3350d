// Round twenty-seven's mutants and the checks that catch them: each rule below holds on the correct code and
// fails with its mutant on. The expectations are Kubernetes' rules, not the code's output: a Deployment's maxSurge
// percentage rounds up and both fenceposts at zero leave maxUnavailable 1 (ResolveFenceposts); MaxInt32 is no
// progress deadline (HasProgressDeadline); the next revision is the maximum plus one (LastRevision + 1); the oldest
// ReplicaSet with the template is the new one (FindNewReplicaSet); saturation needs every replica available
// (IsSaturated); proportional scaling is capped by what is left to add (getReplicaSetProportion); a condition keeps
// its transition time while its status stays (SetDeploymentCondition); unhealthy old ReplicaSets are cleaned oldest
// first (cleanupUnhealthyReplicas); a ReplicaSet deletes doubled-up pods and the most recently ready ones first
// (ActivePodsWithRanks), reports FailedDelete, drops ReplicaFailure after a good sync and creates at most
// burstReplicas at once; the garbage collector leaves a dependent deleting its own dependents alone
// (processDeletingDependents); the pod GC keeps Unknown pods, deletes evicted pods first and force-deletes only
// terminating unscheduled ones; a Service's ClusterIP family picks its slices' address type
// (getAddressTypesForService); a Job ignores a negative completion index, reads completedIndexes below completions,
// is finished only by Complete or Failed and dates a pod's end by Ready=False or deletion minus grace
// (getFinishedTime); kube-proxy's PreferSameNode reads node hints, Local policy prefers this node's ready endpoints
// and a not-serving terminating endpoint is no endpoint (CategorizeEndpoints); Endpoints addresses carry nodeName and
// a headless Service's Endpoints the headless label; a pod is tolerated only when every taint is.
// Which of the components' own tests caught each mutant before these rows: properties/mutants/README.md, the
// twenty-eighth round.
import { afterEach, describe, expect, it } from "vitest";
import type { Pod, Service, Taint } from "kubernetes-types/core/v1";
import type { Deployment, ReplicaSet } from "kubernetes-types/apps/v1";
import type { Job } from "kubernetes-types/batch/v1";
import { setMutants } from "../../machines/common/mutation.js";
import { rfc3339 } from "../../machines/common/time.js";
import {
  checkPausedConditions,
  cleanupUnhealthyReplicas,
  deploymentCondition,
  DESIRED_REPLICAS_ANNOTATION,
  findNewReplicaSet,
  getProportion,
  isSaturated,
  MAX_REPLICAS_ANNOTATION,
  nextRevision,
  resolveFenceposts,
  REVISION_ANNOTATION,
  setDeploymentCondition,
} from "../../machines/deployment/deployment.logic.js";
import { lessForDeletion, newExpectations, planReplicas, podsToDelete, statusFromCounts } from "../../machines/replicaset/replicaset.logic.js";
import { processDeletingDependents, type KObject } from "../../machines/garbagecollector/gc.logic.js";
import { byEvictionAndCreationTimestamp, isPodTerminated, unscheduledTerminating } from "../../machines/podgc/podgc.logic.js";
import { addressTypesOf } from "../../machines/endpointslice/endpointslice.logic.js";
import { completionIndex, getFinishedTimeMs, isJobFinished, JOB_COMPLETION_INDEX_ANNOTATION, parseIndexes } from "../../machines/job/job.logic.js";
import { categorizeEndpoints, type CategorizedEndpoint } from "../../machines/kube-proxy/kube-proxy.logic.js";
import { endpointsFor, podToEndpointAddress } from "../../machines/endpoints/endpoints.logic.js";
import { HEADLESS_SERVICE_LABEL } from "../../machines/common/endpointutil.js";
import { matchingTolerations } from "../../machines/nodelifecycle/nodelifecycle.logic.js";

afterEach(() => setMutants([]));

const T0 = Date.parse("2026-01-01T00:00:00Z");
const MAX_INT32 = 2147483647;

// ---------- Deployment ----------

const template = { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "nginx" }] } };
const deployment = (spec: Partial<NonNullable<Deployment["spec"]>> = {}): Deployment => ({
  metadata: { name: "web", namespace: "default", uid: "uid-web" },
  spec: { replicas: 10, selector: { matchLabels: { app: "web" } }, template, strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } }, ...spec },
});
const replicaSet = (name: string, createdMs: number, replicas: number, available: number, annotations: Record<string, string> = {}, hash = name): ReplicaSet => ({
  metadata: { name, namespace: "default", creationTimestamp: rfc3339(createdMs), annotations },
  spec: { replicas, selector: { matchLabels: { app: "web" } }, template: { ...template, metadata: { labels: { app: "web", "pod-template-hash": hash } } } },
  status: { replicas, availableReplicas: available },
});

/** maxSurge 25% of 10 is 3 (2.5 rounded up), of 4 is 1, 10% of 3 is 1 (0.3 rounded up). */
function maxSurgeRoundsUp(): boolean {
  return resolveFenceposts("25%", 0, 10).surge === 3 && resolveFenceposts("25%", 0, 4).surge === 1 && resolveFenceposts("10%", 0, 3).surge === 1;
}

/** maxSurge 0, maxUnavailable 0% over 5: maxUnavailable becomes 1, so the rollout can progress. */
function bothFencepostsZeroLeaveOneUnavailable(): boolean {
  const r = resolveFenceposts(0, "0%", 5);
  return r.surge === 0 && r.unavailable === 1;
}

/** A paused Deployment: progressDeadlineSeconds 600 gets Progressing Unknown DeploymentPaused; MaxInt32 (no deadline) nothing. */
function maxInt32IsNoDeadline(): boolean {
  const paused = (s: number) => checkPausedConditions(deployment({ paused: true, progressDeadlineSeconds: s }), T0);
  const c = paused(600)?.status?.conditions?.find((x) => x.type === "Progressing");
  return c?.status === "Unknown" && c.reason === "DeploymentPaused" && paused(MAX_INT32) === undefined;
}

/** Old ReplicaSets at revisions 1 and 3: the new one is revision 4. */
function nextRevisionIsMaxPlusOne(): boolean {
  return nextRevision([replicaSet("a", T0, 0, 0, { [REVISION_ANNOTATION]: "1" }), replicaSet("b", T0, 0, 0, { [REVISION_ANNOTATION]: "3" })]) === 4n;
}

/** Two ReplicaSets with the Deployment's template (different hashes): the older one is the new ReplicaSet. */
function oldestEqualIsNew(): boolean {
  const older = replicaSet("web-old", T0, 1, 1), newer = replicaSet("web-new", T0 + 60_000, 1, 1);
  return findNewReplicaSet(deployment(), [newer, older])?.metadata?.name === "web-old";
}

/** replicas 3, desired-replicas 3: saturated with 3 available, not with 2. */
function saturationNeedsAvailable(): boolean {
  const d = deployment({ replicas: 3 });
  const rs = (available: number) => replicaSet("web-a", T0, 3, available, { [DESIRED_REPLICAS_ANNOTATION]: "3" });
  return isSaturated(d, rs(3)) && !isSaturated(d, rs(2));
}

/** A ReplicaSet of 5 (max-replicas 5) of a Deployment now at 10: its fraction is 5, but only 3 are left to add. */
function proportionCappedByAllowed(): boolean {
  const rs = replicaSet("web-a", T0, 5, 5, { [MAX_REPLICAS_ANNOTATION]: "5" });
  return getProportion(rs, deployment(), 3, 0) === 3 && getProportion(rs, deployment(), 10, 0) === 5;
}

/** Progressing True ReplicaSetUpdated at T0, then True NewReplicaSetAvailable a minute later: the transition time stays T0. */
function sameStatusKeepsTransitionTime(): boolean {
  const before = [deploymentCondition("Progressing", "True", "ReplicaSetUpdated", "progressing", T0)];
  const after = setDeploymentCondition(before, deploymentCondition("Progressing", "True", "NewReplicaSetAvailable", "done", T0 + 60_000));
  const c = after.find((x) => x.type === "Progressing");
  return c?.reason === "NewReplicaSetAvailable" && c.lastTransitionTime === rfc3339(T0);
}

/** Two old ReplicaSets of 2 with 1 available each, room to clean 1: the older one goes to 1. */
function unhealthyCleanedOldestFirst(): boolean {
  const older = replicaSet("web-old", T0, 2, 1), newer = replicaSet("web-new", T0 + 60_000, 2, 1);
  const r = cleanupUnhealthyReplicas(deployment(), [newer, older], 1);
  return r.actions.length === 1 && r.actions[0]!.rs === "web-old" && r.actions[0]!.replicas === 1;
}

// ---------- ReplicaSet ----------

const rsPod = (name: string, node: string, readySinceMs?: number): Pod => ({
  metadata: { name, namespace: "default", uid: `uid-${name}`, creationTimestamp: rfc3339(T0) },
  spec: { nodeName: node, containers: [] },
  status: {
    phase: "Running",
    ...(readySinceMs === undefined ? {} : { conditions: [{ type: "Ready", status: "True", lastTransitionTime: rfc3339(readySinceMs) }] }),
  },
});

/** a on n1 beside another pod of the set, b alone on n2: scaling down by one deletes a. */
function doubledUpDeletedFirst(): boolean {
  const a = rsPod("a", "n1"), b = rsPod("b", "n2"), c = rsPod("c", "n1");
  return podsToDelete([a, b], 1, [a, b, c], T0).map((p) => p.metadata?.name).join() === "a";
}

/** Both ready, one for 10 s, one for an hour: the one ready 10 s goes first. */
function recentlyReadyDeletedFirst(): boolean {
  const now = T0 + 7_200_000;
  const recent = rsPod("recent", "n1", now - 10_000), old = rsPod("old", "n1", now - 3_600_000);
  return lessForDeletion(recent, 1, old, 1, now) && !lessForDeletion(old, 1, recent, 1, now);
}

const rs3: ReplicaSet = { metadata: { name: "rs", namespace: "default" }, spec: { replicas: 3, selector: {} } };

/** 5 pods of a ReplicaSet of 3 and a failed delete: ReplicaFailure FailedDelete; 1 pod and a failed create: FailedCreate. */
function failedDeleteReason(): boolean {
  const reason = (replicas: number) => statusFromCounts(rs3, { replicas, fully: replicas, ready: replicas, available: replicas }, "forbidden", T0).conditions?.[0]?.reason;
  return reason(5) === "FailedDelete" && reason(1) === "FailedCreate";
}

/** A ReplicaSet with a ReplicaFailure condition whose next sync succeeds: the condition is removed. */
function failureConditionRemoved(): boolean {
  const failing: ReplicaSet = { ...rs3, status: { replicas: 1, conditions: [{ type: "ReplicaFailure", status: "True", reason: "FailedCreate", message: "forbidden" }] } };
  return statusFromCounts(failing, { replicas: 3, fully: 3, ready: 3, available: 3 }, undefined, T0).conditions === undefined;
}

/** A ReplicaSet of 600 with no pods: one sync creates 500 (burstReplicas). */
function creationsBurstLimited(): boolean {
  const big: ReplicaSet = { ...rs3, spec: { ...rs3.spec!, replicas: 600 } };
  return planReplicas(big, 0, () => [], newExpectations(), T0).create === 500;
}

// ---------- Garbage collector ----------

/** Owner O in foreground deletion; its dependent A deletes its own dependent B in the foreground: O leaves A (and B) alone. */
function deletingDependentLeftAlone(): boolean {
  const deleting = { deletionTimestamp: rfc3339(T0), finalizers: ["foregroundDeletion"] };
  const o: KObject = { kind: "ReplicaSet", metadata: { name: "o", namespace: "default", uid: "o", ...deleting } };
  const a: KObject = { kind: "Pod", metadata: { name: "a", namespace: "default", uid: "a", ...deleting, ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "o", uid: "o", blockOwnerDeletion: true }] } };
  const b: KObject = { kind: "Pod", metadata: { name: "b", namespace: "default", uid: "b", ownerReferences: [{ apiVersion: "v1", kind: "Pod", name: "a", uid: "a", blockOwnerDeletion: true }] } };
  return processDeletingDependents(o, [o, a, b]).length === 0;
}

// ---------- Pod garbage collector ----------

const phasePod = (name: string, phase: string, createdMs: number, extra: Partial<NonNullable<Pod["status"]>> = {}): Pod => ({
  metadata: { name, namespace: "default", creationTimestamp: rfc3339(createdMs) },
  spec: { nodeName: "n1", containers: [] },
  status: { phase, ...extra },
});

/** Succeeded and Failed are terminated; Pending, Running and Unknown are not (isPodTerminated). */
function unknownNotTerminated(): boolean {
  const t = (phase: string) => isPodTerminated(phasePod("p", phase, T0));
  return t("Succeeded") && t("Failed") && !t("Pending") && !t("Running") && !t("Unknown");
}

/** An evicted pod created an hour after a plain failed one still sorts first. */
function evictedFirst(): boolean {
  const plain = phasePod("plain", "Failed", T0), evicted = phasePod("evicted", "Failed", T0 + 3_600_000, { reason: "Evicted" });
  return [plain, evicted].sort(byEvictionAndCreationTimestamp).map((p) => p.metadata?.name).join() === "evicted,plain";
}

/** Of two unscheduled pods only the one being deleted is force-deleted. */
function onlyTerminatingUnscheduled(): boolean {
  const pending: Pod = { metadata: { name: "pending", namespace: "default" }, spec: { containers: [] }, status: { phase: "Pending" } };
  const terminating: Pod = { ...pending, metadata: { name: "terminating", namespace: "default", deletionTimestamp: rfc3339(T0) } };
  return unscheduledTerminating([pending, terminating]).map((p) => p.metadata?.name).join() === "terminating";
}

// ---------- EndpointSlice ----------

/** No ipFamilies: ClusterIP fd00::10 gives IPv6 slices, 10.96.0.10 IPv4 ones. */
function addressTypeFromClusterIP(): boolean {
  const svc = (clusterIP: string): Service => ({ metadata: { name: "s", namespace: "default" }, spec: { clusterIP } });
  return addressTypesOf(svc("fd00::10")).join() === "IPv6" && addressTypesOf(svc("10.96.0.10")).join() === "IPv4";
}

// ---------- Job ----------

/** Completion index annotations: "2" is 2, "+03" is 3 (strconv.Atoi), "-1" is none. */
function negativeIndexRejected(): boolean {
  const idx = (v: string) => completionIndex({ metadata: { annotations: { [JOB_COMPLETION_INDEX_ANNOTATION]: v } } });
  return idx("2") === 2 && idx("+03") === 3 && idx("-1") === undefined;
}

/** completedIndexes "1,3-5" of a Job with 5 completions: 1, 3, 4 (5 is out of range). */
function indexesBelowCompletions(): boolean {
  return [...parseIndexes("1,3-5", 5)].sort().join() === "1,3,4";
}

/** FailureTarget True alone is not finished; Failed True is; Complete False is not. */
function finishedOnlyByCompleteOrFailed(): boolean {
  const job = (type: string, status: string): Job => ({ metadata: { name: "j" }, status: { conditions: [{ type, status }] } });
  return !isJobFinished(job("FailureTarget", "True")) && isJobFinished(job("Failed", "True")) && !isJobFinished(job("Complete", "False"));
}

/** A pod deleted with a 30 s grace period, deletionTimestamp T0+30 s, no container states: it finished at T0. */
function deletionMinusGrace(): boolean {
  const p: Pod = { metadata: { name: "p", creationTimestamp: rfc3339(T0 - 60_000), deletionTimestamp: rfc3339(T0 + 30_000), deletionGracePeriodSeconds: 30 }, status: { phase: "Failed" } };
  return getFinishedTimeMs(p) === T0;
}

/** Created at T0, Ready True since T0+5 s, no container states: the finish time is the creation time; Ready False at T0+9 s: that. */
function onlyReadyFalseDatesFinish(): boolean {
  const p = (status: string): Pod => ({ metadata: { name: "p", creationTimestamp: rfc3339(T0) }, status: { phase: "Failed", conditions: [{ type: "Ready", status, lastTransitionTime: rfc3339(status === "True" ? T0 + 5_000 : T0 + 9_000) }] } });
  return getFinishedTimeMs(p("True")) === T0 && getFinishedTimeMs(p("False")) === T0 + 9_000;
}

// ---------- kube-proxy ----------

const ep = (over: Partial<CategorizedEndpoint>): CategorizedEndpoint => ({ isLocal: false, ready: true, serving: true, terminating: false, ...over });
const ZONE = { "topology.kubernetes.io/zone": "z1" };

/** Every endpoint hinted for a node, one for n1, both for zone z1: kube-proxy on n1 uses only n1's. */
function sameNodeReadsNodeHints(): boolean {
  const eps = [ep({ isLocal: true, nodeHints: ["n1"], zoneHints: ["z1"] }), ep({ nodeHints: ["n2"], zoneHints: ["z1"] })];
  return categorizeEndpoints(eps, true, false, "n1", ZONE).clusterEndpoints?.length === 1;
}

/** externalTrafficPolicy Local, this node has a ready and a serving terminating endpoint: only the ready one is used. */
function localPrefersReady(): boolean {
  const ready = ep({ isLocal: true }), terminating = ep({ isLocal: true, ready: false, terminating: true });
  const local = categorizeEndpoints([ready, terminating], false, true, "n1", ZONE).localEndpoints;
  return local?.length === 1 && local[0] === ready;
}

/** The only endpoint is terminating and not serving: the Service has no usable endpoint. */
function notServingIsNoEndpoint(): boolean {
  return !categorizeEndpoints([ep({ isLocal: true, ready: false, serving: false, terminating: true })], false, true, "n1", ZONE).hasAnyEndpoints;
}

// ---------- Endpoints ----------

/** A pod on n1 at 10.244.1.5: the address names node n1. */
function addressCarriesNodeName(): boolean {
  const pod: Pod = { metadata: { name: "p", namespace: "default", uid: "u" }, spec: { nodeName: "n1", containers: [] } };
  return podToEndpointAddress(pod, "10.244.1.5").nodeName === "n1";
}

/** A headless Service's Endpoints carry service.kubernetes.io/headless; a ClusterIP Service's do not. */
function headlessLabelled(): boolean {
  const svc = (clusterIP: string): Service => ({ metadata: { name: "s", namespace: "default" }, spec: { clusterIP, selector: { app: "web" }, ports: [{ port: 80 }] } });
  const labels = (clusterIP: string) => endpointsFor(svc(clusterIP), [])?.metadata?.labels ?? {};
  return Object.hasOwn(labels("None"), HEADLESS_SERVICE_LABEL) && !Object.hasOwn(labels("10.96.0.10"), HEADLESS_SERVICE_LABEL);
}

// ---------- Taint eviction ----------

/** Two NoExecute taints, a toleration for one: not tolerated; tolerations for both: tolerated. */
function everyTaintTolerated(): boolean {
  const taints: Taint[] = [{ key: "a", effect: "NoExecute" }, { key: "b", effect: "NoExecute" }];
  const tol = (key: string) => ({ key, operator: "Exists", effect: "NoExecute" });
  return !matchingTolerations(taints, [tol("a")]).all && matchingTolerations(taints, [tol("a"), tol("b")]).all;
}

describe("round twenty-seven's mutants", () => {
  const rows: Array<[string, () => boolean]> = [
    ["deployment.max-surge-rounds-down", maxSurgeRoundsUp],
    ["deployment.fenceposts-both-zero", bothFencepostsZeroLeaveOneUnavailable],
    ["deployment.progress-deadline-max-int-counts", maxInt32IsNoDeadline],
    ["deployment.next-revision-reuses-max", nextRevisionIsMaxPlusOne],
    ["deployment.new-replicaset-newest-of-equals", oldestEqualIsNew],
    ["deployment.saturated-ignores-available", saturationNeedsAvailable],
    ["deployment.proportion-ignores-allowed", proportionCappedByAllowed],
    ["deployment.condition-reason-change-moves-time", sameStatusKeepsTransitionTime],
    ["deployment.cleanup-unhealthy-newest-first", unhealthyCleanedOldestFirst],
    ["replicaset.colocated-deleted-last", doubledUpDeletedFirst],
    ["replicaset.ready-longest-deleted-first", recentlyReadyDeletedFirst],
    ["replicaset.failure-reason-always-create", failedDeleteReason],
    ["replicaset.failure-condition-kept", failureConditionRemoved],
    ["replicaset.creations-not-burst-limited", creationsBurstLimited],
    ["gc.foreground-reprocesses-deleting-dependent", deletingDependentLeftAlone],
    ["podgc.unknown-phase-terminated", unknownNotTerminated],
    ["podgc.evicted-deleted-last", evictedFirst],
    ["podgc.unscheduled-not-terminating-deleted", onlyTerminatingUnscheduled],
    ["endpointslice.address-type-ignores-cluster-ip", addressTypeFromClusterIP],
    ["job.completion-index-negative-accepted", negativeIndexRejected],
    ["job.completed-indexes-past-completions", indexesBelowCompletions],
    ["job.finished-on-failure-target", finishedOnlyByCompleteOrFailed],
    ["job.finish-time-keeps-grace", deletionMinusGrace],
    ["job.finish-time-any-ready-condition", onlyReadyFalseDatesFinish],
    ["kube-proxy.same-node-mode-reads-zone-hints", sameNodeReadsNodeHints],
    ["kube-proxy.local-prefers-terminating", localPrefersReady],
    ["kube-proxy.any-endpoints-counts-not-serving", notServingIsNoEndpoint],
    ["endpoints.address-without-node-name", addressCarriesNodeName],
    ["endpoints.headless-label-missing", headlessLabelled],
    ["tainteviction.untolerated-taint-skipped", everyTaintTolerated],
  ];
  for (const [name, holds] of rows) {
    it(`${name}: the rule holds, and the mutant breaks it`, () => {
      expect(holds()).toBe(true);
      setMutants([name]);
      expect(holds()).toBe(false);
    });
  }
});
