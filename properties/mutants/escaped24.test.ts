// Round twenty-four's mutants and the checks that catch them: each rule below holds on the correct
// code and fails with its mutant on. The expectations are Kubernetes' rules, not the code's output:
// Topology Aware Routing leaves control-plane nodes out of the zones' CPU, gives each zone its minimum
// plus the endpoints no minimum takes as its maximum, lets the deprecated annotation win, and counts the
// hints other unchanged slices hold against a zone's maximum (topologycache SetNodes, getAllocations,
// hintsEnabled, getHintsByZone); NodeRestriction refuses a mirror pod's blockOwnerDeletion, an eviction of
// another node's pod and a token bound to a pod uid not in record (noderestriction admission.go); the Node
// authorizer adds no edges for a mirror pod and follows ephemeral claims and init containers' references
// (graph_populator AddPod, VisitPodSecretNames); CEL's estimated cost charges a map literal 30 and
// multiplies both strings' traversal factors for contains (cel-go checker/cost.go); the AtomicWriter keeps an
// item's own mode, a tmpfs emptyDir keeps its sticky bit and SetVolumeOwnership uses the read-only mask for
// secret and configMap volumes (atomic_writer.go, empty_dir.go setupDir, volume_linux.go); a successPolicy
// rule's succeededCount of its succeededIndexes suffices (matchSucceededIndexesRule); the kubelet's sysctl
// allowlist normalizes a slash-separated name and refuses a Net sysctl with hostNetwork (allowlist.go);
// disruptionsAllowed never goes below 0 (updatePdbStatus); the HPA's policies count only events after
// periodSeconds ago and Disabled scale-up scales none (getReplicasChangePerPeriod,
// calculateScaleUpLimitWithScalingRules); the kubelet's /metrics counts pods with a running sandbox and writes
// floats as Go's 'g' does (updateRunningPodAndContainerMetrics, FormatFloat); a dependent's own orphan finalizer
// is its deletion's policy (attemptToDeleteItem); an ordinal is an int32 and the range starts at ordinals.start
// (getParentNameAndOrdinal, podInOrdinalRange); quota admission asks init containers for the constrained
// requests and refuses while usage is unknown (podEvaluator Constraints, hasUsageStats). Which of the
// component's own tests caught each mutant before these rows: properties/mutants/README.md, the twenty-fifth round.
import { afterEach, describe, expect, it } from "vitest";
import type { Node, Pod } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import type { PodDisruptionBudget } from "kubernetes-types/policy/v1";
import { setMutants } from "../../machines/common/mutation.js";
import { cpuRatiosByZone, getAllocations, getHintsByZone, hintsEnabled, ZONE_LABEL } from "../../machines/endpointslice/topologycache.js";
import { admitNodeRestriction, type AdmissionRequest } from "../../machines/apiserver/auth/noderestriction.js";
import { nodeAuthorize, type NodeGraph } from "../../machines/apiserver/auth/node.js";
import type { Attributes } from "../../machines/apiserver/auth/types.js";
import type { ResourceInfo } from "../../machines/apiserver/resources.js";
import { compileCel, estimateCelCost } from "../../machines/apiserver/cel/index.js";
import { emptyDirTree, payloadTree } from "../../machines/cri/volumetrees.js";
import { cell, MemFS } from "../../machines/cri/workload/memfs.js";
import { matchSuccessPolicy } from "../../machines/job/job.logic.js";
import { admitSysctls } from "../../machines/kubelet/admission.js";
import { nextStatus } from "../../machines/disruption/disruption.logic.js";
import { scaleUpLimit } from "../../machines/podautoscaler/replica.logic.js";
import { goFloat, kubeletServe, type DirTree } from "../../machines/kubelet/server.js";
import { attemptToDeleteItem } from "../../machines/garbagecollector/gc.logic.js";
import { inOrdinalRange, parentAndOrdinal } from "../../machines/statefulset/statefulset.logic.js";
import { admitToQuotas } from "../../machines/apiserver/admission/resourcequota.js";
import type { StatefulSet } from "kubernetes-types/apps/v1";

