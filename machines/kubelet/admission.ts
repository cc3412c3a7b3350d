// The kubelet's pod admission (HandlePodAdditions -> canAdmitPod): a pod new to the node passes each
// admit handler in turn, and the first refusal rejects it (rejectPod): a Warning event with the
// handler's reason and message, and the status Failed, that reason, "Pod was rejected: " + message.
// Modelled: the sysctl allowlist (pkg/kubelet/sysctl/allowlist.go), the kubelet's safe sysctls the
// node's kernel has, with no --allowed-unsafe-sysctls (a kind node's default); then the predicate admit handler
// (pkg/kubelet/lifecycle/predicate.go): the OS checks and GeneralPredicates against the pods the
// node already admitted (a pod bound by spec.nodeName skips the scheduler's filters).

import type { Container, Node, Pod } from "kubernetes-types/core/v1";
import { goQuote } from "../common/goquote.js";
import { defaultMachine, nodeKernelRelease } from "../common/kernel.js";
import { intValue, milliValue } from "../common/quantity.js";
import { requiredNodeAffinityMatches } from "../common/labels.js";
import { hostPorts, podRequests, portsConflict } from "../common/resourcehelper.js";
import { findMatchingUntoleratedTaint } from "../common/taints.js";
import { isExtendedResourceName } from "../common/quota.js";
import { isStaticPod } from "./status.js";
import { anyMutant, mutant } from "../common/mutation.js";

export interface Rejection {
  reason: string;
  message: string;
}

/** pkg/kubelet/sysctl: ForbiddenReason */
export const sysctlForbiddenReason = "SysctlForbidden";

// pkg/kubelet/sysctl/safe_sysctls.go: the safe sysctls, each namespaced by IPC or Net, and the
// kernel that first namespaced it (pkg/util/kernel's constants) where it is not always there.
const safeSysctls: readonly (readonly [string, "IPC" | "Net", string?])[] = [
  ["kernel.shm_rmid_forced", "IPC"],
  ["net.ipv4.ip_local_port_range", "Net"],
  ["net.ipv4.tcp_syncookies", "Net"],
  ["net.ipv4.ping_group_range", "Net"],
  ["net.ipv4.ip_unprivileged_port_start", "Net"],
  ["net.ipv4.ip_local_reserved_ports", "Net", "3.16"],
  ["net.ipv4.tcp_keepalive_time", "Net", "4.5"],
  ["net.ipv4.tcp_fin_timeout", "Net", "4.6"],
  ["net.ipv4.tcp_keepalive_intvl", "Net", "4.5"],
  ["net.ipv4.tcp_keepalive_probes", "Net", "4.5"],
  ["net.ipv4.tcp_rmem", "Net", "4.15"],
  ["net.ipv4.tcp_wmem", "Net", "4.15"],
];

/** version.ParseGeneric's leading numbers of a kernel release ("6.8.0-1017-gcp": 6, 8, 0), compared as AtLeast does. */
function kernelAtLeast(release: string, min: string): boolean {
  const nums = (v: string) => (/^\d+(\.\d+)*/.exec(v)?.[0] ?? "").split(".").filter((x) => x !== "").map(Number);
  const have = nums(release);
  const want = nums(min);
  for (let i = 0; i < Math.max(have.length, want.length); i++) {
    const d = (have[i] ?? 0) - (want[i] ?? 0);
    if (d !== 0) return d > 0;
  }
  return true;
}

/** SafeSysctlAllowlist: the safe sysctls the node's kernel has (an unparsable release keeps only the ungated ones). */
export function safeSysctlAllowlist(kernelRelease: string): ReadonlyMap<string, "IPC" | "Net"> {
  const parsed = /^\d+\.\d+/.test(kernelRelease);
  return new Map(safeSysctls.filter(([, , min]) => min === undefined || (parsed && kernelAtLeast(kernelRelease, min))).map(([name, ns]) => [name, ns] as const));
}

// the simulated nodes' kernel has every one of them
const nodeSafeSysctls = safeSysctlAllowlist(nodeKernelRelease);

/**
 * component-helpers' sysctl NormalizeName: a name whose first separator is '/' has '/' and '.'
 * swapped (net/ipv4/conf/eno2.100/rp_filter is net.ipv4.conf.eno2/100.rp_filter).
 */
