// A host-network pod shares its node's network (and UTS) namespace: the runtime sets up no pod
// network for it (no CNI ADD or DEL), and it has the node's IP and hostname.

import type { KubeletContext, PodWorker } from "./types.js";
import { view } from "./view.js";
import { mutant } from "../common/mutation.js";

export function usesHostNetwork(w: PodWorker): boolean {
  return view(w.pod).spec?.hostNetwork === true;
}

/**
 * The pod's IP as the kubelet reports it: the sandbox's, from CNI ADD; a host-network pod inherits
 * the node's IP from the start, sandbox or not (generateAPIPodStatus).
 */
export function podIPOf(ctx: KubeletContext, w: PodWorker): string | undefined {
  return usesHostNetwork(w) && !mutant("kubelet.host-network-pod-without-ip") ? ctx.hostIP : w.ip;
}

/** status.podIPs: the pod's IP first, then a dual-stack sandbox's IPv6 one (the node's IPs for a host-network pod). */
export function podIPsOf(ctx: KubeletContext, w: PodWorker): string[] {
  const ip = podIPOf(ctx, w);
  if (ip === undefined) return [];
  if (usesHostNetwork(w)) return ip === ctx.hostIP ? hostIPsOf(ctx) : [ip];
  return w.ipV6 === undefined ? [ip] : [ip, w.ipV6];
}

/** status.hostIPs: the node's InternalIP of each family, the primary first (a single-stack node's one). */
export function hostIPsOf(ctx: Pick<KubeletContext, "hostIP" | "hostIPv6">): string[] {
  return ctx.hostIPv6 === undefined ? [ctx.hostIP] : [ctx.hostIP, ctx.hostIPv6];
}

/** The sandbox has its network: CNI ADD answered, or the sandbox is in the host's network. */
export function sandboxNetworkReady(w: PodWorker): boolean {
  return usesHostNetwork(w) ? w.sandboxId !== undefined : w.ip !== undefined;
}
