// The Service REST strategy's allocations: a ClusterIP from the service CIDR (none for headless
// or ExternalName) and a nodePort per port for NodePort/LoadBalancer, all-or-nothing per write.

import { Rng } from "../common/prng.js";
import {
  allocateNext, allocateNextNodePort, allocateSpecific, allocateSpecificNodePort, inRange, isAllocated, mismatchedNetwork,
  newClusterIPAllocator, newNodePortAllocator, release, type AllocationResult, type RangeAllocatorState,
} from "./allocators.js";
import type { ServiceNetwork } from "./servicecidr.js";
import { invalidValue, type FieldError } from "./status.js";
import { mutant } from "../common/mutation.js";
import { parseCIDRSloppy } from "../common/ip.js";
import { isIPv6 } from "./validation/ip.js";

export interface ServiceAllocators {
  ips: RangeAllocatorState;
  ports: RangeAllocatorState;
  rng: Rng;
}

/** Allocators over 10.96.0.0/12 (10.96.0.1 kept for the `kubernetes` Service) and 30000-32767. */
export function newServiceAllocators(seed = 0x5e41ce): ServiceAllocators {
  // 10.96.0.1 is not pre-reserved: the bootstrap creates the `kubernetes` Service with it explicitly.
  return { ips: newClusterIPAllocator(undefined, { reserveKubernetesServiceIP: false }), ports: newNodePortAllocator(), rng: new Rng(seed) };
}

function fieldErrorFrom(message: string, field: string, value: unknown): FieldError {
  // The allocator words the whole error; the field error keeps the part after the value.
  const i = message.indexOf(": ", message.indexOf("Invalid value: ") + "Invalid value: ".length);
  return invalidValue(field, value, i >= 0 ? message.slice(i + 2) : message);
}

const needsNodePort = (svc: any) => svc.spec?.type === "NodePort" || svc.spec?.type === "LoadBalancer";
// apiservice.NeedsHealthCheck
const needsHealthCheck = (spec: any) => spec.type === "LoadBalancer" && spec.externalTrafficPolicy === "Local";

/** The IP families the cluster's ClusterIP allocators serve: podflow's cluster is single-stack IPv4. */
export const CLUSTER_IP_FAMILIES: readonly string[] = ["IPv4"];

// familyOf: an address that is not IPv6 (an IPv4-mapped one is IPv4) is taken as IPv4
const familyOf = (ip: unknown) => (typeof ip === "string" && isIPv6(ip) ? "IPv6" : "IPv4");

/**
 * initIPFamilyFields' checks (pkg/registry/core/service/storage/alloc.go), the defaults having been
 * applied: a SingleStack policy with two cluster IPs or families; a cluster IP of a family the cluster
 * lacks; then, but for a headless Service without a selector (which may name any family), dual-stack
 * required of a single-stack cluster and families it does not serve.
 */
