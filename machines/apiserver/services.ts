// The Service REST strategy's allocations: a ClusterIP from the service CIDR (none for headless
// or ExternalName) and a nodePort per port for NodePort/LoadBalancer, all-or-nothing per write.

import { Rng } from "../common/prng.js";
import {
  allocateNext, allocateNextNodePort, rangeOffset, allocateSpecific, allocateSpecificNodePort, inRange, isAllocated, mismatchedNetwork,
  newClusterIPAllocator, newNodePortAllocator, release, type AllocationResult, type RangeAllocatorState,
} from "./allocators.js";
import type { ServiceNetwork } from "./servicecidr.js";
import { invalidValue, type FieldError } from "./status.js";
import { mutant } from "../common/mutation.js";
import { addressAtOffset, cidrAddressCount, parseCIDRSloppy } from "../common/ip.js";
import { validateClusterIPsRelatedFields } from "./validation/service.js";
import { isIPv6 } from "./validation/ip.js";

export interface ServiceAllocators {
  ips: RangeAllocatorState;
  ports: RangeAllocatorState;
  rng: Rng;
}

/** Allocators over the IPv4 service range (10.96.0.0/12 by default) and 30000-32767. */
export function newServiceAllocators(seed = 0x5e41ce, cidr?: string): ServiceAllocators {
  // 10.96.0.1 is not pre-reserved: the bootstrap creates the `kubernetes` Service with it explicitly.
  return { ips: newClusterIPAllocator(cidr, { reserveKubernetesServiceIP: false }), ports: newNodePortAllocator(), rng: new Rng(seed) };
}

/** The range the bitmap draws from: the IPv4 one of --service-cluster-ip-range (the default when there is none). */
export function primaryBitmapRange(cidrs: readonly string[] | undefined): string | undefined {
  return cidrs?.find((c) => !c.includes(":"));
}

function fieldErrorFrom(message: string, field: string, value: unknown): FieldError {
  // The allocator words the whole error; the field error keeps the part after the value.
  const i = message.indexOf(": ", message.indexOf("Invalid value: ") + "Invalid value: ".length);
  return invalidValue(field, value, i >= 0 ? message.slice(i + 2) : message);
}

const needsNodePort = (svc: any) => svc.spec?.type === "NodePort" || svc.spec?.type === "LoadBalancer";
// apiservice.NeedsHealthCheck
const needsHealthCheck = (spec: any) => spec.type === "LoadBalancer" && spec.externalTrafficPolicy === "Local";

/** The IP families the cluster's ClusterIP allocators serve, primary first: podflow's default cluster is single-stack IPv4. */
export const CLUSTER_IP_FAMILIES: readonly string[] = ["IPv4"];

/** The families of --service-cluster-ip-range's CIDRs, in its order (the first is the default family). */
export function serviceIPFamiliesOf(cidrs: readonly string[]): string[] {
  return cidrs.map((c) => (c.includes(":") ? "IPv6" : "IPv4"));
}

// familyOf: an address that is not IPv6 (an IPv4-mapped one is IPv4) is taken as IPv4
const familyOf = (ip: unknown) => (typeof ip === "string" && isIPv6(ip) ? "IPv6" : "IPv4");
const otherFamily = (f: unknown) => (f === "IPv4" ? "IPv6" : "IPv4");
const listOf = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
// sameClusterIPs / sameIPFamilies: a nil list and an empty one are the same
const sameList = (a: unknown, b: unknown) => listOf(a).length === listOf(b).length && listOf(a).every((x, i) => x === listOf(b)[i]);

/**
 * isMatchingPreferDualStackClusterIPFields (alloc.go): an update of a PreferDualStack Service that
 * keeps its type, policy, cluster IPs and families is left as it is, whatever the cluster now serves.
 */
function isMatchingPreferDualStack(spec: any, old: any | undefined): boolean {
  if (old === undefined || spec.ipFamilyPolicy === undefined || spec.ipFamilyPolicy === null) return false;
  if (old.type !== spec.type || !["ClusterIP", "NodePort", "LoadBalancer"].includes(spec.type)) return false;
  if (spec.ipFamilyPolicy !== "PreferDualStack" || (old.ipFamilyPolicy != null && old.ipFamilyPolicy !== "PreferDualStack")) return false;
  return sameList(spec.clusterIPs, old.clusterIPs) && sameList(spec.ipFamilies, old.ipFamilies);
}

