// The kubelet's Node object and Lease: what it registers, what its status says, and the
// heartbeat wording (pkg/kubelet/nodestatus/setters.go). Pure: time comes in as `now`.

import { defaultMachine, nodeKernelRelease } from "../common/kernel.js";
import type { Node, NodeCondition, NodeStatus } from "kubernetes-types/core/v1";
import { deepEqual } from "../common/equal.js";
import { rfc3339, rfc3339Micro } from "../common/time.js";
import { digestOf } from "../common/digest.js";
import { addressAtOffset, formatCIDR, intToIp, parseCIDR } from "../common/ip.js";
import { mutant } from "../common/mutation.js";
import { splitNodeMarks } from "../common/kubeletlabels.js";

/** How often the kubelet renews its Lease (renewInterval = 25% of the 40 s lease duration). */
export const leaseRenewIntervalMs = 10_000;
export const leaseDurationSeconds = 40;
/** nodeStatusUpdateFrequency: how often the kubelet computes its status. */
export const nodeStatusUpdateFrequencyMs = 10_000;
/** nodeStatusReportFrequency: the longest the kubelet goes without posting an unchanged status. */
export const nodeStatusReportFrequencyMs = 300_000;
export const kubeletVersion = "v1.35.0";
export const containerRuntimeVersion = "containerd://2.1.0";

/** kind's docker network: the gateway is .0.1, nodes get addresses from .0.2 on. */
const nodeNetwork = parseCIDR("172.18.0.0/16");

/** The InternalIP of the i-th node (0-based), as kind's docker network hands them out: past
 * 172.18.0.255 the next node is 172.18.1.0, as docker's IPAM counts through the /16. */
export function internalIPFor(index: number): string {
  const offset = index + 2;
  // docker's IPAM hands out every address of the /16 but its network and broadcast addresses
  if (!Number.isInteger(index) || index < 0 || offset >= nodeNetwork.size - 1) throw new Error(`no address left in ${formatCIDR(nodeNetwork)} for node index ${index}`);
  return intToIp(nodeNetwork.network + offset);
}

/** kind's docker network's IPv6 subnet (its default, fc00:f853:ccd:e793::/64): the gateway is ::1, nodes get ::2 on. */
const nodeNetworkV6 = "fc00:f853:ccd:e793::/64";

/** The IPv6 InternalIP of the i-th node (0-based): the address docker's IPAM gives it beside its IPv4 one. */
export function internalIPv6For(index: number): string {
  const ip = Number.isInteger(index) && index >= 0 ? addressAtOffset(nodeNetworkV6, index + 2) : undefined;
  if (ip === undefined) throw new Error(`no address left in ${nodeNetworkV6} for node index ${index}`);
  return ip;
}

/**
 * The node's InternalIPs as kind's --node-ip names them, primary first: the IPv4 one, an IPv6 node's
 * (a podCIDR of that family: kind's ipFamily ipv6) IPv6 one alone, a dual-stack node's both.
 */
export function nodeInternalIPs(index: number, podCIDR: string | undefined, podCIDRv6?: string): string[] {
  if (podCIDR?.includes(":")) return [internalIPv6For(index)];
  return podCIDRv6 === undefined ? [internalIPFor(index)] : [internalIPFor(index), internalIPv6For(index)];
}

function condition(type: string, status: "True" | "False", reason: string, message: string, now: string, prior?: NodeCondition[]): NodeCondition {
  const old = prior?.find((c) => c.type === type);
  const transition = old && old.status === status && old.lastTransitionTime && !mutant("kubelet.node-condition-transition-time-always-now") ? old.lastTransitionTime : now;
  return { type, status, lastHeartbeatTime: now, lastTransitionTime: transition, reason, message };
}

/**
 * The four conditions the kubelet reports, in its order and words. Ready is False (KubeletNotReady,
 * the runtime's error as its message) while the runtime reports an error, e.g. its network not ready.
 */
export function nodeConditions(now: number, prior?: NodeCondition[], runtimeError?: string): NodeCondition[] {
  const t = rfc3339(now);
  return [
    condition("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available", t, prior),
    condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure", t, prior),
    condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available", t, prior),
    runtimeError === undefined
      ? condition("Ready", "True", "KubeletReady", "kubelet is posting ready status", t, prior)
      : condition("Ready", "False", "KubeletNotReady", runtimeError, t, prior),
  ];
}

/**
 * The Node the kubelet registers (initialNode): its own labels (hostname, os, arch), the given
 * object's labels and taints its flags carry (splitNodeMarks), and the capacity; an administrator
 * patches in the rest once it is registered (runtime/kubeadm.ts). spec.podCIDR(s) only when the
 * node has one (none when the cluster CIDR ran out).
 */
export function registrationNode(given: Node, index: number, podCIDR: string | undefined, now: number, runtimeError?: string, podCIDRv6?: string): Node {
  const name = given.metadata!.name!;
  const { taints, ...spec } = given.spec ?? {};
  const own = splitNodeMarks(given.metadata?.labels, taints).kubelet;
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      ...given.metadata,
      name,
      labels: {
        "beta.kubernetes.io/arch": "amd64", "beta.kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64",
        "kubernetes.io/hostname": name, "kubernetes.io/os": "linux", ...own.labels,
      },
      annotations: { "node.alpha.kubernetes.io/ttl": "0", "volumes.kubernetes.io/controller-managed-attach-detach": "true", ...(given.metadata?.annotations ?? {}) },
    },
    spec: { ...(podCIDR === undefined ? {} : { podCIDR, podCIDRs: podCIDRv6 === undefined ? [podCIDR] : [podCIDR, podCIDRv6] }), ...spec, ...(own.taints.length > 0 ? { taints: own.taints } : {}) },
    status: nodeStatus(given, index, now, undefined, runtimeError, nodeInternalIPs(index, podCIDR, podCIDRv6)),
  };
}