afterEach(() => setMutants([]));

const T0 = Date.parse("2026-01-01T00:00:00Z");

const zoneNode = (name: string, zone: string, cpu: string, labels: Record<string, string> = {}): Node => ({
  metadata: { name, labels: { [ZONE_LABEL]: zone, ...labels } },
  status: { allocatable: { cpu }, conditions: [{ type: "Ready", status: "True" }] },
});

/** Zones a and b with 2 CPUs each and a control-plane node of 4 CPUs in zone c: a and b get half each, c nothing. */
function controlPlaneLeftOut(): boolean {
  const r = cpuRatiosByZone([zoneNode("a1", "a", "2"), zoneNode("b1", "b", "2"), zoneNode("cp", "c", "4", { "node-role.kubernetes.io/control-plane": "" })]);
  return r !== undefined && r.size === 2 && r.get("a") === 0.5 && r.get("b") === 0.5;
}

/** Ratios 0.75 and 0.25 over 8 endpoints: minimums 5 and 2, one endpoint spare, so maximums 6 and 3. */
function maximumTakesTheSpare(): boolean {
  const got = getAllocations(new Map([["a", 0.75], ["b", 0.25]]), 8);
  if (!("allocations" in got)) return false;
  const a = got.allocations.get("a");
  const b = got.allocations.get("b");
  return a?.minimum === 5 && a.maximum === 6 && b?.minimum === 2 && b.maximum === 3;
}

/** topology-aware-hints "Disabled" beside topology-mode "Auto": the deprecated annotation wins, no hints. */
function deprecatedAnnotationWins(): boolean {
  return !hintsEnabled({ "service.kubernetes.io/topology-aware-hints": "Disabled", "service.kubernetes.io/topology-mode": "Auto" })
    && hintsEnabled({ "service.kubernetes.io/topology-mode": "Auto" });
}

/** A slice with 3 ready endpoints hinted to zone a, other unchanged slices holding 2 of a's hints, a's maximum 4: it is rewritten. */
function keptHintsCountWhatOthersHold(): boolean {
  const ep = (ip: string) => ({ addresses: [ip], zone: "a", conditions: { ready: true }, hints: { forZones: [{ name: "a" }] } });
  const slice: EndpointSlice = { metadata: { name: "s" }, addressType: "IPv4", endpoints: [ep("10.0.0.1"), ep("10.0.0.2"), ep("10.0.0.3")] };
  const allocations = new Map([["a", { maximum: 4 }], ["b", { maximum: 4 }]]);
  return getHintsByZone(slice, new Map([["a", 2]]), allocations) === undefined && getHintsByZone(slice, new Map(), allocations)?.get("a") === 3;
}

const kubelet = { name: "system:node:n1", groups: ["system:nodes", "system:authenticated"] };
const podsR = { group: "", resource: "pods" } as ResourceInfo;
const graphOf = (pods: Pod[], nodes: Node[] = []): NodeGraph => ({
  pod: (ns, name) => pods.find((p) => p.metadata?.namespace === ns && p.metadata?.name === name),
  podsOn: (n) => pods.filter((p) => p.spec?.nodeName === n),
  node: (name) => nodes.find((x) => x.metadata?.name === name),
});

/** Node n1 creating its mirror pod: admitted; the same pod with blockOwnerDeletion on its owner reference: refused. */
function mirrorPodMayNotBlockOwnerDeletion(): boolean {
  const mirror = (block: boolean) => ({
    metadata: { name: "static-n1", namespace: "default", annotations: { "kubernetes.io/config.mirror": "hash" }, ownerReferences: [{ apiVersion: "v1", kind: "Node", name: "n1", uid: "node-uid", controller: true, ...(block ? { blockOwnerDeletion: true } : {}) }] },
    spec: { nodeName: "n1", containers: [{ name: "c", image: "busybox" }] },
  });
  const graph = graphOf([], [{ metadata: { name: "n1", uid: "node-uid" } }]);
  const req = (obj: object): AdmissionRequest => ({ user: kubelet, operation: "CREATE", r: podsR, subresource: "", namespace: "default", name: "static-n1", obj });
  return admitNodeRestriction(req(mirror(false)), graph) === undefined && admitNodeRestriction(req(mirror(true)), graph)?.code === 403;
}