/**
 * The REST's initIPFamilyFields (pkg/registry/core/service/storage/alloc.go), run by BeginCreate and
 * BeginUpdate before the strategy validates: the policy (the old object's on an update that names
 * none; else SingleStack, or RequireDualStack for a headless Service without a selector), the loose
 * ValidateServiceClusterIPsRelatedFields, then the families against those the cluster serves
 * (`configured`, primary first), and the families inferred or added. The Service's spec, or its errors.
 */
export function initIPFamilyFields(spec: any, old: any | undefined, configured: readonly string[] = CLUSTER_IP_FAMILIES): { spec: any } | { errors: FieldError[] } {
  if (spec.type === "ExternalName") return { spec };
  if (isMatchingPreferDualStack(spec, old)) return { spec };
  const selectorless = spec.clusterIP === "None" && Object.keys(spec.selector ?? {}).length === 0;
  let out = spec;
  if (out.ipFamilyPolicy === undefined || out.ipFamilyPolicy === null) {
    const inherited = old?.ipFamilyPolicy;
    out = { ...out, ipFamilyPolicy: inherited != null ? inherited : selectorless ? "RequireDualStack" : "SingleStack" };
  }
  const loose = validateClusterIPsRelatedFields(out);
  if (loose.length > 0) return { errors: loose };
  const errs: FieldError[] = [];
  if (old !== undefined) {
    if (out.ipFamilyPolicy === "SingleStack") {
      // clear intent: a SingleStack update that kept both IPs or families keeps only the primary
      if (sameList(old.clusterIPs, out.clusterIPs) && listOf(out.clusterIPs).length > 1) out = { ...out, clusterIPs: out.clusterIPs.slice(0, 1) };
      if (sameList(old.ipFamilies, out.ipFamilies) && listOf(out.ipFamilies).length > 1) out = { ...out, ipFamilies: out.ipFamilies.slice(0, 1) };
    } else {
      const ips = listOf(out.clusterIPs);
      const fams = listOf(out.ipFamilies);
      if (ips.length > 0 && ips.length < listOf(old.clusterIPs).length) errs.push(invalidValue("spec.ipFamilyPolicy", out.ipFamilyPolicy, "must be 'SingleStack' to release the secondary cluster IP"));
      if (fams.length > 0 && fams.length < listOf(old.ipFamilies).length) errs.push(invalidValue("spec.ipFamilyPolicy", out.ipFamilyPolicy, "must be 'SingleStack' to release the secondary IP family"));
    }
  }
  const ips = listOf(out.clusterIPs);
  const families: unknown[] = [...listOf(out.ipFamilies)];
  if (out.ipFamilyPolicy === "SingleStack") {
    if (ips.length === 2) errs.push(invalidValue("spec.ipFamilyPolicy", out.ipFamilyPolicy, "must be 'RequireDualStack' or 'PreferDualStack' when multiple cluster IPs are specified"));
    if (families.length === 2) errs.push(invalidValue("spec.ipFamilyPolicy", out.ipFamilyPolicy, "must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified"));
  }
  for (const [i, ip] of ips.entries()) {
    if (ip === "None") break;
    if (i < families.length) continue;
    const fam = familyOf(ip);
    if (configured.includes(fam)) families.push(fam);
    else errs.push(invalidValue(`spec.clusterIPs[${i}]`, ips, `${fam} is not configured on this cluster`));
  }
  if (errs.length > 0) return { errors: errs };
  if (selectorless) {
    // a headless Service without a selector may name any family, even one the cluster lacks
    if (families.length === 0) families.push(configured[0]);
    if (families.length < 2 && out.ipFamilyPolicy !== "SingleStack") families.push(otherFamily(families[0]));
    return { spec: { ...out, ipFamilies: families } };
  }
  if (out.ipFamilyPolicy === "RequireDualStack" && configured.length < 2) errs.push(invalidValue("spec.ipFamilyPolicy", out.ipFamilyPolicy, "this cluster is not configured for dual-stack services"));
  families.forEach((f, i) => {
    if (!configured.includes(f as string)) errs.push(invalidValue(`spec.ipFamilies[${i}]`, f, "not configured on this cluster"));
  });
  if (errs.length > 0) return { errors: errs };
  if (families.length === 0) families.push(configured[0]);
  if (out.ipFamilyPolicy !== "SingleStack" && families.length === 1 && configured.length === 2) families.push(otherFamily(families[0]));
  return { spec: { ...out, ipFamilies: families } };
}

