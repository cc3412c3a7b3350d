// The EndpointSlice mirroring controller's reconciler (pkg/controller/endpointslicemirroring):
// the Endpoints of a Service without a selector, written by someone else, mirrored as
// EndpointSlices: one slice per address type and port set, at most 1000 addresses of a subset,
// the Endpoints' labels and annotations copied, owned by the Endpoints.

import type { EndpointAddress, EndpointPort, Endpoints, Service } from "kubernetes-types/core/v1";
import type { Endpoint, EndpointPort as SlicePort, EndpointSlice } from "kubernetes-types/discovery/v1";
import { deepEqual } from "../common/equal.js";
import { LAST_CHANGE_TRIGGER_TIME_ANNOTATION, MANAGED_BY_LABEL, SERVICE_NAME_LABEL } from "../common/endpointutil.js";
import { repackSubsets } from "../common/endpointsubsets.js";
import { formatIP, isV4Mapped, parseIPSloppy } from "../common/ip.js";
import { mutant } from "../common/mutation.js";

/** The managed-by value of mirrored slices (controllerName). */
export const MIRRORING_CONTROLLER_NAME = "endpointslicemirroring-controller.k8s.io";
/** discovery.LabelSkipMirror: "true" keeps an Endpoints from being mirrored (the API server's own kubernetes Endpoints has it). */
export const SKIP_MIRROR_LABEL = "endpointslice.kubernetes.io/skip-mirror";
/** resourcelock.LeaderElectionRecordAnnotationKey: an Endpoints used as a leader-election lock is not mirrored. */
export const LEADER_ELECTION_ANNOTATION = "control-plane.alpha.kubernetes.io/leader";
/** --mirroring-max-endpoints-per-subset's default. */
export const MAX_ENDPOINTS_PER_SUBSET = 1000;
const LAST_APPLIED_ANNOTATION = "kubectl.kubernetes.io/last-applied-configuration";

type AddressType = "IPv4" | "IPv6";

/** shouldMirror: not skip-mirror, not a leader-election lock (a Service without a selector is checked apart). */
export function shouldMirror(ep: Endpoints | undefined): boolean {
  if (!ep) return false;
  return (ep.metadata?.labels?.[SKIP_MIRROR_LABEL] !== "true" || mutant("endpointslicemirroring.skip-mirror-ignored")) && !Object.hasOwn(ep.metadata?.annotations ?? {}, LEADER_ELECTION_ANNOTATION);
}

/** A Service whose Endpoints are mirrored: one without a selector (Go's nil map: absent, not {}). */
export function hasNoSelector(svc: Service | undefined): boolean {
  return svc?.spec?.selector === undefined || svc.spec.selector === null;
}

/** managedByController: a slice this controller manages. */
export function mirroredSlice(slice: EndpointSlice | undefined): boolean {
  return slice?.metadata?.labels?.[MANAGED_BY_LABEL] === MIRRORING_CONTROLLER_NAME;
}

/** addressToEndpoint: the address parsed sloppily and written back canonical, its readiness, hostname, nodeName and targetRef. */
export function addressToEndpoint(address: EndpointAddress, ready: boolean): { endpoint: Endpoint; addressType: AddressType } | undefined {
  const ip = typeof address.ip === "string" ? parseIPSloppy(address.ip) : undefined;
  if (!ip) return undefined;
  const addressType: AddressType = ip.bytes.length === 4 || isV4Mapped(ip.bytes) ? "IPv4" : "IPv6";
  const endpoint: Endpoint = { addresses: [formatIP(ip)], conditions: { ready: ready || mutant("endpointslicemirroring.not-ready-mirrored-ready") } };
  if (address.hostname) endpoint.hostname = address.hostname;
  if (address.nodeName) endpoint.nodeName = address.nodeName;
  if (address.targetRef) endpoint.targetRef = address.targetRef;
  return { endpoint, addressType };
}

/** epPortsToEpsPorts: name, port and protocol always set, appProtocol when given. */
export function slicePorts(ports: readonly EndpointPort[] | undefined): SlicePort[] {
  return (ports ?? []).map((p) => ({ name: p.name ?? "", port: p.port, protocol: p.protocol ?? "TCP", ...(p.appProtocol !== undefined ? { appProtocol: p.appProtocol } : {}) }));
}