export function normalizeSysctlName(name: string): string {
  const first = name.search(/[./]/);
  if (first === -1 || name[first] === ".") return name;
  return name.replace(/[./]/g, (ch) => (ch === "." ? "/" : "."));
}

/** patternAllowlist.validateSysctl: the error's text, or undefined when the sysctl is allowed. */
function validateSysctl(raw: string, hostNet: boolean, hostIPC: boolean): string | undefined {
  const name = mutant("kubelet.sysctl-slash-name-unnormalized") ? raw : normalizeSysctlName(raw);
  const ns = nodeSafeSysctls.get(name);
  if (ns === undefined) return `${goQuote(name)} not allowlisted`;
  if (((ns === "IPC" && hostIPC) || (ns === "Net" && hostNet)) && !mutant("kubelet.sysctl-host-namespace-allowed")) return `${goQuote(name)} not allowed with host ${ns} enabled`;
  return undefined;
}

/** patternAllowlist.Admit: the first sysctl of the pod's securityContext that is not allowed rejects it. */
export function admitSysctls(pod: Pod): Rejection | undefined {
  const spec = pod.spec;
  const sysctls = spec?.securityContext?.sysctls ?? [];
  for (const s of sysctls) {
    const err = validateSysctl(s.name ?? "", spec?.hostNetwork === true, spec?.hostIPC === true);
    if (err !== undefined) return { reason: sysctlForbiddenReason, message: `forbidden sysctl: ${err}` };
  }
  return undefined;
}

// ---- the predicate admit handler -----------------------------------------------------------

/** What the node gives pods: its allocatable cpu (millicores), memory (bytes) and pod count. */
export interface Allocatable {
  cpu: number;
  memory: number;
  pods: number;
}

export function allocatableOf(node: Node | undefined): Allocatable {
  const a: Record<string, string | number> = { ...defaultMachine, ...(node?.status?.capacity ?? {}), ...(node?.status?.allocatable ?? {}) };
  return { cpu: milliValue(a.cpu!), memory: intValue(a.memory!), pods: intValue(a.pods!) };
}

// v1helper.IsPrefixedNativeResource / IsScalarResourceName
const isPrefixedNative = (name: string) => name.includes("kubernetes.io/");
const isScalarResourceName = (name: string) =>
  isExtendedResourceName(name) || name.startsWith("hugepages-") || isPrefixedNative(name) || name.startsWith("attachable-volumes-");

/**
 * removeMissingExtendedResources: the pod's containers' and init containers' extended-resource
 * requests that the node's allocatable does not list are dropped (cluster-level and DRA-backed
 * resources are unknown to nodes); limits are kept, as PodFitsResources reads requests only.
 */
export function removeMissingExtendedResources(pod: Pod, node: Node): Pod {
  const alloc = node.status?.allocatable ?? {};
  const filter = (cs: Container[] | undefined): Container[] | undefined =>
    cs?.map((c) => {
      const requests = Object.fromEntries(Object.entries(c.resources?.requests ?? {}).filter(([k]) => !isExtendedResourceName(k) || (Object.hasOwn(alloc, k) && isScalarResourceName(k))));
      return { ...c, resources: { ...c.resources, requests } };
    });
  const spec = pod.spec;
  if (spec === undefined) return pod;
  const containers = filter(spec.containers) ?? [];
  const initContainers = filter(spec.initContainers);
  return { ...pod, spec: { ...spec, containers, ...(initContainers !== undefined ? { initContainers } : {}) } };
}

/** nodeports.Fits: no port the pod asks for is taken on the node. */
function portsFit(pod: Pod, others: readonly Pod[]): boolean {
  const wanted = hostPorts(pod);
  if (wanted.length === 0) return true;
  const used = others.flatMap(hostPorts);
  return !wanted.some((w) => used.some((u) => portsConflict(w, u)));
}

/**
 * predicate.go's PredicateFailureReason: an InsufficientResourceError (resource, requested, used,
 * capacity: millicores for cpu, else the integer value) or a plugin's PredicateFailureError.
 */
export type PredicateFailureReason =
  | { kind: "insufficient"; resourceName: string; requested: number; used: number; capacity: number }
  | { kind: "predicate"; predicateName: string; predicateDesc: string };

const predicateError = (predicateName: string, predicateDesc: string): PredicateFailureReason => ({ kind: "predicate", predicateName, predicateDesc });
const insufficientError = (resourceName: string, requested: number, used: number, capacity: number): PredicateFailureReason => ({ kind: "insufficient", resourceName, requested, used, capacity });