/**
 * Allocates what a created or updated Service needs: the allocators after it, and the Service or
 * its errors. On failure no address is kept, but the random draws made are spent; the API server
 * keeps the allocators before the write and restores them when it fails (the REST's txn.Revert).
 */
export function allocateServiceAddresses(a: ServiceAllocators, svc: any, old: any | undefined, net?: ServiceNetwork): ({ service: any } | { errors: FieldError[] } | { internal: string }) & { allocators: ServiceAllocators } {
  const spec = { ...svc.spec };
  let ips = a.ips;
  let ports = a.ports;
  // a copy of the generator: the allocators given are a value and never change
  const rng = new Rng(a.rng.state);
  const rand = () => rng.next();
  const spent = (): ServiceAllocators => (rng.state === a.rng.state ? a : { ...a, rng });
  const reloading = old === svc;
  if (spec.type !== "ExternalName") {
    const families: string[] = Array.isArray(spec.ipFamilies) ? spec.ipFamilies : [];
    const oldIPs: string[] | undefined = old && old.spec?.clusterIP && !reloading ? (old.spec.clusterIPs ?? [old.spec.clusterIP]) : undefined;
    // each family's address: the bitmap's (the default range) or one only an IPAddress holds
    const allocate = (i: number, given: string | undefined): AllocationResult<string> | { internal: string } => {
      const family = families[i] ?? familyOf(given);
      if (given) {
        if (reloading && isAllocated(ips, given)) return { ok: true, state: ips, value: given };
        const r = allocateWanted(ips, given, spec.clusterIPs ?? [given], reloading ? undefined : net);
        if (r.ok) ips = r.state;
        return r;
      }
      const r = net === undefined ? allocateNext(ips, rand) : allocateFromReadyRanges(ips, net, rng, family);
      // allocIPs: AllocateNext's ErrFull is errors.NewInternalError, not a field error
      if (!r.ok) return { internal: r.error };
      ips = r.state;
      return r;
    };
    let wantedIPs: (string | undefined)[];
    if (oldIPs !== undefined) {
      // updateClusterIPs: the primary stays; an upgrade adds the secondary, a downgrade drops it
      const upgraded = oldIPs[0] !== "None" && oldIPs.length === 1 && families.length === 2;
      wantedIPs = oldIPs[0] === "None" ? oldIPs : upgraded ? [oldIPs[0], spec.clusterIPs?.[1] ?? ""] : families.length === 1 && oldIPs.length === 2 ? oldIPs.slice(0, 1) : oldIPs;
      if (upgraded) {
        const r = allocate(1, wantedIPs[1] || undefined);
        if ("internal" in r) return { internal: r.internal, allocators: spent() };
        if (!r.ok) return { errors: [fieldErrorFrom(r.error, "spec.clusterIPs", spec.clusterIPs ?? wantedIPs)], allocators: spent() };
        wantedIPs = [oldIPs[0], r.value];
      }
    } else if ((spec.clusterIP ?? spec.clusterIPs?.[0]) === "None") {
      wantedIPs = ["None"];
    } else {
      // allocClusterIPs: one address per family, those named first taken as they are
      const given: (string | undefined)[] = spec.clusterIP ? [spec.clusterIP, ...(spec.clusterIPs ?? []).slice(1)] : [];
      const count = reloading ? Math.max(given.length, 1) : Math.max(families.length, 1);
      wantedIPs = [];
      for (let i = 0; i < count; i++) {
        const r = allocate(i, given[i] || undefined);
        if ("internal" in r) return { internal: r.internal, allocators: spent() };
        if (!r.ok) return { errors: [fieldErrorFrom(r.error, "spec.clusterIPs", spec.clusterIPs ?? given)], allocators: spent() };
        wantedIPs.push(r.value);
      }
    }
    spec.clusterIP = wantedIPs[0];
    spec.clusterIPs = wantedIPs;
  }
  if (needsNodePort(svc)) {
    const r = reloading ? reloadNodePorts(ports, spec.ports ?? []) : old !== undefined ? updateNodePorts(ports, spec, old.spec ?? {}, rand) : initNodePorts(ports, spec, rand);
    if ("internal" in r) return { internal: r.internal, allocators: spent() };
    if ("error" in r) return { errors: [r.error], allocators: spent() };
    ports = r.state;
    spec.ports = r.ports;
  }
  // txnAllocNodePorts / updateHealthCheckNodePort (pkg/registry/core/service/storage/alloc.go): a
  // LoadBalancer with externalTrafficPolicy Local gets a health check nodePort from the same range,
  // when it is created so or turns so; one that needed it before keeps it (patchAllocatedValues)
  if (needsHealthCheck(spec) && (old === undefined || reloading || !needsHealthCheck(old.spec ?? {}))) {
    const wanted = spec.healthCheckNodePort ?? 0;
    if (wanted !== 0 && !(reloading && isAllocated(ports, wanted))) {
      const r = allocateSpecificNodePort(ports, wanted);
      if (!r.ok) return { internal: `failed to allocate requested HealthCheck NodePort ${wanted}: ${r.error.slice(r.error.indexOf(`${wanted}: `) + `${wanted}: `.length)}`, allocators: spent() };
      ports = r.state;
    } else if (wanted === 0 && !reloading) {
      const r = allocateNextNodePort(ports, rand);
      if (!r.ok) return { internal: "failed to allocate a HealthCheck NodePort 0: range is full", allocators: spent() };
      ports = r.state;
      spec.healthCheckNodePort = r.value;
    }
  }
  const allocators = ips === a.ips && ports === a.ports ? spent() : { ...spent(), ips, ports };
  return { service: { ...svc, spec }, allocators };
}

