// The API server's ClusterIP and NodePort allocators (pkg/registry/core/service/ipallocator and
// portallocator): a bitmap over the usable range, split per KEP-3070 into a lower "static" band
// that dynamic allocation only touches once the upper band is full. State is plain JSON data.

import { intToIp, ipToInt, parseCIDR, formatCIDR } from "../cni/ipam.js";
import { formatIP, parseIPSloppy } from "./validation/ip.js";
import { mutant } from "../common/mutation.js";

/** Default Service CIDR (kube-apiserver --service-cluster-ip-range as kubeadm sets it). */
export const DEFAULT_SERVICE_CIDR = "10.96.0.0/12";
/** Default --service-node-port-range. */
export const DEFAULT_NODE_PORT_RANGE = "30000-32767";

/** One allocator's bitmap. `used` holds offsets from `base`, keyed as strings so the state serialises. */
export interface RangeAllocatorState {
  kind: "ClusterIP" | "NodePort";
  /** "10.96.0.0/12" or "30000-32767": the text error messages quote. */
  rangeSpec: string;
  /** First usable value (the network address + 1 for IPs, the first port for ports). */
  base: number;
  /** Number of usable values. */
  size: number;
  /** Width of the static band at the bottom of the range (KEP-3070). */
  staticSize: number;
  used: Record<string, true>;
  count: number;
}

/** Success carries the new state and the value; failure carries Kubernetes' error text. */
export type AllocationResult<T> =
  | { ok: true; state: RangeAllocatorState; value: T }
  | { ok: false; state: RangeAllocatorState; reason: "NotInRange" | "Allocated" | "Full"; error: string };

/** min(max(min, size/step), max): the static band width, 0 for tiny ranges (calculateRangeOffset). */
export function rangeOffset(size: number, min: number, max: number, step: number): number {
  if (size <= min) return 0;
  // the mutant forgets the floor of min: a /25's band is 8 addresses, not 16
  return Math.min(mutant("allocators.static-band-without-minimum") ? Math.floor(size / step) : Math.max(min, Math.floor(size / step)), max);
}

/** A ClusterIP allocator for an IPv4 Service CIDR; 10.96.0.1 pre-reserved for the `kubernetes` Service unless told not to. */
export function newClusterIPAllocator(
  cidr = DEFAULT_SERVICE_CIDR,
  opts: { reserveKubernetesServiceIP?: boolean } = {},
): RangeAllocatorState {
  const c = parseCIDR(cidr);
  // Network and broadcast addresses are never part of the bitmap, so they can never be released.
  const size = Math.max(0, c.size - 2);
  const state: RangeAllocatorState = {
    kind: "ClusterIP",
    rangeSpec: formatCIDR(c),
    base: c.network + 1,
    size,
    staticSize: rangeOffset(c.size, 16, 256, 16),
    used: {},
    count: 0,
  };
  if (opts.reserveKubernetesServiceIP === false || size === 0) return state;
  const r = allocateSpecific(state, kubernetesServiceIP(cidr));
  return r.state;
}

/** The ClusterIP of the `kubernetes` Service: the first address of the Service CIDR. */
export function kubernetesServiceIP(cidr = DEFAULT_SERVICE_CIDR): string {
  return intToIp(parseCIDR(cidr).network + 1);
}

/** A NodePort allocator over "min-max" (inclusive), as --service-node-port-range. */
export function newNodePortAllocator(range = DEFAULT_NODE_PORT_RANGE): RangeAllocatorState {
  const m = /^(\d+)-(\d+)$/.exec(range);
  if (!m) throw new Error(`unable to parse port range: ${range}`);
  const lo = Number(m[1]);
  const size = Number(m[2]) - lo + 1;
  return {
    kind: "NodePort",
    rangeSpec: `${lo}-${lo + size - 1}`,
    base: lo,
    size,
    staticSize: rangeOffset(size, 16, 128, 32),
    used: {},
    count: 0,
  };
}

/** The first and last value of the dynamic (upper) band, as printable values. */
export function dynamicBand(state: RangeAllocatorState): { first: string; last: string } {
  return { first: show(state, state.base + state.staticSize), last: show(state, state.base + state.size - 1) };
}

function show(state: RangeAllocatorState, n: number): string {
  return state.kind === "ClusterIP" ? intToIp(n) : String(n);
}

function offsetValue(state: RangeAllocatorState, v: string | number): number {
  return state.kind === "ClusterIP" ? ipToInt(allocatorIP(String(v))) : Number(v);
}

/**
 * The address the allocator works with: the REST parses a Service's IP sloppily (ParseIPSloppy),
 * so leading zeros and an IPv4-mapped IPv6 form ("::ffff:10.96.0.50") name the same IPv4 address;
 * net.IP's String() is what the allocator compares and what its errors print.
 */
export function allocatorIP(ip: string): string {
  const parsed = parseIPSloppy(ip);
  return parsed ? formatIP(parsed) : ip;
}

/** True when value (an IP or a port) is currently allocated. */
export function isAllocated(state: RangeAllocatorState, value: string | number): boolean {
  return state.used[String(offsetValue(state, value) - state.base)] === true;
}

