// Round twenty-six's mutants and the checks that catch them: each rule below holds on the correct code and
// fails with its mutant on. The expectations are Kubernetes' (and CoreDNS's) rules, not the code's output:
// a podFailurePolicy exit-code rule reads only the container it names and never a container that exited 0
// (getMatchingContainerFromList); with restartPolicy OnFailure a Job fails when its restarts reach
// backoffLimit (pastBackoffLimitOnFailure); too many active pods lose a not-ready one first (ActivePods);
// an Indexed pod's generateName keeps "-<index>-" and cuts the Job's name (podGenerateNameWithIndex); an
// index's back-off counts its ignored failures too, and a replacement for an ignored failure carries one more
// ignored (getIndexAbsoluteFailureCount, getNewIndexFailureCounts); a CronJob's Job is named by the scheduled
// minute, it requeues 100 ms past the next schedule, a Job not started sorts last and the Job's controller
// reference blocks owner deletion (getJobName, nextScheduleDelta, byJobStartTime, NewControllerRef); a
// StatefulSet's maxUnavailable percentage rounds down, its oldest history goes first, a pod's storage is its own
// ordinal's claim and its identity needs the pod-name label (getStatefulSetMaxUnavailable, truncateHistory,
// storageMatches, identityMatches); a DaemonSet's failed-pod back-off doubles, a host-network daemon pod tolerates
// network-unavailable and the oldest duplicate stays (flowcontrol.Backoff, AddOrUpdateDaemonPodTolerations,
// podByCreationTimestampAndPhase); the HPA counts sidecars' requests, truncates utilization and moves a
// condition's transition time only on a change (calculateRequests, GetResourceUtilizationRatio, setCondition);
// an Orphan DELETE drops foregroundDeletion (deletionFinalizersForGarbageCollection); a budget counts only
// controllers' scale and fails safe with 0 allowed (getExpectedScale, failSafe); mirrored slices carry the
// controller's labels, not the last-applied annotation, and one limit per subset (newEndpointSlice, reconcile);
// kube-proxy's ClientIP affinity expires and each family's rules take that family's slices; CoreDNS dashes
// every colon of an IPv6 endpoint's name and floors an SRV weight (endpointHostname, backend_lookup.go's SRV);
// a ServiceCIDR holds only prefixes no shorter than its own (ContainsPrefix); the ClusterIP allocator's static
// band is min(max(16, size/16), 256) (calculateRangeOffset); a LimitRange Container item's unset default limit
// is its max, and the default request follows (SetDefaults_LimitRangeItem). Which of the components' own tests
// caught each mutant before these rows: properties/mutants/README.md, the twenty-seventh round.
import { afterEach, describe, expect, it } from "vitest";
import type { Endpoints, Pod, PodSpec, Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import type { CronJob, Job } from "kubernetes-types/batch/v1";
import type { ControllerRevision, StatefulSet } from "kubernetes-types/apps/v1";
import type { PodDisruptionBudget } from "kubernetes-types/policy/v1";
import { setMutants } from "../../machines/common/mutation.js";
import { rfc3339 } from "../../machines/common/time.js";
import { parseStandard } from "../../machines/common/cron.js";
import {
  activePodsLess,
  JOB_INDEX_FAILURE_COUNT_ANNOTATION,
  JOB_INDEX_IGNORED_FAILURE_COUNT_ANNOTATION,
  matchPodFailurePolicy,
  newIndexFailureCounts,
  pastBackoffLimitOnFailure,
  podCreationInfoForIndependentIndexes,
  podGenerateNameWithIndex,
} from "../../machines/job/job.logic.js";
import { byJobStartTime, jobFromTemplate, jobName, nextScheduleTimeDuration } from "../../machines/cronjob/cronjob.logic.js";
import { historyToDelete, identityMatches, maxUnavailableOf, storageMatches } from "../../machines/statefulset/statefulset.logic.js";
import { addOrUpdateDaemonPodTolerations, byCreationTimestampAndPhase, nextBackoff } from "../../machines/daemonset/daemonset.logic.js";
import { podRequests, utilizationRatio } from "../../machines/podautoscaler/replica.logic.js";
import { mergeConditions } from "../../machines/podautoscaler/hpa.logic.js";
import { finalizersOnDelete } from "../../machines/garbagecollector/gc.logic.js";
import { expectedPodCount, failSafeStatus } from "../../machines/disruption/disruption.logic.js";
import { mirrorEvents, reconcileMirror } from "../../machines/endpointslicemirroring/endpointslicemirroring.logic.js";
import { endpointsForPort, recentBackend, type ProxyRule } from "../../machines/kube-proxy/kube-proxy.logic.js";
import { endpointHostname, srvWeight } from "../../machines/dns/dns.logic.js";
import { canDelete } from "../../machines/servicecidrs/servicecidrs.logic.js";
import { ipAllocatorName, managedByLabel } from "../../machines/common/servicecidr.js";
import { newClusterIPAllocator } from "../../machines/apiserver/allocators.js";
import { defaultLimitRange } from "../../machines/apiserver/admission/limitranger.js";

afterEach(() => setMutants([]));

const T0 = Date.parse("2026-01-01T00:00:00Z");

// ---------- Job ----------

const terminated = (name: string, exitCode: number) => ({ name, image: "busybox", imageID: "", ready: false, restartCount: 0, state: { terminated: { exitCode, finishedAt: rfc3339(T0) } } });

const failedPod = (containers: Array<[string, number]>, annotations: Record<string, string> = {}): Pod => ({
  metadata: { name: "p", namespace: "default", annotations },
  status: { phase: "Failed", containerStatuses: containers.map(([n, c]) => terminated(n, c)) },
});

/** NotIn [3]: container a exited 0 (not considered), b exited 3 (listed): no rule matches, the failure counts. */
function notInSkipsSucceededContainers(): boolean {
  const policy = { rules: [{ action: "FailJob", onExitCodes: { operator: "NotIn", values: [3] } }] };
  const m = matchPodFailurePolicy(policy, failedPod([["a", 0], ["b", 3]]));
  return m.countFailed && m.failJobMessage === undefined;
}

/** In [42] for container main: sidecar's 42 does not match, main's does. */
function exitCodeRuleReadsNamedContainer(): boolean {
  const policy = { rules: [{ action: "FailJob", onExitCodes: { containerName: "main", operator: "In", values: [42] } }] };
  return matchPodFailurePolicy(policy, failedPod([["main", 1], ["sidecar", 42]])).failJobMessage === undefined
    && matchPodFailurePolicy(policy, failedPod([["main", 42], ["sidecar", 1]])).failJobMessage !== undefined;
}

const onFailureJob: Job = { metadata: { name: "j", namespace: "default" }, spec: { backoffLimit: 2, template: { spec: { restartPolicy: "OnFailure", containers: [] } } } };
const restartedPod = (restartCount: number): Pod => ({
  metadata: { name: "p", namespace: "default" },
  status: { phase: "Running", containerStatuses: [{ name: "c", image: "busybox", imageID: "", ready: true, restartCount, state: { running: {} } }] },
});

/** backoffLimit 2 under OnFailure: 2 restarts reach it, 1 does not. */
function onFailureRestartsReachLimit(): boolean {
  return pastBackoffLimitOnFailure(onFailureJob, [restartedPod(2)]) && !pastBackoffLimitOnFailure(onFailureJob, [restartedPod(1)]);
}

const runningPod = (name: string, ready: boolean): Pod => ({
  metadata: { name, namespace: "default", creationTimestamp: rfc3339(T0) },
  spec: { nodeName: "n1", containers: [] },
  status: { phase: "Running", conditions: [{ type: "Ready", status: ready ? "True" : "False", lastTransitionTime: rfc3339(T0) }] },
});

/** Of two running pods the not-ready one is removed first. */
function notReadyRemovedFirst(): boolean {
  const ready = runningPod("a", true), unready = runningPod("b", false);
  return activePodsLess(unready, ready) && !activePodsLess(ready, unready);
}

/** A 60-character Job name, index 3: the first 55 characters and "-3-" (58 in all); "pi", index 3: "pi-3-". */
function indexKeptInLongGenerateName(): boolean {
  return podGenerateNameWithIndex("a".repeat(60), 3) === `${"a".repeat(55)}-3-` && podGenerateNameWithIndex("pi", 3) === "pi-3-";
}

/**
 * The last failed pod of index 0 had 1 counted and 1 ignored failure before it and finished at T0: the replacement
 * waits 10 s * 2^(3-1) = 40 s; 30 s later it is still 10 s off.
 */
function indexBackoffCountsIgnoredFailures(): boolean {
  const last = failedPod([["c", 1]], { [JOB_INDEX_FAILURE_COUNT_ANNOTATION]: "1", [JOB_INDEX_IGNORED_FAILURE_COUNT_ANNOTATION]: "1" });
  const r = podCreationInfoForIndependentIndexes([0], new Map([[0, last]]), T0 + 30_000);
  return r.create.length === 0 && r.remainingMs === 10_000;
}

/** An Ignore rule matched the replaced pod's exit 42: the replacement carries failures 1 (as before) and ignored 1. */
function ignoredFailureCarriedAsIgnored(): boolean {
  const job: Job = {
    metadata: { name: "j", namespace: "default" },
    spec: { completionMode: "Indexed", backoffLimitPerIndex: 1, template: { spec: { restartPolicy: "Never", containers: [] } }, podFailurePolicy: { rules: [{ action: "Ignore", onExitCodes: { operator: "In", values: [42] } }] } },
  };
  const replaced = failedPod([["c", 42]], { [JOB_INDEX_FAILURE_COUNT_ANNOTATION]: "1", [JOB_INDEX_IGNORED_FAILURE_COUNT_ANNOTATION]: "0" });
  const n = newIndexFailureCounts(job, replaced);
  return n.failures === 1 && n.ignored === 1;
}

// ---------- CronJob ----------

const cronJob: CronJob = { metadata: { name: "hello", namespace: "default", creationTimestamp: rfc3339(T0) }, spec: { schedule: "*/5 * * * *", jobTemplate: { spec: { template: {} } } } };

/** Scheduled 2026-01-01T00:05:00Z (Unix 1767225900 s): the Job is hello-29453765 (the Unix minute). */
function jobNamedByMinute(): boolean {
  return jobName(cronJob, Date.parse("2026-01-01T00:05:00Z")) === "hello-29453765";
}

/** Created at 00:00, "*\/5", at 00:03: the controller looks again in 2 min 0.1 s (the next schedule plus 100 ms). */
function requeuedPastNextSchedule(): boolean {
  const parsed = parseStandard("*/5 * * * *");
  if (!("schedule" in parsed)) return false;
  return nextScheduleTimeDuration(cronJob, T0 + 180_000, parsed.schedule) === 120_100;
}

/** A Job started at T0 sorts before one not started yet (unset start times sort last). */
function unstartedJobsSortLast(): boolean {
  const started: Job = { metadata: { name: "b" }, status: { startTime: rfc3339(T0) } };
  const unstarted: Job = { metadata: { name: "a" }, status: {} };
  return [unstarted, started].sort(byJobStartTime).map((j) => j.metadata?.name).join() === "b,a";
}

/** The Job a CronJob makes is controlled by it, and its reference blocks the CronJob's foreground deletion. */
function cronJobsJobBlocksOwnerDeletion(): boolean {
  const ref = jobFromTemplate({ ...cronJob, metadata: { ...cronJob.metadata, uid: "uid-cj" } }, T0).metadata?.ownerReferences?.[0];
  return ref?.kind === "CronJob" && ref.uid === "uid-cj" && ref.controller === true && ref.blockOwnerDeletion === true;
}

// ---------- StatefulSet ----------

const statefulSet = (over: Partial<StatefulSet["spec"]> = {}): StatefulSet => ({
  metadata: { name: "web", namespace: "default", uid: "uid-web" },
  spec: { serviceName: "web", selector: {}, template: {}, replicas: 6, ...over },
});

/** maxUnavailable 25% of 6 is 1 (1.5 rounded down); 50% of 5 is 2; 10% of 3 is at least 1. */
function maxUnavailablePercentRoundsDown(): boolean {
  const of = (v: string, replicas: number) => maxUnavailableOf(statefulSet({ replicas, updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: v } } }));
  return of("25%", 6) === 1 && of("50%", 5) === 2 && of("10%", 3) === 1;
}

