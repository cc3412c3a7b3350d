// host-local IPAM (containernetworking/plugins, plugins/ipam/host-local) over one node's podCIDR.
// State is plain data: the CNI keeps it in its machine's context and replaces it with what these
// functions return.

import { cidrContains, formatCIDR, formatIP, intToIp, ipToInt, parseCIDR, parseCIDRSloppy, parseIPSloppy, type CIDR } from "../common/ip.js";
import { mutant } from "../common/mutation.js";

// The IPv4 arithmetic lives in common/ip.ts; the API server's Service allocators still import it from here.
export { cidrContains, formatCIDR, intToIp, ipToInt, parseCIDR, type CIDR };

/** The podCIDR the node IPAM controller's cidrset hands the nodeIndex-th node (0-based); throws once none is left. */
export function podCIDRFor(clusterCIDR = "10.244.0.0/16", nodeIndex: number, nodeMaskSize = 24): string {
  const cidr = nodePodCIDR(clusterCIDR, nodeIndex, nodeMaskSize);
  // cidrset.ErrCIDRRangeNoCIDRsRemaining
  if (cidr === undefined) throw new Error("CIDR allocation failed; there are no remaining CIDRs left to allocate in the accepted range");
  return cidr;
}

/**
 * The range allocator's AllocateNext for the nodeIndex-th node (0-based): its podCIDR, or
 * undefined once the cluster CIDR has no node-sized subnet left (a /16 holds 256 /24s). Such a node
 * gets no podCIDR at all; the allocator only records CIDRNotAvailable on it.
 */
export function nodePodCIDR(clusterCIDR: string, nodeIndex: number, nodeMaskSize = 24): string | undefined {
  const cluster = parseCIDR(clusterCIDR);
  const subnetSize = 2 ** (32 - nodeMaskSize);
  const count = cluster.size / subnetSize;
  if (nodeMaskSize < cluster.prefix || !Number.isInteger(nodeIndex) || nodeIndex < 0 || nodeIndex >= count) return undefined;
  return formatCIDR({ network: cluster.network + nodeIndex * subnetSize, prefix: nodeMaskSize, size: subnetSize });
}

/** host-local's on-disk store for one range: which container holds which IP, and the last one handed out. */
export interface IPAMState {
  subnet: string;
  rangeStart: string;
  rangeEnd: string;
  gateway: string;
  /** ip → containerID, like the files under /var/lib/cni/networks/<net>/. */
  allocations: Record<string, string>;
  /** last_reserved_ip.0: where the round-robin search resumes. */
  lastReservedIP?: string;
}

/** Either the address handed out (with the new state) or host-local's error text. */
export type IPAMResult =
  | { ok: true; state: IPAMState; ip: string; cidr: string; gateway: string }
  | { ok: false; state: IPAMState; error: string };

/** An empty store for a podCIDR with host-local's defaults: range .1–.254 of a /24, gateway .1. */
export function newIPAM(podCIDR: string): IPAMState {
  const c = parseCIDR(podCIDR);
  // A /31 or /32 has no room for network, gateway and broadcast; host-local rejects it too.
  if (c.prefix > 30) throw new Error(`Network ${podCIDR} too small to allocate from`);
  const first = c.network + 1;
  return {
    subnet: formatCIDR(c),
    rangeStart: intToIp(first),
    rangeEnd: intToIp(c.network + c.size - 2),
    gateway: intToIp(first),
    allocations: {},
  };
}

/** The range set as host-local prints it in errors: "10.244.1.1-10.244.1.254". */
export function rangeSetString(state: IPAMState): string {
  return `${state.rangeStart}-${state.rangeEnd}`;
}

/** Order in which host-local's RangeIter tries addresses: after the last reserved one, wrapping, gateway skipped. */
export function candidateOrder(state: IPAMState): number[] {
  const order: number[] = [];
  forCandidates(state, (ip) => {
    order.push(ip);
    return false;
  });
  return order;
}

/** Calls `f` with each address in candidateOrder until it returns true; returns that address, or undefined. */
function forCandidates(state: IPAMState, f: (ip: number) => boolean): number | undefined {
  const start = ipToInt(state.rangeStart);
  const end = ipToInt(state.rangeEnd);
  const gw = ipToInt(state.gateway);
  const last = state.lastReservedIP === undefined ? NaN : ipToInt(state.lastReservedIP);
  const count = end - start + 1 + (mutant("ipam.hands-out-broadcast") ? 1 : 0);
  // Resume just after the last reservation when it is still inside the range; else from the start.
  const first = last >= start && last <= end ? last + 1 - start : 0;
  for (let i = 0; i < count; i++) {
    const ip = start + ((first + i) % count);
    if (ip !== gw && f(ip)) return ip;
  }
  return undefined;
}

/** host-local ADD: reserves the next free address for containerID (round-robin), or fails as host-local does. */
export function allocate(state: IPAMState, containerID: string): IPAMResult {
  const held = ipFor(state, containerID);
  if (held !== undefined) {
    return { ok: false, state, error: `${held} has been allocated to ${containerID}, duplicate allocation is not allowed` };
  }
  return reserve(state, containerID);
}

