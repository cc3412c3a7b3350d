// What a pod is told about itself, judged once per stored version of each pod:
//   - podIPInsideNodePodCIDR: host-local IPAM (the bridge plugin's ranges from the node's
//     spec.podCIDR) hands a pod a host address of its node's pod CIDR, never the network or the
//     broadcast address, never one outside it;
//   - containerTerminatedReasonMatchesExitCode: the container runtime (containerd's CRI
//     ContainerStatus) reports an exited container as "Completed" when it exited 0 and "Error"
//     otherwise, and the kubelet copies reason and exit code into the pod's status together;
//   - statefulSetPodHasStableNetworkIdentity: a StatefulSet's pod is created with spec.hostname
//     its own name and spec.subdomain the set's serviceName (initIdentity), and both are immutable.

import { perPodVersion } from "./pods.js";

const podName = (p: any) => `${p.metadata?.namespace}/${p.metadata?.name}`;

const ipToInt = (ip: string): number | undefined => {
  const parts = ip.split(".");
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const x of parts) {
    const b = Number(x);
    if (!Number.isInteger(b) || b < 0 || b > 255) return undefined;
    n = n * 256 + b;
  }
  return n;
};

export const podIPInsideNodePodCIDR = perPodVersion(
  "podIPInsideNodePodCIDR",
  "a pod's IP (hostNetwork aside) is a host address of its node's spec.podCIDR: inside it, neither its network nor its broadcast address",
  (p, _now, w) => {
    const ip = p.status?.podIP;
    const nodeName = p.spec?.nodeName;
    if (!ip || !nodeName || p.spec?.hostNetwork) return [];
    const node = w.list("Node").find((n: any) => n.metadata?.name === nodeName);
    const cidr: string | undefined = node?.spec?.podCIDR;
    if (!cidr) return [];
    const [base, prefixText] = cidr.split("/");
    const prefix = Number(prefixText);
    const net = ipToInt(base ?? "");
    const addr = ipToInt(ip);
    // IPv6 or a malformed CIDR: not judged here
    if (net === undefined || addr === undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > 30) return [];
    const size = 2 ** (32 - prefix);
    const first = net - (net % size);
    const last = first + size - 1;
    if (addr < first || addr > last) return [`pod ${podName(p)} on ${nodeName} has IP ${ip}, outside the node's podCIDR ${cidr}`];
    if (addr === first) return [`pod ${podName(p)} on ${nodeName} has IP ${ip}, the network address of the node's podCIDR ${cidr}`];
    if (addr === last) return [`pod ${podName(p)} on ${nodeName} has IP ${ip}, the broadcast address of the node's podCIDR ${cidr}`];
    return [];
  },
);

export const containerTerminatedReasonMatchesExitCode = perPodVersion(
  "containerTerminatedReasonMatchesExitCode",
  "a container terminated with reason Completed exited 0, and one terminated with reason Error did not (containerd's CRI status)",
  (p) => {
    const out: string[] = [];
    const statuses = [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])];
    for (const s of statuses) {
      for (const [which, t] of [["state", s?.state?.terminated], ["lastState", s?.lastState?.terminated]] as const) {
        if (!t) continue;
        if (t.reason === "Completed" && t.exitCode !== 0) out.push(`pod ${podName(p)} container ${s.name}: ${which}.terminated is Completed with exit code ${t.exitCode}`);
        if (t.reason === "Error" && t.exitCode === 0) out.push(`pod ${podName(p)} container ${s.name}: ${which}.terminated is Error with exit code 0`);
      }
    }
    return out;
  },
);

export const statefulSetPodHasStableNetworkIdentity = perPodVersion(
  "statefulSetPodHasStableNetworkIdentity",
  "a StatefulSet's pod has spec.hostname its own name and spec.subdomain the set's spec.serviceName",
  (p, _now, w) => {
    const ref = (p.metadata?.ownerReferences ?? []).find((r: any) => r?.controller && r.kind === "StatefulSet");
    if (!ref) return [];
    const set = w.list("StatefulSet").find((s: any) => s.metadata?.uid === ref.uid);
    if (!set) return [];
    const out: string[] = [];
    if (p.spec?.hostname !== p.metadata?.name) out.push(`pod ${podName(p)} of StatefulSet ${set.metadata.name} has spec.hostname ${JSON.stringify(p.spec?.hostname)}, not its name`);
    const service = set.spec?.serviceName ?? "";
    if (service !== "" && p.spec?.subdomain !== service) out.push(`pod ${podName(p)} of StatefulSet ${set.metadata.name} has spec.subdomain ${JSON.stringify(p.spec?.subdomain)}, not the set's serviceName ${service}`);
    return out;
  },
);