/** revisionHistoryLimit 2 with four old revisions (1 to 4) beside the live one: revisions 1 and 2 go. */
function oldestHistoryDeletedFirst(): boolean {
  const rev = (n: number): ControllerRevision => ({ metadata: { name: `web-r${n}` }, revision: n });
  const del = historyToDelete(statefulSet({ revisionHistoryLimit: 2 }), [], [rev(3), rev(1), rev(5), rev(4), rev(2)], "web-r5", "web-r5");
  return del.join() === "web-r1,web-r2";
}

/** Template data: web-1 with claim data-web-1 has its storage; with data-web-0 (web-0's) it has not. */
function storageIsTheOrdinalsClaim(): boolean {
  const set = statefulSet({ volumeClaimTemplates: [{ metadata: { name: "data" } }] });
  const pod = (claimName: string): Pod => ({ metadata: { name: "web-1", namespace: "default" }, spec: { containers: [], volumes: [{ name: "data", persistentVolumeClaim: { claimName } }] } });
  return storageMatches(set, pod("data-web-1")) && !storageMatches(set, pod("data-web-0"));
}

/** web-1 labelled statefulset.kubernetes.io/pod-name=web-1 has its identity; without the label it has not. */
function identityNeedsPodNameLabel(): boolean {
  const set = statefulSet();
  const pod = (labels: Record<string, string>): Pod => ({ metadata: { name: "web-1", namespace: "default", labels }, spec: { containers: [] } });
  return identityMatches(set, pod({ "statefulset.kubernetes.io/pod-name": "web-1" })) && !identityMatches(set, pod({}));
}