type NodePortsResult = { state: RangeAllocatorState; ports: any[] } | { error: FieldError } | { internal: string };

// shouldAllocateNodePorts: a LoadBalancer with allocateLoadBalancerNodePorts false reserves only the nodePorts it names
const allocatesNodePorts = (spec: any) => spec.type === "NodePort" || (spec.type === "LoadBalancer" && spec.allocateLoadBalancerNodePorts !== false);

function nodePortError(r: AllocationResult<number>, i: number, port: number): NodePortsResult {
  return { error: fieldErrorFrom(r.ok ? "" : r.error, `spec.ports[${i}].nodePort`, port) };
}

/**
 * initNodePorts (alloc.go) on a create: ports of the same port number share one nodePort (kube-dns's
 * UDP and TCP 53), the one any of them names or else the next drawn; a port naming another nodePort
 * than its number's reserves that too.
 */
function initNodePorts(state: RangeAllocatorState, spec: any, rand: () => number): NodePortsResult {
  const byPort = new Map<unknown, number>();
  const out: any[] = [];
  for (const [i, p] of (spec.ports ?? []).entries()) {
    if (!p.nodePort && !allocatesNodePorts(spec)) { out.push(p); continue; }
    const shared = byPort.get(p.port);
    if (shared === undefined) {
      // findRequestedNodePort: the first port of this number that names a nodePort
      const named = (spec.ports as any[]).find((q) => q.port === p.port && q.nodePort)?.nodePort;
      const r = named ? allocateSpecificNodePort(state, named, i) : allocateNextNodePort(state, rand);
      // AllocateNext's ErrFull is errors.NewInternalError("failed to allocate a nodePort: range is full")
      if (!r.ok) return named ? nodePortError(r, i, named) : { internal: r.error };
      state = r.state;
      byPort.set(p.port, r.value);
      out.push({ ...p, nodePort: r.value });
    } else if (p.nodePort && p.nodePort !== shared) {
      const r = allocateSpecificNodePort(state, p.nodePort, i);
      if (!r.ok) return nodePortError(r, i, p.nodePort);
      state = r.state;
      out.push(p);
    } else out.push({ ...p, nodePort: shared });
  }
  return { state, ports: out };
}

/**
 * updateNodePorts on an update (after the strategy's patchAllocatedValues kept the old nodePorts by
 * port name): each named nodePort the old Service did not hold is reserved (once), each port still
 * without one draws one.
 */