export function ipFamilyErrors(spec: any, configured: readonly string[] = CLUSTER_IP_FAMILIES): FieldError[] {
  if (spec.type === "ExternalName") return [];
  const errs: FieldError[] = [];
  const ips: unknown[] = Array.isArray(spec.clusterIPs) ? spec.clusterIPs : [];
  const families: unknown[] = Array.isArray(spec.ipFamilies) ? [...spec.ipFamilies] : [];
  if (spec.ipFamilyPolicy === "SingleStack") {
    if (ips.length === 2) errs.push(invalidValue("spec.ipFamilyPolicy", spec.ipFamilyPolicy, "must be 'RequireDualStack' or 'PreferDualStack' when multiple cluster IPs are specified"));
    if (families.length === 2) errs.push(invalidValue("spec.ipFamilyPolicy", spec.ipFamilyPolicy, "must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified"));
  }
  for (const [i, ip] of ips.entries()) {
    if (ip === "None") break;
    if (i < families.length) continue;
    const fam = familyOf(ip);
    if (configured.includes(fam)) families.push(fam);
    else errs.push(invalidValue(`spec.clusterIPs[${i}]`, ips, `${fam} is not configured on this cluster`));
  }
  if (errs.length > 0) return errs;
  if (spec.clusterIP === "None" && Object.keys(spec.selector ?? {}).length === 0) return [];
  if (spec.ipFamilyPolicy === "RequireDualStack" && configured.length < 2) errs.push(invalidValue("spec.ipFamilyPolicy", spec.ipFamilyPolicy, "this cluster is not configured for dual-stack services"));
  families.forEach((f, i) => {
    if (!configured.includes(f as string)) errs.push(invalidValue(`spec.ipFamilies[${i}]`, f, "not configured on this cluster"));
  });
  return errs;
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
  const familyErrors = reloading ? [] : ipFamilyErrors(spec);
  if (familyErrors.length > 0) return { errors: familyErrors, allocators: a };
  if (spec.type !== "ExternalName") {
    const wanted: string | undefined = spec.clusterIP ?? spec.clusterIPs?.[0];
    if (old && old.spec?.clusterIP && !reloading) {
      spec.clusterIP = old.spec.clusterIP;
      spec.clusterIPs = old.spec.clusterIPs ?? [old.spec.clusterIP];
    } else if (wanted === "None") {
      spec.clusterIP = "None";
      spec.clusterIPs = ["None"];
    } else if (wanted) {
      if (!(reloading && isAllocated(ips, wanted))) {
        const r = allocateWanted(ips, wanted, spec.clusterIPs ?? [wanted], reloading ? undefined : net);
        if (!r.ok) return { errors: [fieldErrorFrom(r.error, "spec.clusterIPs", spec.clusterIPs ?? [wanted])], allocators: spent() };
        ips = r.state;
      }
      spec.clusterIP = wanted;
      spec.clusterIPs = [wanted];
    } else {
      const r = net === undefined ? allocateNext(ips, rand) : allocateFromReadyRanges(ips, net, rng);
      // allocIPs: AllocateNext's ErrFull is errors.NewInternalError, not a field error
      if (!r.ok) return { internal: r.error, allocators: spent() };
      ips = r.state;
      spec.clusterIP = r.value;
      spec.clusterIPs = [r.value];
    }
  }
  if (needsNodePort(svc)) {
    const oldPorts = new Map<string, number>((old?.spec?.ports ?? []).map((p: any) => [`${p.protocol ?? "TCP"}/${p.port}`, p.nodePort]));
    const out: any[] = [];
    for (const [i, p] of (spec.ports ?? []).entries()) {
      const kept = oldPorts.get(`${p.protocol ?? "TCP"}/${p.port}`);
      if (p.nodePort && (reloading ? !isAllocated(ports, p.nodePort) : p.nodePort !== kept)) {
        const r = allocateSpecificNodePort(ports, p.nodePort, i);
        if (!r.ok) return { errors: [fieldErrorFrom(r.error, `spec.ports[${i}].nodePort`, p.nodePort)], allocators: spent() };
        ports = r.state;
        out.push(p);
      } else if (p.nodePort) out.push(p);
      else if (kept && !reloading) out.push({ ...p, nodePort: kept });
      // shouldAllocateNodePorts: a LoadBalancer with allocateLoadBalancerNodePorts false reserves only the nodePorts it names
      else if (spec.type === "LoadBalancer" && spec.allocateLoadBalancerNodePorts === false) out.push(p);
      else {
        const r = allocateNextNodePort(ports, rand);
        // allocNodePorts: AllocateNext's ErrFull is errors.NewInternalError("failed to allocate a nodePort: range is full")
        if (!r.ok) return { internal: r.error, allocators: spent() };
        ports = r.state;
        out.push({ ...p, nodePort: r.value });
      }
    }
    spec.ports = out;
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
 * MetaAllocator.AllocateNextService: each ready range in turn, the first with a free address wins; a
 * full one passes to the next, and when all are full (or none is ready) it is ErrFull. The default
 * range keeps its bitmap; another range's addresses are held by their IPAddresses alone.
 */
function allocateFromReadyRanges(ips: RangeAllocatorState, net: ServiceNetwork, rng: Rng): AllocationResult<string> {
  const rand = () => rng.next();
  for (const cidr of rangeOrder(net.readyRanges, rng)) {
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

/** Two CIDRs naming the same range (the map's key is the ServiceCIDR's canonical text). */
function sameRange(a: string, b: string): boolean {
  const pa = parseCIDRSloppy(a);
  const pb = parseCIDRSloppy(b);
  return pa !== undefined && pb !== undefined && pa.len === pb.len && pa.ip.bytes.every((x, i) => x === pb.ip.bytes[i]);
}

/** The allocators with a deleted Service's ClusterIP and nodePorts free again. */
export function releaseServiceAddresses(a: ServiceAllocators, svc: any): ServiceAllocators {
  const ip = svc?.spec?.clusterIP;
  const ips = ip && ip !== "None" ? release(a.ips, ip) : a.ips;
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
  const oldIP: string | undefined = old?.spec?.clusterIP;
  if (oldIP && oldIP !== "None" && svc?.spec?.clusterIP !== oldIP) ips = release(ips, oldIP);
  const kept = new Set((svc?.spec?.ports ?? []).map((p: any) => p.nodePort).filter(Boolean));
  for (const p of old?.spec?.ports ?? []) if (p.nodePort && !kept.has(p.nodePort)) ports = release(ports, p.nodePort);
  // updateHealthCheckNodePort's case 2: no longer needed, the old one is free
  if (old?.spec && needsHealthCheck(old.spec) && !needsHealthCheck(svc?.spec ?? {}) && old.spec.healthCheckNodePort > 0) ports = release(ports, old.spec.healthCheckNodePort);
  return ips === a.ips && ports === a.ports ? a : { ...a, ips, ports };
}