// ---------- DaemonSet ----------

/** Failed daemon pods on one node a second apart: back-off 1 s, 2 s, 4 s. */
function daemonBackoffDoubles(): boolean {
  const a = nextBackoff(undefined, T0);
  const b = nextBackoff(a, T0 + 1_000);
  const c = nextBackoff(b, T0 + 3_000);
  return a.delayMs === 1_000 && b.delayMs === 2_000 && c.delayMs === 4_000;
}

const tolerates = (spec: PodSpec, key: string) => (addOrUpdateDaemonPodTolerations(spec).tolerations ?? []).some((t) => t.key === key && t.operator === "Exists" && t.effect === "NoSchedule");

/** A host-network daemon pod tolerates node.kubernetes.io/network-unavailable:NoSchedule; one on the pod network does not. */
function hostNetworkToleratesNetworkUnavailable(): boolean {
  const key = "node.kubernetes.io/network-unavailable";
  return tolerates({ containers: [], hostNetwork: true }, key) && !tolerates({ containers: [] }, key);
}

/** Two daemon pods on a node, created T0 and T0+10 s: the older ranks first (it is the one kept). */
function oldestDuplicateKept(): boolean {
  const pod = (name: string, at: number): Pod => ({ metadata: { name, creationTimestamp: rfc3339(at) }, spec: { nodeName: "n1", containers: [] } });
  return [pod("new", T0 + 10_000), pod("old", T0)].sort(byCreationTimestampAndPhase)[0]?.metadata?.name === "old";
}