function updateNodePorts(state: RangeAllocatorState, spec: any, old: any, rand: () => number): NodePortsResult {
  const oldNumbers: unknown[] = needsNodePort({ spec: old }) ? (old.ports ?? []).map((p: any) => p.nodePort).filter(Boolean) : [];
  const reserved = new Set<number>();
  const out: any[] = [];
  for (const [i, p] of (spec.ports ?? []).entries()) {
    if (!p.nodePort && !allocatesNodePorts(spec)) { out.push(p); continue; }
    if (p.nodePort) {
      if (!oldNumbers.includes(p.nodePort) && !reserved.has(p.nodePort)) {
        const r = allocateSpecificNodePort(state, p.nodePort, i);
        if (!r.ok) return nodePortError(r, i, p.nodePort);
        state = r.state;
        reserved.add(p.nodePort);
      }
      out.push(p);
      continue;
    }
    const r = allocateNextNodePort(state, rand);
    if (!r.ok) return { internal: r.error };
    state = r.state;
    out.push({ ...p, nodePort: r.value });
  }
  return { state, ports: out };
}

/** The allocators rebuilt from the stored Services (the repair loop's view): every nodePort held, once. */
function reloadNodePorts(state: RangeAllocatorState, ports: any[]): NodePortsResult {
  for (const p of ports) {
    if (!p.nodePort || isAllocated(state, p.nodePort)) continue;
    const r = allocateSpecificNodePort(state, p.nodePort);
    if (r.ok) state = r.state;
  }
  return { state, ports };
}

/**
 * MetaAllocator.AllocateService for an address asked for: a ready ServiceCIDR must hold it and no
 * IPAddress may name it; the default range's bitmap records it, another ServiceCIDR's address is
 * held by its IPAddress alone.
 */
function allocateWanted(ips: RangeAllocatorState, wanted: string, clusterIPs: string[], net: ServiceNetwork | undefined): AllocationResult<string> {
  if (net === undefined) return allocateSpecific(ips, wanted, clusterIPs);
  const prefix = `spec.clusterIPs: Invalid value: ${JSON.stringify(clusterIPs)}: failed to allocate IP ${wanted}: `;
  if (!net.allocatable(wanted)) return { ok: false, state: ips, reason: "NotInRange", error: `${prefix}${mismatchedNetwork}` };
  // createIPAddress's AlreadyExists is ErrAllocated
  if (net.taken(wanted)) return { ok: false, state: ips, reason: "Allocated", error: `${prefix}provided IP is already allocated` };
  return inRange(ips, wanted) ? allocateSpecific(ips, wanted, clusterIPs) : { ok: true, state: ips, value: wanted };
}

/**
 * The order MetaAllocator.AllocateNextService tries its ranges in: a Go map's iteration order, a
 * fresh random one each time, drawn from the seed (a lone range draws nothing).
 */