// addrTypePortMapKey: the address type and the port set, in any order.
function portMapKey(addressType: string | undefined, ports: readonly SlicePort[] | undefined): string {
  const keys = (ports ?? []).map((p) => JSON.stringify([p.name ?? "", p.port ?? 0, p.protocol ?? "", p.appProtocol ?? null])).sort();
  return `${addressType}/${keys.join(",")}`;
}

// endpointsliceutil's endpoint hash: the addresses, the hostname and the target's namespace and name.
function endpointKey(ep: Endpoint): string {
  return JSON.stringify([[...ep.addresses].sort(), ep.hostname ?? "", ep.targetRef?.namespace ?? "", ep.targetRef?.name ?? ""]);
}

/** What one sync of an Endpoints decides: the slice writes, and the addresses it could not mirror. */
export interface MirrorPlan {
  create: EndpointSlice[];
  update: EndpointSlice[];
  delete: EndpointSlice[];
  /** addresses that are not IPs (event InvalidIPAddress) */
  invalid: number;
  /** addresses left out, invalid or past the per-subset limit (event TooManyAddressesToMirror when more than the invalid) */
  skipped: number;
}

/** The labels a mirrored slice carries: the Endpoints' own, then the Service name and managed-by. */
function mirroredLabels(ep: Endpoints): Record<string, string> {
  const own = { [SERVICE_NAME_LABEL]: ep.metadata?.name ?? "", [MANAGED_BY_LABEL]: MIRRORING_CONTROLLER_NAME };
  // the mutant lets the Endpoints' own labels win over the two the controller sets
  return mutant("endpointslicemirroring.endpoints-labels-win") ? { ...own, ...(ep.metadata?.labels ?? {}) } : { ...(ep.metadata?.labels ?? {}), ...own };
}

/** The annotations a mirrored slice carries: the Endpoints' own but the trigger time and kubectl's last-applied configuration. */
function mirroredAnnotations(ep: Endpoints): Record<string, string> {
  const out: Record<string, string> = {};
  // the mutant copies kubectl's last-applied configuration too
  for (const [k, v] of Object.entries(ep.metadata?.annotations ?? {})) if (k !== LAST_CHANGE_TRIGGER_TIME_ANNOTATION && (k !== LAST_APPLIED_ANNOTATION || mutant("endpointslicemirroring.last-applied-copied"))) out[k] = v;
  return out;
}

/** getEndpointSlicePrefix: "<name>-" unless that is too long a name to generate from. */
function slicePrefix(name: string): string {
  return name.length + 1 > 253 ? name : `${name}-`;
}