/** Node n1 may evict its own pod, not one bound to n2. */
function evictsOnlyItsOwnPods(): boolean {
  const graph = graphOf([
    { metadata: { name: "mine", namespace: "default" }, spec: { nodeName: "n1", containers: [] } },
    { metadata: { name: "theirs", namespace: "default" }, spec: { nodeName: "n2", containers: [] } },
  ]);
  const req = (name: string): AdmissionRequest => ({ user: kubelet, operation: "CREATE", r: podsR, subresource: "eviction", namespace: "default", name, obj: { metadata: { name } } });
  return admitNodeRestriction(req("mine"), graph) === undefined && admitNodeRestriction(req("theirs"), graph)?.code === 403;
}

/** A token bound to pod p with the stored uid is admitted; with an older uid (p deleted and created again) it is refused. */
function tokenBoundToStoredUid(): boolean {
  const graph = graphOf([{ metadata: { name: "p", namespace: "default", uid: "uid-2" }, spec: { nodeName: "n1", containers: [] } }]);
  const req = (uid: string): AdmissionRequest => ({
    user: kubelet, operation: "CREATE", r: { group: "", resource: "serviceaccounts" } as ResourceInfo, subresource: "token", namespace: "default", name: "default",
    obj: { spec: { boundObjectRef: { apiVersion: "v1", kind: "Pod", name: "p", uid } } },
  });
  return admitNodeRestriction(req("uid-2"), graph) === undefined && admitNodeRestriction(req("uid-1"), graph)?.code === 403;
}

const getAttrs = (resource: string, name: string): Attributes => ({ user: kubelet, verb: "get", resourceRequest: true, apiGroup: "", resource, subresource: "", namespace: "default", name, path: "", fieldSelector: [] });
const podOnN1 = (name: string, spec: Partial<NonNullable<Pod["spec"]>>, annotations?: Record<string, string>): Pod => ({
  metadata: { name, namespace: "default", ...(annotations ? { annotations } : {}) },
  spec: { nodeName: "n1", containers: [{ name: "c", image: "busybox" }], ...spec },
});

/** A secret named only by a mirror pod on n1 is not n1's to read; the same pod without the mirror annotation grants it. */
function mirrorPodGrantsNothing(): boolean {
  const spec = { volumes: [{ name: "s", secret: { secretName: "db" } }] };
  return !nodeAuthorize(getAttrs("secrets", "db"), graphOf([podOnN1("static", spec, { "kubernetes.io/config.mirror": "hash" })])).allowed
    && nodeAuthorize(getAttrs("secrets", "db"), graphOf([podOnN1("static", spec)])).allowed;
}

/** Pod p on n1 with a generic ephemeral volume "data": n1 may get the claim p-data. */
function ephemeralClaimReadable(): boolean {
  const graph = graphOf([podOnN1("p", { volumes: [{ name: "data", ephemeral: { volumeClaimTemplate: { spec: { accessModes: ["ReadWriteOnce"] } } } }] })]);
  return nodeAuthorize(getAttrs("persistentvolumeclaims", "p-data"), graph).allowed && !nodeAuthorize(getAttrs("persistentvolumeclaims", "p-other"), graph).allowed;
}