// the plugins' ErrReason texts
const nodeAffinityErrReasonPod = "node(s) didn't match Pod's node affinity/selector";
const nodeNameErrReason = "node(s) didn't match the requested node name";
const nodePortsErrReason = "node(s) didn't have free ports for the requested pod ports";
const taintErrReasonNotMatch = "node(s) had untolerated taint(s)";

// An admitted pod's requests as the node counts them, per frozen pod object (otherAllocatedPods
// gives the same one while the pod and its allocation are unchanged): each admission sums them all.
const counted = new WeakMap<Pod, ReadonlyMap<string, number>>();

function countedRequests(o: Pod): ReadonlyMap<string, number> {
  if (!Object.isFrozen(o) || anyMutant()) return podRequests(o, { useStatusResources: true });
  let r = counted.get(o);
  if (r === undefined) counted.set(o, (r = podRequests(o, { useStatusResources: true })));
  return r;
}

/**
 * noderesources.Fits over a NodeInfo of `others` on `node`: pods, then cpu, memory,
 * ephemeral-storage, then the scalar resources (Go ranges over a map; sorted here).
 */
function fitsResources(pod: Pod, node: Node, others: readonly Pod[]): PredicateFailureReason[] {
  const out: PredicateFailureReason[] = [];
  const alloc = allocatableOf(node);
  if (others.length + (mutant("kubelet.admit-pod-count-off-by-one") ? 0 : 1) > alloc.pods) out.push(insufficientError("pods", 1, others.length, alloc.pods));
  const req = podRequests(pod);
  const used = new Map<string, number>();
  for (const o of others) {
    // NodeInfo.AddPod counts an admitted pod as a resize in progress leaves it (UseStatusResources)
    for (const [k, v] of countedRequests(o)) used.set(k, (used.get(k) ?? 0) + v);
  }
  const allocList = node.status?.allocatable ?? {};
  const capOf = (name: string): number => {
    if (name === "cpu") return alloc.cpu;
    if (name === "memory") return alloc.memory;
    const q = Object.hasOwn(allocList, name) ? allocList[name] : undefined;
    return q === undefined ? 0 : intValue(q);
  };
  const scalar = [...req.keys()].filter(isScalarResourceName).sort();
  const want = (name: string) => req.get(name) ?? 0;
  if (want("cpu") === 0 && want("memory") === 0 && want("ephemeral-storage") === 0 && scalar.length === 0) return out;
  for (const name of ["cpu", "memory", "ephemeral-storage", ...scalar]) {
    const q = want(name);
    if (q === 0) continue;
    const u = used.get(name) ?? 0;
    const cap = capOf(name);
    if (q > cap - u) out.push(insufficientError(name, q, u, cap));
  }
  return out;
}

/**
 * generalFilter (pkg/kubelet/lifecycle/predicate.go): scheduler.AdmissionCheck with every failure
 * (noderesources.Fits, NodeAffinity, NodeName, NodePorts), then an untolerated NoExecute taint
 * unless the pod is static. `others` are the node's admitted active pods.
 */
export function generalFilter(pod: Pod, node: Node, others: readonly Pod[]): PredicateFailureReason[] {
  const reasons = fitsResources(pod, node, others);
  if (!requiredNodeAffinityMatches(pod, node)) reasons.push(predicateError("NodeAffinity", nodeAffinityErrReasonPod));
  const nodeName = pod.spec?.nodeName ?? "";
  if (nodeName !== "" && nodeName !== (node.metadata?.name ?? "")) reasons.push(predicateError("NodeName", nodeNameErrReason));
  if (!portsFit(pod, others)) reasons.push(predicateError("NodePorts", nodePortsErrReason));
  // the kubelet is only interested in NoExecute taints (a static pod is not checked)
  if (!isStaticPod(pod) && findMatchingUntoleratedTaint(node.spec?.taints, pod.spec?.tolerations, (t) => t.effect === "NoExecute" || (mutant("kubelet.admit-checks-noschedule-taints") && t.effect === "NoSchedule"))) {
    reasons.push(predicateError("TaintToleration", taintErrReasonNotMatch));
  }
  return reasons;
}

/**
 * predicateAdmitHandler.generalFilter: when node affinity is the only failure, the node is read
 * again synchronously (`freshNode`: the API's copy, its labels perhaps newer than the cache's)
 * and the filter runs once more against it.
 */