export function rangeOrder(ranges: readonly string[], rng: Rng): string[] {
  const out = [...ranges];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * MetaAllocator.AllocateNextService for one family: each ready range of it in turn, the first with a
 * free address wins; a full one passes to the next, and when all are full (or none is ready) it is
 * ErrFull. The default range keeps its bitmap; another range's addresses are held by their
 * IPAddresses alone.
 */
function allocateFromReadyRanges(ips: RangeAllocatorState, net: ServiceNetwork, rng: Rng, family = "IPv4"): AllocationResult<string> {
  const rand = () => rng.next();
  for (const cidr of rangeOrder(family === "IPv6" ? net.readyRangesV6 : net.readyRanges, rng)) {
    if (family === "IPv6") {
      const ip = allocateNextHeld(cidr, rand, net.taken);
      if (ip !== undefined) return { ok: true, state: ips, value: ip };
      continue;
    }
    if (sameRange(cidr, ips.rangeSpec)) {
      const r = allocateNext(ips, rand, net.taken);
      if (r.ok) return r;
      continue;
    }
    const r = allocateNext(newClusterIPAllocator(cidr, { reserveKubernetesServiceIP: false }), rand, net.taken);
    if (r.ok) return { ok: true, state: ips, value: r.value };
  }
  return { ok: false, state: ips, reason: "Full", error: "failed to allocate a serviceIP: range is full" };
}

/**
 * The IPAddress-backed Allocator's allocateNextService over an IPv6 range (no broadcast address, so
 * all but the subnet's own address, over every host bit: hostsPerNetwork's 2^x - 1): a random
 * offset in the upper band, then the lower (KEP-3070) band, each searched from there with
 * wrap-around, passing over what an IPAddress holds. The band is calculateRangeOffset's, of the
 * CIDR's whole size.
 */
function allocateNextHeld(cidr: string, rand: () => number, taken: (ip: string) => boolean): string | undefined {
  const count = cidrAddressCount(cidr) ?? 1n;
  const size = count - 1n;
  const low = BigInt(rangeOffset(Number(count), 16, 256, 16));
  const bands: [bigint, bigint][] = [[low, size - low], [0n, low]];
  for (const [from, n] of bands) {
    if (n <= 0n) continue;
    const start = randomBelow(n, rand);
    // the first free address from the random start (a range of 2^64 is never walked through: it is never full)
    for (let i = 0n; i < n; i++) {
      const ip = addressAtOffset(cidr, 1n + from + ((start + i) % n));
      if (ip !== undefined && !taken(ip)) return ip;
    }
  }
  return undefined;
}

/** A random offset in [0, n): one draw scaled for a range up to 2^32, else enough 32-bit draws reduced modulo n. */
function randomBelow(n: bigint, rand: () => number): bigint {
  if (n <= 2n ** 32n) return BigInt(Math.floor(rand() * Number(n)));
  let v = 0n;
  for (let bits = 0n; 1n << bits < n; bits += 32n) v = (v << 32n) | BigInt(Math.floor(rand() * 2 ** 32));
  return v % n;
}

/** Two CIDRs naming the same range (the map's key is the ServiceCIDR's canonical text). */
function sameRange(a: string, b: string): boolean {
  const pa = parseCIDRSloppy(a);
  const pb = parseCIDRSloppy(b);
  return pa !== undefined && pb !== undefined && pa.len === pb.len && pa.ip.bytes.every((x, i) => x === pb.ip.bytes[i]);
}

/** A Service's cluster IPs of every family (none for headless or ExternalName). */
function heldIPs(svc: any): string[] {
  if (svc?.spec?.type === "ExternalName") return [];
  const ips: unknown[] = Array.isArray(svc?.spec?.clusterIPs) ? svc.spec.clusterIPs : svc?.spec?.clusterIP ? [svc.spec.clusterIP] : [];
  return ips.filter((ip): ip is string => typeof ip === "string" && ip !== "" && ip !== "None");
}

/** The allocators with a deleted Service's ClusterIP and nodePorts free again. */
export function releaseServiceAddresses(a: ServiceAllocators, svc: any): ServiceAllocators {
  // every family's address (releaseClusterIPs); one not in the bitmap (IPv6) is held by its IPAddress alone
  let ips = a.ips;
  for (const ip of heldIPs(svc)) ips = release(ips, ip);
  let ports = a.ports;
  for (const p of svc?.spec?.ports ?? []) if (p.nodePort && !mutant("allocators.service-delete-keeps-node-ports")) ports = release(ports, p.nodePort);
  // releaseAllocatedResources: the health check nodePort too
  if (svc?.spec && needsHealthCheck(svc.spec) && svc.spec.healthCheckNodePort > 0) ports = release(ports, svc.spec.healthCheckNodePort);
  return ips === a.ips && ports === a.ports ? a : { ...a, ips, ports };
}

/**
 * The allocators once an update is stored that dropped the Service's cluster IP (a change to
 * ExternalName) or node ports (away from NodePort): those are free again. Only after the write
 * succeeded: a conflict leaves the stored Service holding them.
 */
export function releaseDroppedAddresses(a: ServiceAllocators, svc: any, old: any): ServiceAllocators {
  let ips = a.ips;
  let ports = a.ports;
  const kept = heldIPs(svc);
  for (const ip of heldIPs(old)) if (!kept.includes(ip)) ips = release(ips, ip);
  const keptPorts = new Set((svc?.spec?.ports ?? []).map((p: any) => p.nodePort).filter(Boolean));
  for (const p of old?.spec?.ports ?? []) if (p.nodePort && !keptPorts.has(p.nodePort)) ports = release(ports, p.nodePort);
  // updateHealthCheckNodePort's case 2: no longer needed, the old one is free
  if (old?.spec && needsHealthCheck(old.spec) && !needsHealthCheck(svc?.spec ?? {}) && old.spec.healthCheckNodePort > 0) ports = release(ports, old.spec.healthCheckNodePort);
  return ips === a.ips && ports === a.ports ? a : { ...a, ips, ports };
}