// ---------- HPA ----------

/** Container 100m, sidecar (restartPolicy Always) 50m, a plain init container 500m: the pod requests 150m cpu. */
function sidecarRequestsCounted(): boolean {
  const pod: Pod = {
    metadata: { name: "p" },
    spec: {
      containers: [{ name: "c", resources: { requests: { cpu: "100m" } } }],
      initContainers: [{ name: "side", restartPolicy: "Always", resources: { requests: { cpu: "50m" } } }, { name: "init", resources: { requests: { cpu: "500m" } } }],
    },
  };
  const r = podRequests([pod], "cpu");
  return !("error" in r) && r.get("p") === 150;
}

/** 667m used of 1000m requested: utilization 66% (truncated), ratio against a 50% target 1.32. */
function utilizationTruncated(): boolean {
  const r = utilizationRatio(new Map([["p", { value: 667 }]]), new Map([["p", 1000]]), 50);
  return !("error" in r) && r.utilization === 66 && r.ratio === 1.32;
}

/** AbleToScale True since T0, written True again at T0+60 s with another reason: lastTransitionTime stays T0. */
function transitionTimeOnlyOnChange(): boolean {
  const old = [{ type: "AbleToScale", status: "True", reason: "SucceededGetScale", message: "m", lastTransitionTime: rfc3339(T0) }];
  const out = mergeConditions(old, [{ type: "AbleToScale", status: "True", reason: "ReadyForNewScale", message: "n" }], T0 + 60_000);
  const flipped = mergeConditions(old, [{ type: "AbleToScale", status: "False", reason: "FailedGetScale", message: "x" }], T0 + 60_000);
  return out[0]?.lastTransitionTime === rfc3339(T0) && out[0]?.reason === "ReadyForNewScale" && flipped[0]?.lastTransitionTime === rfc3339(T0 + 60_000);
}