function take(state: RangeAllocatorState, offset: number): RangeAllocatorState {
  return { ...state, used: { ...state.used, [String(offset)]: true }, count: state.count + 1 };
}

/** Scans [lo, lo+n) from lo+start, wrapping, for a free offset; cost is the run of taken offsets hit. */
function scan(state: RangeAllocatorState, lo: number, n: number, start: number, free?: (at: number) => boolean): number | undefined {
  for (let i = 0; i < n; i++) {
    const at = lo + ((start + i) % n);
    if (!state.used[String(at)] && (free === undefined || free(at))) return at;
  }
  return undefined;
}

/**
 * Random pick from the dynamic band (wrapping), falling back to the static band when it is full
 * (allocateNextService); an address `taken` names (an IPAddress someone else created) is passed over.
 */
export function allocateNext(
  state: RangeAllocatorState,
  rand: () => number,
  taken?: (value: string) => boolean,
): AllocationResult<string> {
  const full = (): AllocationResult<string> => ({
    ok: false,
    state,
    reason: "Full",
    // alloc.go wraps ErrFull in errors.NewInternalError; the caller makes the 500 of it
    error: state.kind === "ClusterIP" ? "failed to allocate a serviceIP: range is full" : "failed to allocate a nodePort: range is full",
  });
  if (state.count >= state.size) return full();
  const upper = state.size - state.staticSize;
  const free = taken === undefined ? undefined : (at: number) => !taken(show(state, state.base + at));
  let at = upper > 0 ? scan(state, state.staticSize, upper, Math.floor(rand() * upper), free) : undefined;
  if (at === undefined && state.staticSize > 0) {
    at = scan(state, 0, state.staticSize, Math.floor(rand() * state.staticSize), free);
  }
  if (at === undefined) return full();
  return { ok: true, state: take(state, at), value: show(state, state.base + at) };
}

/** ipallocator.ErrMismatchedNetwork's text. */
export const mismatchedNetwork = "the provided network does not match the current range";

/** True when the address is one of the range's usable ones (neither its network nor its broadcast address). */
export function inRange(state: RangeAllocatorState, ip: string): boolean {
  const offset = ipToInt(allocatorIP(ip)) - state.base;
  return !Number.isNaN(offset) && offset >= 0 && offset < state.size;
}

/** Reserves a user-given ClusterIP, or fails with the apiserver's spec.clusterIPs field error. */
export function allocateSpecific(
  state: RangeAllocatorState,
  ip: string,
  clusterIPs: string[] = [ip],
): AllocationResult<string> {
  // field.Invalid prints a []string bad value as JSON in current apimachinery.
  const prefix = `spec.clusterIPs: Invalid value: ${JSON.stringify(clusterIPs)}: failed to allocate IP ${ip}: `;
  const offset = ipToInt(allocatorIP(ip)) - state.base;
  if (!inRange(state, ip)) {
    // MetaAllocator.getAllocator: no ServiceCIDR holds the address (ErrMismatchedNetwork)
    return { ok: false, state, reason: "NotInRange", error: `${prefix}${mismatchedNetwork}` };
  }
  if (state.used[String(offset)]) {
    return { ok: false, state, reason: "Allocated", error: `${prefix}provided IP is already allocated` };
  }
  return { ok: true, state: take(state, offset), value: ip };
}

/** Reserves a user-given nodePort for spec.ports[portIndex], or fails with the apiserver's field error. */
export function allocateSpecificNodePort(
  state: RangeAllocatorState,
  port: number,
  portIndex = 0,
): AllocationResult<number> {
  const prefix = `spec.ports[${portIndex}].nodePort: Invalid value: ${port}: `;
  const offset = port - state.base;
  if (!Number.isInteger(port) || offset < 0 || offset >= state.size - (mutant("allocators.node-port-range-end-excluded") ? 1 : 0)) {
    return {
      ok: false,
      state,
      reason: "NotInRange",
      error: `${prefix}provided port is not in the valid range. The range of valid ports is ${state.rangeSpec}`,
    };
  }
  if (state.used[String(offset)]) {
    return { ok: false, state, reason: "Allocated", error: `${prefix}provided port is already allocated` };
  }
  return { ok: true, state: take(state, offset), value: port };
}

/** Random nodePort from the dynamic band, as numbers. */
export function allocateNextNodePort(state: RangeAllocatorState, rand: () => number): AllocationResult<number> {
  const r = allocateNext(state, rand);
  return r.ok ? { ...r, value: Number(r.value) } : r;
}

/** Frees an IP or port; releasing something unallocated or out of range is a no-op, as in Kubernetes. */
export function release(state: RangeAllocatorState, value: string | number): RangeAllocatorState {
  const key = String(offsetValue(state, value) - state.base);
  if (!state.used[key]) return state;
  const used = { ...state.used };
  delete used[key];
  return { ...state, used, count: state.count - 1 };
}

/** Number of values still free. */
export function free(state: RangeAllocatorState): number {
  return state.size - state.count;
}
