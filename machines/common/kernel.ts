// The simulated nodes' kernel, one for the kubelet's node status (nodeInfo.kernelVersion, what
// uname(2) reports on the host) and for what a container's programs read through uname(2): a
// container shares its node's kernel, only the UTS nodename is its own.
import { parseQuantity } from "./quantity.js";

/** utsname.release: a GCP Ubuntu kernel, as nodes of a GKE-like cluster run. */
export const nodeKernelRelease = "6.8.0-1017-gcp";

/**
 * A simulated node's machine as its kubelet reports it when the given Node says nothing: cadvisor's
 * 4 CPUs, 16Gi and 100Gi of disk, no hugepages, and the kubelet's default maxPods (110).
 */
export const defaultMachine = { cpu: "4", "ephemeral-storage": "100Gi", "hugepages-1Gi": "0", "hugepages-2Mi": "0", memory: "16Gi", pods: "110" } as const;

/**
 * What the node's kernel tells a process of its CPUs and RAM (sched_getaffinity, sysinfo): the
 * Node's cpu and memory as its kubelet reports them, whole CPUs.
 */
export function nodeMachine(node: { status?: { capacity?: Record<string, string>; allocatable?: Record<string, string> } } | undefined): { cpus: number; memoryBytes: number; diskBytes: number } {
  const m: Record<string, string | undefined> = { ...defaultMachine, ...(node?.status?.capacity ?? {}), ...(node?.status?.allocatable ?? {}) };
  // the root disk statfs(2) reports is the capacity, not what the kubelet keeps allocatable
  const disk = node?.status?.capacity?.["ephemeral-storage"] ?? defaultMachine["ephemeral-storage"];
  return { cpus: Math.max(1, Math.ceil(parseQuantity(m.cpu))), memoryBytes: Math.round(parseQuantity(m.memory)), diskBytes: Math.round(parseQuantity(disk)) };
}
