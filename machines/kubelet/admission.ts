// The kubelet's pod admission (HandlePodAdditions -> canAdmitPod): a pod new to the node passes each
// admit handler in turn, and the first refusal rejects it (rejectPod): a Warning event with the
// handler's reason and message, and the status Failed, that reason, "Pod was rejected: " + message.
// Modelled: the sysctl allowlist (pkg/kubelet/sysctl/allowlist.go), the kubelet's safe sysctls
// with no --allowed-unsafe-sysctls (a kind node's default); then the predicate admit handler
// (pkg/kubelet/lifecycle/predicate.go): the OS checks and GeneralPredicates against the pods the
// node already admitted (a pod bound by spec.nodeName skips the scheduler's filters).

import type { Node, Pod } from "kubernetes-types/core/v1";
import { goQuote } from "../common/goquote.js";
import { defaultMachine } from "../common/kernel.js";
import { intValue, milliValue } from "../common/quantity.js";
import { requiredNodeAffinityMatches } from "../common/labels.js";
import { hostPorts, podRequests, portsConflict } from "../common/resourcehelper.js";
import { findMatchingUntoleratedTaint } from "../common/taints.js";
import { isStaticPod } from "./status.js";
import { mutant } from "../common/mutation.js";

export interface Rejection {
  reason: string;
  message: string;
}

/** pkg/kubelet/sysctl: ForbiddenReason */
export const sysctlForbiddenReason = "SysctlForbidden";

// SafeSysctlAllowlist (pkg/kubelet/sysctl/safe_sysctls.go) on a kernel new enough for each
// (kind's nodes run the host's kernel); every one is namespaced by IPC or Net.
const safeSysctls: ReadonlyMap<string, "IPC" | "Net"> = new Map([
  ["kernel.shm_rmid_forced", "IPC"],
  ["net.ipv4.ip_local_port_range", "Net"],
  ["net.ipv4.tcp_syncookies", "Net"],
  ["net.ipv4.ping_group_range", "Net"],
  ["net.ipv4.ip_unprivileged_port_start", "Net"],
  ["net.ipv4.ip_local_reserved_ports", "Net"],
  ["net.ipv4.tcp_keepalive_time", "Net"],
  ["net.ipv4.tcp_fin_timeout", "Net"],
  ["net.ipv4.tcp_keepalive_intvl", "Net"],
  ["net.ipv4.tcp_keepalive_probes", "Net"],
  ["net.ipv4.tcp_rmem", "Net"],
  ["net.ipv4.tcp_wmem", "Net"],
]);

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
  const name = normalizeSysctlName(raw);
  const ns = safeSysctls.get(name);
  if (ns === undefined) return `${goQuote(name)} not allowlisted`;
  if ((ns === "IPC" && hostIPC) || (ns === "Net" && hostNet)) return `${goQuote(name)} not allowed with host ${ns} enabled`;
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

/** resourcehelper.PodRequests' cpu (millicores) and memory (bytes): what noderesources.Fits compares. */
function cpuMemory(requests: ReadonlyMap<string, number>): { cpu: number; memory: number } {
  return { cpu: requests.get("cpu") ?? 0, memory: requests.get("memory") ?? 0 };
}

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

/** nodeports.Fits: no port the pod asks for is taken on the node. */
function portsFit(pod: Pod, others: readonly Pod[]): boolean {
  const wanted = hostPorts(pod);
  if (wanted.length === 0) return true;
  const used = others.flatMap(hostPorts);
  return !wanted.some((w) => used.some((u) => portsConflict(w, u)));
}

// predicate.go's reasons, and the plugins' ErrReason texts a PredicateFailureError carries
const predicateFailure = (name: string, desc: string): Rejection => ({ reason: name, message: `Predicate ${name} failed: ${desc}` });
const outOf: Record<string, string> = { cpu: "OutOfcpu", memory: "OutOfmemory", pods: "OutOfpods" };
const insufficient = (name: "cpu" | "memory" | "pods", requested: number, used: number, capacity: number): Rejection => ({
  reason: outOf[name]!, message: `Node didn't have enough resource: ${name}, requested: ${requested}, used: ${used}, capacity: ${capacity}`,
});

/**
 * predicateAdmitHandler.Admit: the OS label and field first, then generalFilter's reasons in their
 * order (noderesources.Fits: pods, cpu, memory; NodeAffinity; NodePorts; an untolerated NoExecute
 * taint), the first of them rejecting the pod. `others` are the node's admitted active pods.
 */
export function admitPredicates(pod: Pod, node: Node, others: readonly Pod[]): Rejection | undefined {
  // rejectPodAdmissionBasedOnOSSelector: the node's os label counts as runtime.GOOS (linux) whatever it says
  const podOS = pod.metadata?.labels?.["kubernetes.io/os"];
  if (podOS !== undefined && podOS !== "linux") {
    return { reason: "PodOSSelectorNodeLabelDoesNotMatch", message: "Failed to admit pod as the `kubernetes.io/os` label doesn't match node label" };
  }
  if (pod.spec?.os?.name !== undefined && pod.spec.os.name !== "linux") return { reason: "PodOSNotSupported", message: "Failed to admit pod as the OS field doesn't match node OS" };
  const alloc = allocatableOf(node);
  if (others.length + (mutant("kubelet.admit-pod-count-off-by-one") ? 0 : 1) > alloc.pods) return insufficient("pods", 1, others.length, alloc.pods);
  const req = cpuMemory(podRequests(pod));
  const used = { cpu: 0, memory: 0 };
  for (const o of others) {
    // NodeInfo.AddPod counts an admitted pod as a resize in progress leaves it (UseStatusResources)
    const r = cpuMemory(podRequests(o, { useStatusResources: true }));
    used.cpu += r.cpu;
    used.memory += r.memory;
  }
  if (req.cpu > 0 && req.cpu > alloc.cpu - used.cpu) return insufficient("cpu", req.cpu, used.cpu, alloc.cpu);
  if (req.memory > 0 && req.memory > alloc.memory - used.memory) return insufficient("memory", req.memory, used.memory, alloc.memory);
  if (!requiredNodeAffinityMatches(pod, node)) return predicateFailure("NodeAffinity", "node(s) didn't match Pod's node affinity/selector");
  if (!portsFit(pod, others)) return predicateFailure("NodePorts", "node(s) didn't have free ports for the requested pod ports");
  // the kubelet is only interested in NoExecute taints (a static pod is not checked)
  if (!isStaticPod(pod) && findMatchingUntoleratedTaint(node.spec?.taints, pod.spec?.tolerations, (t) => t.effect === "NoExecute" || (mutant("kubelet.admit-checks-noschedule-taints") && t.effect === "NoSchedule"))) {
    return predicateFailure("TaintToleration", "node(s) had untolerated taint(s)");
  }
  return undefined;
}

/** canAdmitPod over the modelled admit handlers, in the kubelet's order: the sysctl allowlist, then the predicates. */
export function admitPod(pod: Pod, node: Node, others: readonly Pod[]): Rejection | undefined {
  return admitSysctls(pod) ?? admitPredicates(pod, node, others);
}