// ---------- garbage collector ----------

/** An object being deleted in the foreground, deleted again with Orphan: its finalizers are [orphan]. */
function orphanReplacesForeground(): boolean {
  const o = { metadata: { name: "rs", uid: "u", deletionTimestamp: rfc3339(T0), finalizers: ["foregroundDeletion"] } };
  return finalizersOnDelete(o, "Orphan").finalizers.join() === "orphan";
}

// ---------- disruption ----------

const rsPod = (name: string, owned: boolean): Pod => ({
  metadata: { name, namespace: "default", ...(owned ? { ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "rs", uid: "rs1", controller: true }] } : {}) },
});

/** maxUnavailable 1 over a ReplicaSet of scale 3 and a bare pod: 3 expected, 2 desired healthy, the bare pod reported. */
function unmanagedPodsOnlyReported(): boolean {
  const pdb: PodDisruptionBudget = { metadata: { name: "b", namespace: "default" }, spec: { maxUnavailable: 1 } };
  const r = expectedPodCount(pdb, [rsPod("a", true), rsPod("b", true), rsPod("c", true), rsPod("bare", false)], () => ({ uid: "rs1", scale: 3 }));
  return !("error" in r) && r.expectedCount === 3 && r.desiredHealthy === 2 && r.unmanagedPods.join() === "bare";
}

/** A budget that allowed 2 disruptions, its sync failing: 0 allowed, DisruptionAllowed False with reason SyncFailed. */
function failSafeAllowsNone(): boolean {
  const pdb: PodDisruptionBudget = { metadata: { name: "b", namespace: "default", generation: 1 }, spec: { minAvailable: 1 }, status: { currentHealthy: 3, desiredHealthy: 1, expectedPods: 3, disruptionsAllowed: 2, observedGeneration: 1 } };
  const st = failSafeStatus(pdb, "found no controllers", T0);
  const c = st.conditions?.find((x) => x.type === "DisruptionAllowed");
  return st.disruptionsAllowed === 0 && c?.status === "False" && c.reason === "SyncFailed";
}

// ---------- EndpointSlice mirroring ----------

const endpoints = (over: Partial<Endpoints> = {}): Endpoints => ({
  metadata: { name: "ext", namespace: "default", uid: "uid-ext", ...over.metadata },
  subsets: over.subsets ?? [{ addresses: [{ ip: "10.0.0.1" }], ports: [{ port: 80, protocol: "TCP" }] }],
});

/** The Endpoints labelled managed-by=someone, service-name=other, team=a: the slice is the controller's, of ext, of team a. */
function controllerLabelsWin(): boolean {
  const ep = endpoints({ metadata: { labels: { "endpointslice.kubernetes.io/managed-by": "someone", "kubernetes.io/service-name": "other", team: "a" } } });
  const labels = reconcileMirror(ep, []).create[0]?.metadata?.labels ?? {};
  return labels["endpointslice.kubernetes.io/managed-by"] === "endpointslicemirroring-controller.k8s.io" && labels["kubernetes.io/service-name"] === "ext" && labels.team === "a";
}

/** kubectl's last-applied-configuration is left off the slice; another annotation is copied. */
function lastAppliedNotCopied(): boolean {
  const ep = endpoints({ metadata: { annotations: { "kubectl.kubernetes.io/last-applied-configuration": "{}", note: "x" } } });
  const a = reconcileMirror(ep, []).create[0]?.metadata?.annotations ?? {};
  return JSON.stringify(a) === JSON.stringify({ note: "x" });
}