export function handlerGeneralFilter(pod: Pod, cachedNode: Node, others: readonly Pod[], freshNode?: () => Node | undefined): PredicateFailureReason[] {
  const reasons = generalFilter(pod, cachedNode, others);
  if (reasons.length === 0 || reasons.some((r) => r.kind !== "predicate" || r.predicateDesc !== nodeAffinityErrReasonPod)) return reasons;
  const fresh = freshNode?.();
  return fresh === undefined ? reasons : generalFilter(pod, fresh, others);
}

/** rejectPodAdmissionBasedOnOSSelector: the node's os label counts as runtime.GOOS (linux) whatever it says. */
export function rejectPodAdmissionBasedOnOSSelector(pod: Pod): boolean {
  const labels = pod.metadata?.labels;
  if (labels === undefined || !Object.hasOwn(labels, "kubernetes.io/os")) return false;
  return labels["kubernetes.io/os"] !== "linux";
}

/** rejectPodAdmissionBasedOnOSField: spec.os, when set, must name runtime.GOOS (linux). */
export function rejectPodAdmissionBasedOnOSField(pod: Pod): boolean {
  const os = pod.spec?.os;
  return os !== undefined && os !== null && os.name !== "linux";
}

/**
 * rejectPodAdmissionBasedOnSupplementalGroupsPolicy (the feature is beta or GA in v1.35): a pod
 * asking for Strict on a node whose status.features does not report SupplementalGroupsPolicy.
 */
export function rejectPodAdmissionBasedOnSupplementalGroupsPolicy(pod: Pod, node: Node): boolean {
  const policy = (pod.spec?.securityContext as { supplementalGroupsPolicy?: string } | undefined)?.supplementalGroupsPolicy;
  if (policy === undefined || policy === null) return false;
  const supported = (node.status as { features?: { supplementalGroupsPolicy?: boolean } } | undefined)?.features?.supplementalGroupsPolicy === true;
  return policy === "Strict" && !supported;
}

// Admit's reason for an InsufficientResourceError's resource
const outOf: ReadonlyMap<string, string> = new Map([["cpu", "OutOfcpu"], ["memory", "OutOfmemory"], ["ephemeral-storage", "OutOfephemeral-storage"], ["pods", "OutOfpods"]]);

/** Admit's (reason, message) for the first failure reason. */
export function rejectionFor(r: PredicateFailureReason): Rejection {
  if (r.kind === "predicate") return { reason: r.predicateName, message: `Predicate ${r.predicateName} failed: ${r.predicateDesc}` };
  return {
    reason: outOf.get(r.resourceName) ?? `OutOf${r.resourceName}`,
    message: `Node didn't have enough resource: ${r.resourceName}, requested: ${r.requested}, used: ${r.used}, capacity: ${r.capacity}`,
  };
}

/**
 * predicateAdmitHandler.Admit: the OS label and field and SupplementalGroupsPolicy first (checks
 * preemption cannot help), then generalFilter on the pod without the extended resources the node
 * does not list, its first reason rejecting the pod.
 */
export function admitPredicates(pod: Pod, node: Node, others: readonly Pod[], freshNode?: () => Node | undefined): Rejection | undefined {
  if (rejectPodAdmissionBasedOnOSSelector(pod)) {
    return { reason: "PodOSSelectorNodeLabelDoesNotMatch", message: "Failed to admit pod as the `kubernetes.io/os` label doesn't match node label" };
  }
  if (rejectPodAdmissionBasedOnOSField(pod)) return { reason: "PodOSNotSupported", message: "Failed to admit pod as the OS field doesn't match node OS" };
  if (rejectPodAdmissionBasedOnSupplementalGroupsPolicy(pod, node)) {
    return { reason: "SupplementalGroupsPolicyNotSupported", message: "SupplementalGroupsPolicy=Strict is not supported in this node" };
  }
  const reasons = handlerGeneralFilter(removeMissingExtendedResources(pod, node), node, others, freshNode);
  return reasons.length === 0 ? undefined : rejectionFor(reasons[0]!);
}

/** canAdmitPod over the modelled admit handlers, in the kubelet's order: the sysctl allowlist, then the predicates. */
export function admitPod(pod: Pod, node: Node, others: readonly Pod[]): Rejection | undefined {
  return admitSysctls(pod) ?? admitPredicates(pod, node, others);
}