/** allocate for a containerID the caller found holding no address (ipFor): the store is not searched for it again. */
export function reserve(state: IPAMState, containerID: string): IPAMResult {
  // the first free address in candidate order (the round robin usually finds it at once: no list of the range is made)
  const n = forCandidates(state, (c) => state.allocations[intToIp(c)] === undefined || (mutant("ipam.reuses-address-after-wrap") && c < ipToInt(state.lastReservedIP ?? state.rangeStart)));
  if (n !== undefined) {
    const ip = intToIp(n);
    const next: IPAMState = { ...state, allocations: { ...state.allocations, [ip]: containerID }, lastReservedIP: ip };
    return { ok: true, state: next, ip, cidr: `${ip}/${parseCIDR(state.subnet).prefix}`, gateway: state.gateway };
  }
  // The plugin wraps the allocator's error with the index of the range that failed.
  return {
    ok: false,
    state,
    error: `failed to allocate for range 0: no IP addresses available in range set: ${rangeSetString(state)}`,
  };
}

/** host-local DEL: frees whatever containerID holds; releasing nothing is not an error. */
export function release(state: IPAMState, containerID: string): IPAMState {
  const allocations: Record<string, string> = {};
  let changed = false;
  for (const [ip, owner] of Object.entries(state.allocations)) {
    if (owner === containerID) changed = true;
    else allocations[ip] = owner;
  }
  // last_reserved_ip is kept on release, so a freed address is not reused straight away.
  return changed ? { ...state, allocations } : state;
}

/** How many addresses of the range are free: host-local hands out none when this is 0. */
export function freeAddresses(state: IPAMState): number {
  const start = ipToInt(state.rangeStart);
  const end = ipToInt(state.rangeEnd);
  const gw = ipToInt(state.gateway);
  const usable = end - start + 1 - (gw >= start && gw <= end ? 1 : 0);
  return usable - Object.keys(state.allocations).length;
}

/** The IP containerID holds, if any. */
export function ipFor(state: IPAMState, containerID: string): string | undefined {
  // own keys in Object.keys order, without making their list (the store is a plain record: nothing inherited)
  const a = state.allocations;
  for (const ip in a) if (a[ip] === containerID && Object.hasOwn(a, ip)) return ip;
  return undefined;
}

// ---- IPv6: a dual-stack node's second range (host-local's ranges: [[v4], [v6]]) -----------------

const v6Value = (ip: string): bigint | undefined => {
  const p = parseIPSloppy(ip);
  return p && p.bytes.length === 16 ? p.bytes.reduce((acc, b) => (acc << 8n) | BigInt(b), 0n) : undefined;
};
const v6Text = (n: bigint): string => formatIP({ bytes: Array.from({ length: 16 }, (_, i) => Number((n >> BigInt(8 * (15 - i))) & 0xffn)), leadingZeros: false });

/** An empty store for an IPv6 podCIDR with host-local's defaults: the subnet's first address is the gateway, the range ends before its last. */
export function newIPAMv6(podCIDR: string): IPAMState {
  const p = parseCIDRSloppy(podCIDR);
  if (!p || p.ip.bytes.length !== 16 || p.len > 126) throw new Error(`Network ${podCIDR} too small to allocate from`);
  const host = 128n - BigInt(p.len);
  const network = (v6Value(formatIP(p.ip))! >> host) << host;
  return {
    subnet: `${v6Text(network)}/${p.len}`,
    rangeStart: v6Text(network + 1n),
    rangeEnd: v6Text(network + (1n << host) - 1n),
    gateway: v6Text(network + 1n),
    allocations: {},
  };
}

/**
 * host-local's ADD over an IPv6 range: round robin from after the last reserved address, wrapping,
 * the gateway skipped. The search ends within one more step than there are allocations.
 */
export function reserveV6(state: IPAMState, containerID: string, rangeIndex = 1): IPAMResult {
  const start = v6Value(state.rangeStart)!;
  const end = v6Value(state.rangeEnd)!;
  const gw = v6Value(state.gateway)!;
  const last = state.lastReservedIP === undefined ? undefined : v6Value(state.lastReservedIP);
  const count = end - start + 1n;
  let at = last !== undefined && last >= start && last <= end ? last + 1n - start : 0n;
  const tries = Object.keys(state.allocations).length + 2;
  for (let i = 0; i < tries && BigInt(i) < count; i++, at = (at + 1n) % count) {
    const n = start + at;
    const ip = v6Text(n);
    if (n === gw || state.allocations[ip] !== undefined) continue;
    const next: IPAMState = { ...state, allocations: { ...state.allocations, [ip]: containerID }, lastReservedIP: ip };
    return { ok: true, state: next, ip, cidr: `${ip}/${state.subnet.split("/")[1]}`, gateway: state.gateway };
  }
  return { ok: false, state, error: `failed to allocate for range ${rangeIndex}: no IP addresses available in range set: ${rangeSetString(state)}` };
}

/** The node IPAM controller's IPv6 podCIDR for the nodeIndex-th node: the cluster CIDR's nodeIndex-th /nodeMaskSize (a /64 by default). */
export function nodePodCIDRv6(clusterCIDR: string, nodeIndex: number, nodeMaskSize = 64): string | undefined {
  const p = parseCIDRSloppy(clusterCIDR);
  if (!p || p.ip.bytes.length !== 16 || nodeMaskSize < p.len || nodeMaskSize > 128 || !Number.isInteger(nodeIndex) || nodeIndex < 0) return undefined;
  if (BigInt(nodeIndex) >= 1n << BigInt(nodeMaskSize - p.len)) return undefined;
  const host = 128n - BigInt(p.len);
  const network = (v6Value(formatIP(p.ip))! >> host) << host;
  return `${v6Text(network + (BigInt(nodeIndex) << (128n - BigInt(nodeMaskSize))))}/${nodeMaskSize}`;
}