/** A limit of 2 per subset over 2 ready and 1 not-ready address: 2 mirrored, 1 skipped (TooManyAddressesToMirror). */
function onePerSubsetLimit(): boolean {
  const ep = endpoints({ subsets: [{ addresses: [{ ip: "10.0.0.1" }, { ip: "10.0.0.2" }], notReadyAddresses: [{ ip: "10.0.0.3" }], ports: [{ port: 80, protocol: "TCP" }] }] });
  const plan = reconcileMirror(ep, [], 2);
  const events = mirrorEvents(plan, 2);
  return plan.create.length === 1 && plan.create[0]!.endpoints.length === 2 && plan.skipped === 1
    && events.some((e) => e.reason === "TooManyAddressesToMirror" && e.message.endsWith("1 addresses were skipped"));
}

// ---------- kube-proxy ----------

/** ClientIP affinity of 10 s, the client last seen at T0: at T0+5 s it goes back to its backend, at T0+60 s it picks afresh. */
function affinityExpires(): boolean {
  const rule: ProxyRule = { service: "default/web", frontend: "10.96.0.20:80/TCP", kind: "ClusterIP", backends: ["10.0.0.1:8080", "10.0.0.2:8080"], trafficPolicy: "Cluster", sessionAffinity: { type: "ClientIP", timeoutSeconds: 10 } };
  const affinity = { "10.0.9.9|10.96.0.20:80/TCP": { backend: "10.0.0.2:8080", at: T0 } };
  const key = "10.0.9.9|10.96.0.20:80/TCP";
  return recentBackend(affinity, key, rule, T0 + 5_000) === "10.0.0.2:8080" && recentBackend(affinity, key, rule, T0 + 60_000) === undefined;
}

/** A dual-stack Service's IPv4 rules take the IPv4 slice's endpoint, the IPv6 rules the IPv6 slice's. */
function eachFamilyItsSlices(): boolean {
  const svc: Service = { metadata: { name: "web", namespace: "default" }, spec: { ports: [{ name: "http", port: 80, protocol: "TCP" }] } };
  const slice = (addressType: string, ip: string): EndpointSlice => ({
    metadata: { name: `web-${addressType}`, namespace: "default", labels: { "kubernetes.io/service-name": "web" } },
    addressType, endpoints: [{ addresses: [ip], conditions: { ready: true } }], ports: [{ name: "http", port: 8080, protocol: "TCP" }],
  });
  const slices = [slice("IPv4", "10.0.0.1"), slice("IPv6", "fd00:10:244::1")];
  const port = svc.spec!.ports![0]!;
  return endpointsForPort(svc, port, slices, "IPv4").map((e) => e.ip).join() === "10.0.0.1"
    && endpointsForPort(svc, port, slices, "IPv6").map((e) => e.ip).join() === "fd00:10:244::1";
}

// ---------- CoreDNS ----------

/** An endpoint without a hostname: 10.0.0.5 is 10-0-0-5, fd00:10:244::5 is fd00-10-244--5. */
function ipv6EndpointNameDashesEveryColon(): boolean {
  return endpointHostname(undefined, "10.0.0.5") === "10-0-0-5" && endpointHostname(undefined, "fd00:10:244::5") === "fd00-10-244--5";
}

/** SRV weights of n equal endpoints: floor(100 / n): 1 is 100, 3 is 33, 6 is 16 (not 17). */
function srvWeightFloored(): boolean {
  return srvWeight(1) === 100 && srvWeight(3) === 33 && srvWeight(6) === 16;
}

// ---------- ServiceCIDRs and the ClusterIP allocator ----------

/** a 10.0.0.0/16 holding the allocated 10.0.5.1 cannot go because b is 10.0.0.0/24; b can go, a holds it. */
function longerPrefixHoldsNoShorter(): boolean {
  const a = { metadata: { name: "a" }, spec: { cidrs: ["10.0.0.0/16"] } };
  const b = { metadata: { name: "b" }, spec: { cidrs: ["10.0.0.0/24"] } };
  const ip = { metadata: { name: "10.0.5.1", labels: { [managedByLabel]: ipAllocatorName } } };
  return !canDelete(a, [a, b], [ip]) && canDelete(b, [a, b], [ip]);
}