/** A secret and a configmap only an init container names are n1's to read. */
function initContainerReferencesReadable(): boolean {
  const graph = graphOf([podOnN1("p", { initContainers: [{ name: "init", image: "busybox", env: [{ name: "K", valueFrom: { secretKeyRef: { name: "init-secret", key: "k" } } }], envFrom: [{ configMapRef: { name: "init-config" } }] }] })]);
  return nodeAuthorize(getAttrs("secrets", "init-secret"), graph).allowed && nodeAuthorize(getAttrs("configmaps", "init-config"), graph).allowed;
}

function estimated(src: string): string {
  const c = compileCel(src, { variables: [], libraries: "crd" });
  if (!c.ok) return `compile: ${c.message}`;
  const r = estimateCelCost(c.program);
  return `${r.min}..${r.max}`;
}

/** size({'a': 1}) == 1: a map literal costs 30, size 1, == 1: 32. */
function mapLiteralCostsThirty(): boolean {
  return estimated("size({'a': 1}) == 1") === "32..32";
}

/** A 26-character string contains a 20-character one: ceil(2.6) * ceil(2.0) = 6. */
function containsMultipliesBothLengths(): boolean {
  return estimated("'abcdefghijklmnopqrstuvwxyz'.contains('abcdefghijklmnopqrst')") === "6..6";
}

const statOf = (tree: ReturnType<typeof emptyDirTree>, path: string) => {
  const st = new MemFS(cell(tree)).stat(path);
  return "error" in st ? undefined : st;
};

/** An emptyDir of medium Memory has a 1777 root; one on disk 0777. */
function tmpfsKeepsStickyBit(): boolean {
  return statOf(emptyDirTree({ memory: true }, T0), "/")?.mode === 0o1777 && statOf(emptyDirTree({}, T0), "/")?.mode === 0o777;
}

/** defaultMode 0400 with the item "key" at mode 0600: key is 0600, other 0400. */
function itemKeepsItsMode(): boolean {
  const tree = payloadTree({ key: "k", other: "o" }, { defaultMode: 0o400, modes: { key: 0o600 } }, T0, "sb/v");
  return statOf(tree, "/key")?.mode === 0o600 && statOf(tree, "/other")?.mode === 0o400;
}

/** A secret volume's 0644 file under fsGroup 2000: group 2000, mode 0644 (r--r----- added, no group write). */
function payloadNotGroupWritable(): boolean {
  const st = statOf(payloadTree({ key: "k" }, { defaultMode: 0o644, fsGroup: 2000 }, T0, "sb/v"), "/key");
  return st?.gid === 2000 && st.mode === 0o644;
}

/** A rule with succeededIndexes "0-4" and succeededCount 2: indexes 1 and 3 succeeded meet it. */
function succeededCountOfIndexesSuffices(): boolean {
  const policy = { rules: [{ succeededIndexes: "0-4", succeededCount: 2 }] };
  return matchSuccessPolicy(policy, 5, new Set([1, 3])) === "Matched rules at index 0" && matchSuccessPolicy(policy, 5, new Set([3])) === undefined;
}

const sysctlPod = (name: string, hostNetwork = false): Pod => ({ metadata: { name: "p" }, spec: { hostNetwork, containers: [], securityContext: { sysctls: [{ name, value: "1" }] } } });

/** net/ipv4/tcp_syncookies is net.ipv4.tcp_syncookies, a safe sysctl: admitted. */
function slashNameNormalized(): boolean {
  return admitSysctls(sysctlPod("net/ipv4/tcp_syncookies")) === undefined;
}

/** net.ipv4.tcp_syncookies with hostNetwork is refused: SysctlForbidden. */
function netSysctlRefusedWithHostNetwork(): boolean {
  return admitSysctls(sysctlPod("net.ipv4.tcp_syncookies"))?.reason === undefined && admitSysctls(sysctlPod("net.ipv4.tcp_syncookies", true))?.reason === "SysctlForbidden";
}