/** newEndpointSlice: owned by the Endpoints (a controller reference), named by generateName when new. */
export function newMirroredSlice(ep: Endpoints, ports: SlicePort[], addressType: AddressType, name: string | undefined, endpoints: Endpoint[]): EndpointSlice {
  const annotations = mirroredAnnotations(ep);
  const metadata: EndpointSlice["metadata"] = {
    ...(name ? { name } : { generateName: slicePrefix(ep.metadata?.name ?? "") }),
    namespace: ep.metadata?.namespace ?? "default",
    labels: mirroredLabels(ep),
    ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
    ownerReferences: [{ apiVersion: "v1", kind: "Endpoints", name: ep.metadata?.name ?? "", uid: ep.metadata?.uid ?? "", controller: true, blockOwnerDeletion: true }],
  };
  return { apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice", metadata, addressType, endpoints, ports };
}

// Semantic.DeepEqual of two string maps: absent and empty are equal.
function sameMap(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  return deepEqual(a ?? {}, b ?? {});
}

function withoutKeys(m: Record<string, string> | undefined, ...keys: string[]): Record<string, string> {
  const out = { ...(m ?? {}) };
  for (const k of keys) delete out[k];
  return out;
}

/**
 * reconcile: the desired endpoints of each address type and port set (subsets repacked first),
 * compared with the existing mirrored slices of the same key. The first slice of a key is
 * rewritten when its endpoints, labels or annotations differ, the others deleted; a key no longer
 * wanted loses its slices. Creates then recycle slices marked for deletion of the same address type.
 */
export function reconcileMirror(ep: Endpoints, existing: readonly EndpointSlice[], maxPerSubset = MAX_ENDPOINTS_PER_SUBSET): MirrorPlan {
  const portsByKey = new Map<string, { ports: SlicePort[]; addressType: AddressType }>();
  const desiredByKey = new Map<string, Map<string, Endpoint>>();
  let invalid = 0;
  let skipped = 0;
  for (const subset of repackSubsets(ep.subsets ?? [])) {
    const ports = slicePorts(subset.ports);
    const keyOf = { IPv4: portMapKey("IPv4", ports), IPv6: portMapKey("IPv6", ports) };
    for (const t of ["IPv4", "IPv6"] as const) {
      if (!desiredByKey.has(keyOf[t])) desiredByKey.set(keyOf[t], new Map());
      portsByKey.set(keyOf[t], { ports, addressType: t });
    }
    const total = (subset.addresses?.length ?? 0) + (subset.notReadyAddresses?.length ?? 0);
    let added = 0;
    const add = (addresses: readonly EndpointAddress[] | undefined, ready: boolean) => {
      for (const a of addresses ?? []) {
        if (added >= maxPerSubset) break;
        const e = addressToEndpoint(a, ready);
        if (!e) {
          invalid++;
          continue;
        }
        desiredByKey.get(keyOf[e.addressType])!.set(endpointKey(e.endpoint), e.endpoint);
        added++;
      }
    };
    add(subset.addresses, true);
    // the mutant gives the not-ready addresses a limit of their own
    if (mutant("endpointslicemirroring.not-ready-own-limit")) added = 0;
    add(subset.notReadyAddresses, false);
    skipped += total - added;
  }
  const existingByKey = new Map<string, EndpointSlice[]>();
  for (const s of existing) {
    const k = portMapKey(s.addressType, s.ports ?? []);
    existingByKey.set(k, [...(existingByKey.get(k) ?? []), s]);
  }
  const plan: MirrorPlan = { create: [], update: [], delete: [], invalid, skipped };
  for (const [key, desired] of desiredByKey) {
    const slices = existingByKey.get(key) ?? [];
    const { ports, addressType } = portsByKey.get(key)!;
    if (desired.size === 0) {
      plan.delete.push(...slices);
      continue;
    }
    const first = slices[0];
    if (first) {
      plan.delete.push(...slices.slice(1));
      const unchanged =
        (first.endpoints ?? []).length === desired.size &&
        (first.endpoints ?? []).every((e) => deepEqual(desired.get(endpointKey(e)), e)) &&
        sameMap(ep.metadata?.labels, withoutKeys(first.metadata?.labels, MANAGED_BY_LABEL, SERVICE_NAME_LABEL)) &&
        sameMap(mirroredAnnotations(ep), first.metadata?.annotations);
      if (unchanged) continue;
    }
    const slice = newMirroredSlice(ep, ports, addressType, first?.metadata?.name, [...desired.values()].slice(0, maxPerSubset));
    (first ? plan.update : plan.create).push(slice);
  }
  for (const [key, slices] of existingByKey) if (!desiredByKey.has(key)) plan.delete.push(...slices);
  return recycle(plan);
}

/** recycleSlices: a create and a delete of the same address type become an update of the deleted slice's name. */
function recycle(plan: MirrorPlan): MirrorPlan {
  const create: EndpointSlice[] = [];
  const del = [...plan.delete];
  const update = [...plan.update];
  for (const c of plan.create) {
    const i = del.findIndex((d) => d.addressType === c.addressType);
    if (i < 0) {
      create.push(c);
      continue;
    }
    const { generateName: _g, ...meta } = c.metadata ?? {};
    update.push({ ...c, metadata: { ...meta, name: del[i]!.metadata?.name } });
    del.splice(i, 1);
  }
  return { ...plan, create, update, delete: del };
}

/** The events a sync records on the Endpoints (reconcile's InvalidIPAddress and TooManyAddressesToMirror). */
export function mirrorEvents(plan: MirrorPlan, maxPerSubset = MAX_ENDPOINTS_PER_SUBSET): { reason: string; message: string }[] {
  const out: { reason: string; message: string }[] = [];
  if (plan.invalid > 0) out.push({ reason: "InvalidIPAddress", message: `Skipped ${plan.invalid} invalid IP addresses when mirroring to EndpointSlices` });
  if (plan.skipped > plan.invalid) out.push({ reason: "TooManyAddressesToMirror", message: `A max of ${maxPerSubset} addresses can be mirrored to EndpointSlices per Endpoints subset. ${plan.skipped} addresses were skipped` });
  return out;
}