/** calculateRangeOffset: a /28 has no static band, a /25 and a /24 16 addresses, a /20 256, a /16 256. */
function staticBandSizes(): boolean {
  const band = (cidr: string) => newClusterIPAllocator(cidr, { reserveKubernetesServiceIP: false }).staticSize;
  return band("10.96.0.0/28") === 0 && band("10.96.0.0/25") === 16 && band("10.96.0.0/24") === 16 && band("10.96.0.0/20") === 256 && band("10.96.0.0/16") === 256;
}

// ---------- LimitRange defaults ----------

/** A Container item with max cpu 2 and no default: its default limit and default request are both 2 (from max). */
function defaultLimitFromMax(): boolean {
  const lr = { spec: { limits: [{ type: "Container", max: { cpu: "2" }, min: { cpu: "100m" } }] } };
  defaultLimitRange(lr);
  const item = lr.spec.limits[0] as { default?: Record<string, string>; defaultRequest?: Record<string, string> };
  return item.default?.cpu === "2" && item.defaultRequest?.cpu === "2";
}

describe("round twenty-six's mutants", () => {
  const rows: Array<[string, () => boolean]> = [
    ["job.exit-code-zero-matches", notInSkipsSucceededContainers],
    ["job.exit-code-container-name-ignored", exitCodeRuleReadsNamedContainer],
    ["job.onfailure-restarts-reach-limit", onFailureRestartsReachLimit],
    ["job.removes-ready-before-unready", notReadyRemovedFirst],
    ["job.index-name-truncation-drops-index", indexKeptInLongGenerateName],
    ["job.index-backoff-ignores-ignored-failures", indexBackoffCountsIgnoredFailures],
    ["job.ignored-failure-counted-on-replacement", ignoredFailureCarriedAsIgnored],
    ["cronjob.job-name-in-seconds", jobNamedByMinute],
    ["cronjob.next-schedule-without-delta", requeuedPastNextSchedule],
    ["cronjob.unstarted-jobs-sorted-first", unstartedJobsSortLast],
    ["cronjob.job-owner-not-blocking", cronJobsJobBlocksOwnerDeletion],
    ["statefulset.max-unavailable-percent-rounds-up", maxUnavailablePercentRoundsDown],
    ["statefulset.history-deletes-newest", oldestHistoryDeletedFirst],
    ["statefulset.storage-matches-any-claim", storageIsTheOrdinalsClaim],
    ["statefulset.identity-ignores-pod-name-label", identityNeedsPodNameLabel],
    ["daemonset.backoff-not-doubled", daemonBackoffDoubles],
    ["daemonset.host-network-toleration-missing", hostNetworkToleratesNetworkUnavailable],
    ["daemonset.duplicates-keep-newest", oldestDuplicateKept],
    ["hpa.sidecar-requests-ignored", sidecarRequestsCounted],
    ["hpa.utilization-rounded", utilizationTruncated],
    ["hpa.condition-transition-time-always-now", transitionTimeOnlyOnChange],
    ["gc.orphan-keeps-foreground-finalizer", orphanReplacesForeground],
    ["disruption.unmanaged-pods-counted", unmanagedPodsOnlyReported],
    ["disruption.fail-safe-keeps-allowed", failSafeAllowsNone],
    ["endpointslicemirroring.endpoints-labels-win", controllerLabelsWin],
    ["endpointslicemirroring.last-applied-copied", lastAppliedNotCopied],
    ["endpointslicemirroring.not-ready-own-limit", onePerSubsetLimit],
    ["kube-proxy.affinity-never-expires", affinityExpires],
    ["kube-proxy.endpoints-any-address-family", eachFamilyItsSlices],
    ["dns.ipv6-hostname-first-colon-only", ipv6EndpointNameDashesEveryColon],
    ["dns.srv-weight-rounded", srvWeightFloored],
    ["servicecidrs.contains-longer-prefix", longerPrefixHoldsNoShorter],
    ["allocators.static-band-without-minimum", staticBandSizes],
    ["limitranger.default-limit-skips-max", defaultLimitFromMax],
  ];
  for (const [name, holds] of rows) {
    it(`${name}: the rule holds, and the mutant breaks it`, () => {
      expect(holds()).toBe(true);
      setMutants([name]);
      expect(holds()).toBe(false);
    });
  }
});