/** 1 healthy of 3 desired: disruptionsAllowed 0. */
function disruptionsAllowedNeverNegative(): boolean {
  const pdb: PodDisruptionBudget = { metadata: { name: "b", namespace: "default", generation: 1 }, spec: { minAvailable: 3 } };
  return nextStatus(pdb, 1, 3, 3, {}, T0)?.disruptionsAllowed === 0;
}

/** Pods policy of 4 per 60 s, 4 replicas, 2 added exactly 60 s ago: the limit is 8 (that event is out of the period). */
function periodExcludesItsEdge(): boolean {
  const rules = { selectPolicy: "Max", policies: [{ type: "Pods", value: 4, periodSeconds: 60 }] };
  return scaleUpLimit(4, [{ change: 2, at: T0 - 60_000, outdated: false }], rules, T0) === 8
    && scaleUpLimit(4, [{ change: 2, at: T0 - 59_000, outdated: false }], rules, T0) === 6;
}

/** scaleUp selectPolicy Disabled: the limit is the current 3 replicas. */
function disabledScaleUpScalesNone(): boolean {
  return scaleUpLimit(3, [], { selectPolicy: "Disabled", policies: [{ type: "Pods", value: 4, periodSeconds: 60 }] }, T0) === 3;
}

/** Pod a with a ready sandbox, pod b with only a stopped one: kubelet_running_pods is 1. */
function runningPodsCountsReadySandboxes(): boolean {
  const body = kubeletServe("GET", "/metrics", {
    node: "n1", nodeObj: { metadata: { name: "n1" } }, now: T0, samples: [], pods: [], varLog: undefined as unknown as DirTree,
    sandboxes: [{ podUid: "a", state: "SANDBOX_READY" }, { podUid: "b", state: "SANDBOX_NOTREADY" }], containers: [{ state: "CONTAINER_RUNNING" }],
  }).body;
  return body.split("\n").includes("kubelet_running_pods 1");
}

/** strconv.FormatFloat(v, 'g', -1, 64): 123456 is 123456, 1e6 is 1e+06, 2.5e6 is 2.5e+06. */
function sampleFloatsAsGoWritesThem(): boolean {
  return goFloat(123456) === "123456" && goFloat(1e6) === "1e+06" && goFloat(2.5e6) === "2.5e+06";
}

/** A pod whose ReplicaSet is gone, carrying the orphan finalizer: deleted with propagation Orphan. */
function dependentKeepsItsOrphanPolicy(): boolean {
  const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: "default", uid: "pod-uid", finalizers: ["orphan"], ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "rs", uid: "rs-uid" }] } };
  const actions = attemptToDeleteItem(pod, [pod]);
  return actions.length === 1 && actions[0]!.type === "delete" && (actions[0] as { propagationPolicy?: string }).propagationPolicy === "Orphan";
}

/** web-2147483647 is ordinal 2147483647; web-2147483648 overflows int32: no ordinal. */
function ordinalIsInt32(): boolean {
  return parentAndOrdinal("web-2147483647")[1] === 2147483647 && parentAndOrdinal("web-2147483648")[1] === -1;
}

/** A set with ordinals.start 5 and 3 replicas: web-4 is out of range, web-5 and web-7 in, web-8 out. */
function rangeStartsAtStart(): boolean {
  const set: StatefulSet = { metadata: { name: "web" }, spec: { replicas: 3, ordinals: { start: 5 }, serviceName: "web", selector: {}, template: {} } };
  const at = (n: number) => inOrdinalRange({ metadata: { name: `web-${n}` } }, set);
  return !at(4) && at(5) && at(7) && !at(8);
}

const cpuQuota = (status: object) => ({ metadata: { name: "q", namespace: "default" }, spec: { hard: { "requests.cpu": "2" } }, status });