/**
 * The status the kubelet's setters give its Node (defaultNodeStatusFuncs): addresses, capacity,
 * nodeInfo, daemon endpoints and its four conditions, each condition keeping its transition time
 * while its status holds (Ready False while `runtimeError`). Fields no setter owns are kept from `prior`.
 */

/**
 * The node's boot_id as cadvisor reads it from /proc/sys/kernel/random/boot_id: a random (version 4)
 * UUID the kernel prints 8-4-4-4-12 (the docs' debug-cluster page shows 5a295a03-aaca-4340-af20-1327fa5dab5c).
 */
function bootID(name: string): string {
  const h = digestOf(`boot/${name}`).slice(0, 32);
  // generate_random_uuid: the version nibble 4, the variant bits 10
  const variant = ((parseInt(h[16]!, 16) & 3) | 8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function nodeStatus(given: Node, index: number, now: number, prior: NodeStatus | undefined, runtimeError?: string, internalIPs: readonly string[] = [internalIPFor(index)]): NodeStatus {
  // kubernetes-types predates status.features
  const features = { features: { supplementalGroupsPolicy: true } } as Partial<NodeStatus>;
  const name = given.metadata!.name!;
  const machine: Record<string, string> = { ...defaultMachine, ...(given.status?.capacity ?? {}), ...(given.status?.allocatable ?? {}) };
  // setters.go MachineInfo works on the Node as the API server holds it: a capacity it does not set (an
  // extended resource a client advertised through the status subresource) stays, and allocatable follows it
  const advertised = Object.entries(prior?.capacity ?? {}).filter(([k]) => !Object.hasOwn(machine, k));
  const capacity = advertised.length === 0 ? machine : Object.fromEntries([...Object.entries(machine), ...advertised].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const allocatable = { ...capacity, ...(given.status?.allocatable ?? {}) };
  const id = digestOf(`machine/${name}`).slice(0, 32);
  return {
    ...prior,
    capacity, allocatable,
    conditions: nodeConditions(now, prior?.conditions, runtimeError),
    // NodeAddress: the InternalIPs of --node-ip (both of kind's dual-stack "ipv4,ipv6"), then the Hostname
    addresses: [...internalIPs.map((address) => ({ type: "InternalIP", address })), { type: "Hostname", address: name }],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: {
      machineID: id, systemUUID: `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20, 32)}`, bootID: bootID(name),
      kernelVersion: nodeKernelRelease, osImage: "Debian GNU/Linux 12 (bookworm)", containerRuntimeVersion, kubeletVersion,
      kubeProxyVersion: "", operatingSystem: "linux", architecture: "amd64",
    },
    // setters.go NodeFeatures: the runtime's features; containerd 2.x supports SupplementalGroupsPolicy
    ...features,
  };
}

// The setters' events: a pressure condition that is new or changed, Ready only when it changed (its first report records nothing).
const conditionEvents: Record<string, [whenTrue: string, otherwise: string, onlyOnChange: boolean]> = {
  MemoryPressure: ["NodeHasInsufficientMemory", "NodeHasSufficientMemory", false],
  DiskPressure: ["NodeHasDiskPressure", "NodeHasNoDiskPressure", false],
  PIDPressure: ["NodeHasInsufficientPID", "NodeHasSufficientPID", false],
  Ready: ["NodeReady", "NodeNotReady", true],
};

/** The reasons of the events the condition setters record going from `prior` to `next` conditions, in the setters' order. */
export function nodeConditionEvents(prior: readonly NodeCondition[] | undefined, next: readonly NodeCondition[]): string[] {
  const out: string[] = [];
  for (const c of next) {
    if (!Object.hasOwn(conditionEvents, c.type)) continue;
    const [whenTrue, otherwise, onlyOnChange] = conditionEvents[c.type]!;
    const before = prior?.find((p) => p.type === c.type)?.status;
    if (before === undefined ? onlyOnChange : before === c.status) continue;
    out.push(c.status === "True" ? whenTrue : otherwise);
  }
  return out;
}

/** nodeStatusHasChanged: conditions compared by type with their heartbeat times ignored, every other field as it is. */
export function nodeStatusHasChanged(original: NodeStatus | undefined, status: NodeStatus | undefined): boolean {
  if (original === undefined || status === undefined) return original !== status;
  const a = original.conditions ?? [];
  const b = status.conditions ?? [];
  if (a.length !== b.length) return true;
  const byType = (cs: NodeCondition[]) => [...cs].sort((x, y) => (x.type < y.type ? -1 : x.type > y.type ? 1 : 0)).map((c) => ({ ...c, lastHeartbeatTime: undefined }));
  if (!deepEqual(byType(a), byType(b))) return true;
  return !deepEqual({ ...original, conditions: undefined }, { ...status, conditions: undefined });
}

/** The node's Lease in kube-node-lease, renewed now. */
export function nodeLease(node: string, now: number, prior?: any): any {
  return {
    apiVersion: "coordination.k8s.io/v1",
    kind: "Lease",
    metadata: { ...(prior?.metadata ?? {}), name: node, namespace: "kube-node-lease" },
    spec: { holderIdentity: node, leaseDurationSeconds, renewTime: rfc3339Micro(now) },
  };
}