/** Under a requests.cpu quota, an init container stating no cpu request is refused: must specify requests.cpu for: init. */
function initContainersMustStateRequests(): boolean {
  const pod = {
    metadata: { name: "p", namespace: "default" },
    spec: { initContainers: [{ name: "init", image: "busybox" }], containers: [{ name: "main", image: "busybox", resources: { requests: { cpu: "100m" } } }] },
  };
  const r = admitToQuotas(pod, [cpuQuota({ hard: { "requests.cpu": "2" }, used: { "requests.cpu": "0" } })], T0);
  return "refused" in r && r.refused === "failed quota: q: must specify requests.cpu for: init";
}

/** A quota whose status.used does not list requests.cpu yet refuses the pod: status unknown for quota. */
function unknownUsageRefuses(): boolean {
  const pod = { metadata: { name: "p", namespace: "default" }, spec: { containers: [{ name: "main", image: "busybox", resources: { requests: { cpu: "100m" } } }] } };
  const r = admitToQuotas(pod, [cpuQuota({ hard: { "requests.cpu": "2" } })], T0);
  const known = admitToQuotas(pod, [cpuQuota({ hard: { "requests.cpu": "2" }, used: { "requests.cpu": "0" } })], T0);
  return "refused" in r && r.refused === "status unknown for quota: q, resources: requests.cpu" && "charges" in known && known.charges.length === 1;
}

describe("round twenty-four's mutants", () => {
  const rows: Array<[string, () => boolean | Promise<boolean>]> = [
    ["topology.control-plane-node-counted", controlPlaneLeftOut],
    ["topology.maximum-without-spare", maximumTakesTheSpare],
    ["topology.mode-annotation-wins", deprecatedAnnotationWins],
    ["topology.kept-hints-ignore-allocated", keptHintsCountWhatOthersHold],
    ["noderestriction.mirror-pod-blocks-owner-deletion", mirrorPodMayNotBlockOwnerDeletion],
    ["noderestriction.evicts-other-nodes-pods", evictsOnlyItsOwnPods],
    ["noderestriction.token-pod-uid-unchecked", tokenBoundToStoredUid],
    ["nodeauthz.mirror-pod-references-granted", mirrorPodGrantsNothing],
    ["nodeauthz.ephemeral-claim-missed", ephemeralClaimReadable],
    ["nodeauthz.init-container-references-missed", initContainerReferencesReadable],
    ["celcost.map-create-costs-list", mapLiteralCostsThirty],
    ["celcost.contains-ignores-substring", containsMultipliesBothLengths],
    ["volumetrees.tmpfs-loses-sticky-bit", tmpfsKeepsStickyBit],
    ["volumetrees.item-mode-ignored", itemKeepsItsMode],
    ["volumetrees.payload-group-writable", payloadNotGroupWritable],
    ["job.success-indexes-count-ignored", succeededCountOfIndexesSuffices],
    ["kubelet.sysctl-slash-name-unnormalized", slashNameNormalized],
    ["kubelet.sysctl-host-namespace-allowed", netSysctlRefusedWithHostNetwork],
    ["disruption.allowed-not-clamped-at-zero", disruptionsAllowedNeverNegative],
    ["hpa.policy-period-edge-included", periodExcludesItsEdge],
    ["hpa.scale-up-disabled-ignored", disabledScaleUpScalesNone],
    ["kubelet.metrics-running-pods-counts-stopped", runningPodsCountsReadySandboxes],
    ["kubelet.metrics-float-exponent-late", sampleFloatsAsGoWritesThem],
    ["gc.dependent-orphan-finalizer-ignored", dependentKeepsItsOrphanPolicy],
    ["statefulset.ordinal-past-int32", ordinalIsInt32],
    ["statefulset.ordinal-range-from-zero", rangeStartsAtStart],
    ["quota.admission-init-containers-unchecked", initContainersMustStateRequests],
    ["quota.admission-unknown-status-admits", unknownUsageRefuses],
  ];
  for (const [name, holds] of rows) {
    it(`${name}: the rule holds, and the mutant breaks it`, async () => {
      expect(await holds()).toBe(true);
      setMutants([name]);
      expect(await holds()).toBe(false);
    });
  }
});
