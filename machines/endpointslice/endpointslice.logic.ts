// The EndpointSlice controller's reconciler (k8s.io/endpointslice, reconciler.go): desired
// endpoints per port set, then update/fill existing slices before creating new ones.

import type { Node, Pod, Service } from "kubernetes-types/core/v1";
import type { Endpoint, EndpointPort, EndpointSlice } from "kubernetes-types/discovery/v1";
import {
  HEADLESS_SERVICE_LABEL,
  findPort,
  hasSelector,
  isPodReady,
  podIPv4,
  podIPv6,
  shouldPodBeInEndpoints,
  shouldSetHostname,
} from "../common/endpointutil.js";
import { deepEqual, deepFreeze } from "../common/equal.js";
import { mutant } from "../common/mutation.js";
import { MANAGED_BY_LABEL, SERVICE_NAME_LABEL } from "../common/endpointutil.js";
import { addHints, hintsEnabled, removeHints, TopologyAwareHintsDisabled, withAddressType, ZONE_LABEL, type HintEvent, type TopologyCache } from "./topologycache.js";

export { MANAGED_BY_LABEL, SERVICE_NAME_LABEL };

export const CONTROLLER_NAME = "endpointslice-controller.k8s.io";
export { ZONE_LABEL };
/** Default --max-endpoints-per-slice. */
export const DEFAULT_MAX_ENDPOINTS_PER_SLICE = 100;

/** Options for reconcileSlices. */
export interface ReconcileOptions {
  maxEndpointsPerSlice?: number;
  nodes?: Node[];
  /** finds a node by name (an informer store's get) instead of searching `nodes` for every pod */
  nodeNamed?: (name: string) => Node | undefined;
  /** the controller's topology cache (none: the reconciler's topologyCache is nil) */
  topology?: TopologyCache;
}

/** Slices to create (generateName only), update (full new object) and delete. */
export interface SliceChanges {
  create: EndpointSlice[];
  update: EndpointSlice[];
  delete: EndpointSlice[];
  /** the topology hints' events for the Service, recorded after the writes */
  events?: HintEvent[];
  /** the topology cache after this sync (when one was given) */
  topology?: TopologyCache;
}

/** The EndpointSlice endpoint for a pod, with KEP-1672 ready/serving/terminating conditions. */
export function podToEndpoint(pod: Pod, service: Service, node: Node | undefined, ip: string): Endpoint {
  const terminating = !!pod.metadata?.deletionTimestamp;
  const serving = isPodReady(pod) && !(terminating && mutant("endpointslice.terminating-not-serving"));
  // Ready is never true for a terminating pod unless the Service publishes not-ready addresses.
  const ready = (service.spec?.publishNotReadyAddresses === true && !mutant("endpointslice.ignores-publish-not-ready")) || ((serving || mutant("endpointslice.unready-pod-ready")) && (!terminating || mutant("endpointslice.terminating-pod-ready")));
  const ep: Endpoint = {
    addresses: [ip],
    conditions: { ready, serving, terminating },
    targetRef: {
      kind: "Pod",
      namespace: pod.metadata?.namespace ?? "default",
      name: pod.metadata?.name ?? "",
      uid: pod.metadata?.uid ?? "",
    },
  };
  if (pod.spec?.nodeName) ep.nodeName = pod.spec.nodeName;
  const zone = node?.metadata?.labels?.[ZONE_LABEL];
  if (zone) ep.zone = zone;
  if (shouldSetHostname(pod, service)) ep.hostname = pod.spec!.hostname!;
  return ep;
}

/** The slice ports for a pod: every Service port whose targetPort resolves on it. */
export function endpointPorts(service: Service, pod: Pod): EndpointPort[] {
  const out: EndpointPort[] = [];
  for (const sp of service.spec?.ports ?? []) {
    const found = findPort(pod, sp);
    if (found === undefined) continue;
    // The mutant takes a named targetPort's IntValue() (0 for a name) instead of the container port it names.
    const port = mutant("endpointslice.named-port-int-value") && typeof sp.targetPort === "string" ? 0 : found;
    const ep: EndpointPort = { name: sp.name ?? "", port, protocol: sp.protocol ?? "TCP" };
    if (sp.appProtocol !== undefined) ep.appProtocol = sp.appProtocol;
    out.push(ep);
  }
  return out;
}

// A port set's identity: its ports by name, each with every field (an absent name is not "").
function portsKey(ports: EndpointPort[] | undefined): string {
  if (!ports || ports.length === 0) return "[]";
  const sorted = ports.length === 1 ? ports : [...ports].sort((a, b) => ((a.name ?? "") < (b.name ?? "") ? -1 : 1));
  return JSON.stringify(sorted.map((p) => [p.name, p.port, p.protocol, p.appProtocol]));
}

/** Identity of an endpoint across syncs (the reconciler's endpoint hash: addresses + target pod). */
function endpointKey(ep: Endpoint): string {
  const addresses = ep.addresses.length === 1 ? ep.addresses[0] : [...ep.addresses].sort().join(",");
  return `${addresses}/${ep.targetRef?.namespace ?? ""}/${ep.targetRef?.name ?? ""}`;
}

/** The labels the controller wants on a slice: the Service's own, plus its bookkeeping labels. */
export function sliceLabels(service: Service): Record<string, string> {
  const labels: Record<string, string> = { ...(service.metadata?.labels ?? {}) };
  delete labels[HEADLESS_SERVICE_LABEL];
  // !helper.IsServiceIPSet: no cluster IP ("" as well as None) is headless here
  const clusterIP = service.spec?.clusterIP ?? "";
  if (clusterIP === "None" || clusterIP === "") labels[HEADLESS_SERVICE_LABEL] = "";
  labels[SERVICE_NAME_LABEL] = service.metadata?.name ?? "";
  labels[MANAGED_BY_LABEL] = CONTROLLER_NAME;
  return labels;
}

// isReservedLabelKey: the labels the controller owns on a slice, never copied from the Service
const isReservedLabelKey = (key: string) => key === SERVICE_NAME_LABEL || key === MANAGED_BY_LABEL || key === HEADLESS_SERVICE_LABEL;

/**
 * setEndpointSliceLabels: the slice's labels (sliceLabels) and whether they need writing, which
 * compares the Service's and the slice's labels outside the reserved ones only: a slice whose
 * headless label alone is stale is not rewritten for it.
 */
export function setEndpointSliceLabels(slice: EndpointSlice, service: Service): { labels: Record<string, string>; updated: boolean } {
  const epLabels = new Map(Object.entries(slice.metadata?.labels ?? {}).filter(([k]) => !isReservedLabelKey(k)));
  const svcLabels = new Map(Object.entries(service.metadata?.labels ?? {}).filter(([k]) => !isReservedLabelKey(k)));
  const updated = [...epLabels.keys()].some((k) => !svcLabels.has(k)) || [...svcLabels].some(([k, v]) => epLabels.get(k) !== v);
  return { labels: sliceLabels(service), updated };
}

/** A new, unnamed slice owned by the Service (the API server fills in the name from generateName). */
export function newEndpointSlice(service: Service, ports: EndpointPort[], addressType: AddressType = "IPv4"): EndpointSlice {
  return {
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: {
      generateName: `${service.metadata?.name ?? ""}-`,
      namespace: service.metadata?.namespace ?? "default",
      labels: sliceLabels(service),
      ownerReferences: mutant("endpointslice.slice-without-owner-reference") ? [] : [
        {
          apiVersion: "v1",
          kind: "Service",
          name: service.metadata?.name ?? "",
          uid: service.metadata?.uid ?? "",
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    addressType,
    endpoints: [],
    ports,
  };
}

/** The slices this controller owns for the Service (by service-name and managed-by labels). */
export function ownedSlices(service: Service, slices: EndpointSlice[], addressType: AddressType = "IPv4"): EndpointSlice[] {
  const ns = service.metadata?.namespace ?? "default";
  return slices.filter(
    (s) =>
      (s.metadata?.namespace ?? "default") === ns &&
      s.metadata?.labels?.[SERVICE_NAME_LABEL] === service.metadata?.name &&
      s.metadata?.labels?.[MANAGED_BY_LABEL] === CONTROLLER_NAME &&
      s.addressType === addressType,
  );
}

/** The address types a Service's slices have: one per family of the Service. */
export type AddressType = "IPv4" | "IPv6";

/**
 * getAddressTypesForService: the Service's ipFamilies; without any, its ClusterIP's family, or both
 * for a headless Service (its pods' addresses decide).
 */
export function addressTypesOf(service: Service): AddressType[] {
  const families = (service.spec?.ipFamilies ?? []).filter((f): f is AddressType => f === "IPv4" || f === "IPv6");
  if (families.length > 0) return [...new Set(families)];
  const ip = service.spec?.clusterIP;
  if (ip && ip !== "None") return [ip.includes(":") && !mutant("endpointslice.address-type-ignores-cluster-ip") ? "IPv6" : "IPv4"];
  return ["IPv4", "IPv6"];
}

/** A dual-stack or IPv6 Service: its slices are reconciled per address type, without the IPv4-only memo. */
export function isIPv4Only(service: Service): boolean {
  const types = addressTypesOf(service);
  return types.length === 1 && types[0] === "IPv4";
}

interface Desired {
  ports: EndpointPort[];
  endpoints: Map<string, Endpoint>;
}

/** One pod's part of a Service's endpoints: its endpoint, its ports and their keys. */
interface PodPart {
  readonly service: Service;
  readonly zone: string | undefined;
  readonly ep: Endpoint;
  readonly ports: EndpointPort[];
  readonly portsKey: string;
  readonly key: string;
}

// A Service syncs over all its pods, most of them unchanged since its last sync: each stored pod
// object's part is remembered (null: the pod is no endpoint). Stored objects are immutable values,
// so a part holds while the pod object does, for the same Service object and node zone.
const podParts = new WeakMap<Pod, PodPart | null>();
// the parts of an IPv6 slice (its pods' IPv6 addresses), remembered apart
const podPartsV6 = new WeakMap<Pod, PodPart | null>();

function podPart(pod: Pod, service: Service, nodeNamed: (name: string | undefined) => Node | undefined, addressType: AddressType = "IPv4"): PodPart | undefined {
  const parts = addressType === "IPv4" ? podParts : podPartsV6;
  const known = parts.get(pod);
  if (known === null) return undefined;
  const node = nodeNamed(pod.spec?.nodeName);
  const zone = node?.metadata?.labels?.[ZONE_LABEL];
  if (known !== undefined && known.service === service && known.zone === zone) return known;
  if (!shouldPodBeInEndpoints(pod, true)) return void parts.set(pod, null);
  const ip = addressType === "IPv4" ? podIPv4(pod) : podIPv6(pod);
  if (!ip) return void parts.set(pod, null);
  // Frozen: the endpoint goes out in many writes, which then need not look inside it for drafts.
  const ep = deepFreeze(podToEndpoint(pod, service, node, ip));
  const ports = endpointPorts(service, pod);
  const part: PodPart = { service, zone, ep, ports, portsKey: portsKey(ports), key: endpointKey(ep) };
  parts.set(pod, part);
  return part;
}

/** Desired endpoints grouped by port set, in pod order (terminating pods included, per KEP-1672). */
function desiredByPorts(service: Service, pods: Pod[], nodeNamed: (name: string | undefined) => Node | undefined, addressType: AddressType = "IPv4"): Map<string, Desired> {
  const ns = service.metadata?.namespace ?? "default";
  return desiredOfParts(pods.map((pod) => ((pod.metadata?.namespace ?? "default") !== ns ? undefined : podPart(pod, service, nodeNamed, addressType))));
}

// The key and the last equal desired endpoint of each stored endpoint object (immutable values).
const storedKeys = new WeakMap<Endpoint, string>();
const knownEqual = new WeakMap<Endpoint, Endpoint>();

function storedEndpointKey(ep: Endpoint): string {
  let k = storedKeys.get(ep);
  if (k === undefined) storedKeys.set(ep, (k = endpointKey(ep)));
  return k;
}

// deepEqual of a desired endpoint and a stored one, remembered for the pair last found equal.
function sameEndpoint(got: Endpoint, ep: Endpoint): boolean {
  if (got === ep || knownEqual.get(ep) === got) return true;
  if (!deepEqual(got, withoutHints(ep))) return false;
  knownEqual.set(ep, got);
  return true;
}

// EndpointsEqualBeyondHash leaves hints out: they are the hint heuristics' to keep right.
function withoutHints(ep: Endpoint): Endpoint {
  if (ep.hints === undefined) return ep;
  const { hints: _hints, ...rest } = ep;
  return rest;
}

function popFirst(m: Map<string, Endpoint>): Endpoint {
  const [k, v] = m.entries().next().value as [string, Endpoint];
  m.delete(k);
  return v;
}

/** getSliceToFill: the unchanged slice that would be closest to full after taking n endpoints. */
function sliceToFill(slices: EndpointSlice[], n: number, max: number): EndpointSlice | undefined {
  let closestDiff = max;
  let closest: EndpointSlice | undefined;
  for (const s of slices) {
    const diff = max - (n + endpointsOf(s).length);
    if (diff >= 0 && diff < closestDiff) {
      closestDiff = diff;
      closest = s;
      if (diff === 0) break;
    }
  }
  return closest;
}

/** reconcileByPortMapping: the changes for one port set's existing slices and desired endpoints. */
function reconcilePortSet(
  service: Service,
  existing: EndpointSlice[],
  desired: Desired,
  max: number,
  addressType: AddressType,
): SliceChanges {
  const want = new Map(desired.endpoints);
  const toUpdate = new Map<string, EndpointSlice>();
  const unchanged = new Map<string, EndpointSlice>();
  const toDelete: EndpointSlice[] = [];
  const labels = sliceLabels(service);

  // 1. Drop endpoints no longer desired and refresh those that changed.
  for (const slice of existing) {
    const kept: Endpoint[] = [];
    let changed = false;
    for (const ep of endpointsOf(slice)) {
      const k = storedEndpointKey(ep);
      const got = want.get(k);
      if (!got) continue;
      kept.push(got);
      if (!sameEndpoint(got, ep)) changed = true;
      want.delete(k);
    }
    const labelsChanged = setEndpointSliceLabels(slice, service).updated;
    const name = slice.metadata?.name ?? "";
    if (changed || kept.length !== endpointsOf(slice).length) {
      if (kept.length === 0) toDelete.push(slice);
      else toUpdate.set(name, { ...slice, metadata: { ...slice.metadata, labels }, endpoints: kept });
    } else if (labelsChanged) {
      toUpdate.set(name, { ...slice, metadata: { ...slice.metadata, labels } });
    } else {
      unchanged.set(name, slice);
    }
  }

  // 2. Top up slices already being written, fullest first.
  if (want.size > 0 && toUpdate.size > 0) {
    const order = [...toUpdate.values()].sort((a, b) => endpointsOf(b).length - endpointsOf(a).length);
    for (const s of order) {
      const eps = [...endpointsOf(s)];
      while (want.size > 0 && eps.length < max) eps.push(popFirst(want));
      toUpdate.set(s.metadata?.name ?? "", { ...s, endpoints: eps });
    }
  }

  // 3. Place the rest in one unchanged slice if it fits whole, else in new slices.
  const create: EndpointSlice[] = [];
  while (want.size > 0) {
    let fill: EndpointSlice | undefined;
    if (want.size < max && unchanged.size > 0) fill = sliceToFill([...unchanged.values()], want.size, max);
    const target = fill ? { ...fill, endpoints: [...endpointsOf(fill)] } : newEndpointSlice(service, desired.ports, addressType);
    // the mutant fills a slice to max + 1 endpoints (<= for <)
    while (want.size > 0 && (target.endpoints.length < max || (mutant("endpointslice.overfills-slice") && target.endpoints.length === max))) target.endpoints.push(popFirst(want));
    if (fill) {
      const name = fill.metadata?.name ?? "";
      toUpdate.set(name, target);
      unchanged.delete(name);
    } else {
      create.push(target);
    }
  }
  return { create, update: [...toUpdate.values()], delete: toDelete };
}

/** A stored slice's endpoints: Go's nil slice (none) is stored and answered as null. */
function endpointsOf(slice: EndpointSlice): Endpoint[] {
  return slice.endpoints ?? [];
}

function isPlaceholder(slice: EndpointSlice): boolean {
  return endpointsOf(slice).length === 0 && (slice.ports ?? []).length === 0;
}

/**
 * The creates, updates and deletes that bring a Service's EndpointSlices in line with its pods.
 * A Service without a selector yields no changes; a Service with no endpoints keeps one empty
 * placeholder slice.
 */
export function reconcileSlices(
  service: Service,
  pods: Pod[],
  existingSlices: EndpointSlice[],
  opts: ReconcileOptions = {},
): SliceChanges {
  if (!hasSelector(service)) return { create: [], update: [], delete: [] };
  const named = opts.nodeNamed;
  const nodes = opts.nodes ?? [];
  const nodeNamed = (name: string | undefined) => (named !== undefined ? (name === undefined ? undefined : named(name)) : nodes.find((n) => n.metadata?.name === name));
  const max = opts.maxEndpointsPerSlice ?? DEFAULT_MAX_ENDPOINTS_PER_SLICE;
  if (isIPv4Only(service)) {
    const r = reconcileDesired(service, desiredByPorts(service, pods, nodeNamed), existingSlices, max, opts.topology);
    // a Service downgraded to IPv4 alone: its IPv6 slices go
    const stale = ownedSlices(service, existingSlices, "IPv6");
    return stale.length === 0 ? r : { ...r, delete: [...r.delete, ...stale] };
  }
  // reconcile: each address type the Service has by itself; slices of another type go
  const types = addressTypesOf(service);
  const out: SliceChanges = { create: [], update: [], delete: [] };
  let topology = opts.topology;
  for (const t of types) {
    const r = reconcileDesired(service, desiredByPorts(service, pods, nodeNamed, t), existingSlices, max, topology, t);
    out.create.push(...r.create);
    out.update.push(...r.update);
    out.delete.push(...r.delete);
    if (r.events) out.events = [...(out.events ?? []), ...r.events];
    if (r.topology) topology = out.topology = r.topology;
  }
  for (const t of ["IPv4", "IPv6"] as const) if (!types.includes(t)) out.delete.push(...ownedSlices(service, existingSlices, t));
  return out;
}

/** reconcileByAddressType over the desired endpoints by port set and the slices in the cache. */
function reconcileDesired(service: Service, desired: Map<string, Desired>, existingSlices: EndpointSlice[], max: number, topology: TopologyCache | undefined, addressType: AddressType = "IPv4"): SliceChanges {
  const existing = ownedSlices(service, existingSlices, addressType);
  const existingByPorts = new Map<string, EndpointSlice[]>();
  for (const s of existing) {
    const k = portsKey(s.ports ?? []);
    existingByPorts.set(k, [...(existingByPorts.get(k) ?? []), s]);
  }
  const changes: SliceChanges = { create: [], update: [], delete: [] };
  for (const [key, d] of desired) {
    const r = reconcilePortSet(service, existingByPorts.get(key) ?? [], d, max, addressType);
    changes.create.push(...r.create);
    changes.update.push(...r.update);
    changes.delete.push(...r.delete);
  }
  // Slices for port sets nobody wants any more go entirely.
  for (const [key, slices] of existingByPorts) if (!desired.has(key)) changes.delete.push(...slices);

  // With nothing left, keep (or create) a single empty placeholder slice.
  if (existing.length === changes.delete.length && changes.create.length === 0) {
    const only = changes.delete.length === 1 ? changes.delete[0] : undefined;
    if (only && isPlaceholder(only)) changes.delete = [];
    else changes.create.push(newEndpointSlice(service, [], addressType));
  }
  const written = new Set([...changes.update, ...changes.delete].map((x) => x.metadata?.name));
  const unchanged = existing.filter((x) => !written.has(x.metadata?.name));
  const serviceKey = `${service.metadata?.namespace ?? "default"}/${service.metadata?.name ?? ""}`;
  const annotated = hintsEnabled(service.metadata?.annotations);
  // The topology-mode annotation's hints, allocated by the zones' CPU, take the place of trafficDistribution's.
  if (topology !== undefined && annotated) {
    const r = addHints(topology, { serviceKey, toCreate: changes.create, toUpdate: changes.update, unchanged });
    return { create: r.toCreate, update: r.toUpdate, delete: changes.delete, events: r.events, topology: r.cache };
  }
  // Hints the annotation gave before are forgotten, with an event; slices lose them unless
  // trafficDistribution writes its own (reconcileHints with none removes every hint).
  const events: HintEvent[] = [];
  if (topology?.hintsByService.has(serviceKey)) events.push({ type: "Warning", reason: "TopologyAwareHintsDisabled", message: withAddressType(TopologyAwareHintsDisabled) });
  const td = annotated ? undefined : (service.spec as { trafficDistribution?: string } | undefined)?.trafficDistribution;
  const hinted = reconcileHints(td, changes.create, changes.update, unchanged);
  const out: SliceChanges = { create: hinted.create, update: hinted.update, delete: changes.delete };
  if (topology === undefined) return out;
  return { ...out, events, topology: removeHints(topology, serviceKey) };
}

const closeTrafficDistributions = new Set(["PreferClose", "PreferSameZone", "PreferSameNode"]);

/** The hints a ready endpoint should carry under a close distribution (its zone; its node for PreferSameNode). */
function closeHints(ep: Endpoint, nodeHints: boolean): Endpoint["hints"] {
  const forZones = ep.zone !== undefined ? [{ name: ep.zone }] : undefined;
  const forNodes = ep.nodeName !== undefined && nodeHints ? [{ name: ep.nodeName }] : undefined;
  return forZones || forNodes ? { ...(forZones ? { forZones } : {}), ...(forNodes ? { forNodes } : {}) } : undefined;
}

function isReadyEndpoint(ep: Endpoint): boolean {
  return ep.conditions?.ready === true;
}

/**
 * trafficdist.ReconcileHints: under PreferClose/PreferSameZone/PreferSameNode every ready endpoint
 * is hinted to its own zone (and node, for PreferSameNode); otherwise no endpoint has hints. Slices
 * being created or updated are hinted; an unchanged slice whose hints are missing, stale or wrong
 * moves to the updates. Returns new slices; none given is changed.
 */
export function reconcileHints(
  trafficDistribution: string | undefined,
  create: readonly EndpointSlice[],
  update: readonly EndpointSlice[],
  unchanged: readonly EndpointSlice[],
): { create: EndpointSlice[]; update: EndpointSlice[]; unchanged: EndpointSlice[] } {
  const close = trafficDistribution !== undefined && closeTrafficDistributions.has(trafficDistribution);
  // the mutant also hints nodes under PreferSameZone
  const nodeHints = trafficDistribution === "PreferSameNode" || (mutant("endpointslice.same-zone-hints-nodes") && trafficDistribution === "PreferSameZone");
  const want = (ep: Endpoint): Endpoint["hints"] => (close ? closeHints(ep, nodeHints) : undefined);
  // Under a close distribution only ready endpoints are judged and rewritten; otherwise every hint goes.
  const judged = (ep: Endpoint) => !close || isReadyEndpoint(ep);
  const needsUpdate = (slice: EndpointSlice) => endpointsOf(slice).some((ep) => judged(ep) && !deepEqual(ep.hints, want(ep)));
  const hinted = (slice: EndpointSlice): EndpointSlice => {
    if (!endpointsOf(slice).some((ep) => judged(ep) && ep.hints !== want(ep))) return slice;
    const endpoints = endpointsOf(slice).map((ep) => {
      if (!judged(ep)) return ep;
      const hints = want(ep);
      return hints === undefined ? withoutHints(ep) : { ...ep, hints };
    });
    return { ...slice, endpoints };
  };
  const moved = unchanged.filter(needsUpdate);
  return {
    create: create.map(hinted),
    update: [...update, ...moved].map(hinted),
    unchanged: unchanged.filter((s) => !needsUpdate(s)),
  };
}

/**
 * What a Service's last sync computed, kept in the controller's context (a value: never changed
 * after it is built) so the next sync looks again only at the pods that changed: each pod's part
 * and the desired endpoints they make.
 */
export interface SliceMemo {
  readonly service: Service;
  readonly nodeStore: object;
  /**
   * the selected pods it was computed from, in order, and each one's part: a sync finds the pods
   * replaced since by identity (stored objects are immutable values, replaced on change). The
   * list is the one the trigger-time state of the same sync keeps, so holding it keeps no pod
   * alive that the controller does not hold already.
   */
  readonly pods: readonly Pod[];
  readonly parts: readonly (PodPart | undefined)[];
  /** never changed once in a memo (reconcilePortSet reads a copy) */
  readonly desired: Map<string, Desired>;
}

// Two parts that put the same endpoint on the same ports.
function samePart(a: PodPart | undefined, b: PodPart | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  return a.key === b.key && a.portsKey === b.portsKey && deepEqual(a.ep, b.ep) && deepEqual(a.ports, b.ports);
}

// The desired endpoints of these parts, in pod order (as desiredByPorts groups them).
function desiredOfParts(parts: readonly (PodPart | undefined)[]): Map<string, Desired> {
  const out = new Map<string, Desired>();
  for (const part of parts) {
    if (part === undefined) continue;
    let d = out.get(part.portsKey);
    if (d === undefined) out.set(part.portsKey, (d = { ports: part.ports, endpoints: new Map<string, Endpoint>() }));
    d.endpoints.set(part.key, part.ep);
  }
  return out;
}

/**
 * reconcileSlices from the Service's last memo: pods replaced by versions whose part is unchanged
 * leave the desired endpoints as they were (then reconciled against the cached slices). Another
 * Service object or node store starts afresh. Needs a node store (the controller's):
 * `opts.nodeNamed` reads it.
 */
export function reconcileSlicesWithMemo(
  prev: SliceMemo | undefined,
  service: Service,
  pods: Pod[],
  existingSlices: EndpointSlice[],
  /** nodeStore: the node store `nodeNamed` reads (an immutable value): while it is the same, so are the nodes' zones */
  opts: ReconcileOptions & { nodeNamed: (name: string) => Node | undefined; nodeStore: object },
): { changes: SliceChanges; memo: SliceMemo | undefined } {
  if (!hasSelector(service)) return { changes: { create: [], update: [], delete: [] }, memo: undefined };
  // the memo holds IPv4 parts only: a Service with another address type syncs whole
  if (!isIPv4Only(service) || ownedSlices(service, existingSlices, "IPv6").length > 0) return { changes: reconcileSlices(service, pods, existingSlices, opts), memo: undefined };
  const max = opts.maxEndpointsPerSlice ?? DEFAULT_MAX_ENDPOINTS_PER_SLICE;
  const { nodeNamed, nodeStore } = opts;
  const named = (name: string | undefined) => (name === undefined ? undefined : nodeNamed(name));
  const ns = service.metadata?.namespace ?? "default";
  const partOf = (pod: Pod) => ((pod.metadata?.namespace ?? "default") !== ns ? undefined : podPart(pod, service, named));
  const fits = prev !== undefined && prev.service === service && prev.nodeStore === nodeStore;
  const since = fits ? partsSince(prev, pods, partOf) : undefined;
  const parts = since?.parts ?? Object.freeze(pods.map(partOf));
  const desired = fits && parts === prev.parts ? prev.desired : desiredOfParts(parts);
  const changes = reconcileDesired(service, desired, existingSlices, max, opts.topology);
  // The very same pod objects (the list may be another array): the memo holds as it is.
  const memo: SliceMemo = since?.samePods ? prev! : Object.freeze({ service, nodeStore, pods, parts, desired });
  return { changes, memo };
}

/**
 * The parts of `pods` from the memo of the pods before: a pod object seen at the same place
 * keeps its part, a replaced one is looked at again, and the memo's own parts come back (the
 * same array) when no part differs; samePods when every object is the one at its place before. Pods that came or went change the places: every pod not
 * at its place before is looked at again (podPart remembers each object's part).
 */
function partsSince(prev: SliceMemo, pods: readonly Pod[], partOf: (pod: Pod) => PodPart | undefined): { parts: readonly (PodPart | undefined)[]; samePods: boolean } {
  const before = prev.pods;
  if (before.length !== pods.length) return { parts: Object.freeze(pods.map((pod, i) => (before[i] === pod ? prev.parts[i] : partOf(pod)))), samePods: false };
  let next: (PodPart | undefined)[] | undefined;
  let samePods = true;
  for (let i = 0; i < pods.length; i++) {
    if (before[i] === pods[i]) continue;
    samePods = false;
    const part = partOf(pods[i]!);
    if (samePart(prev.parts[i], part)) continue;
    (next ??= prev.parts.slice())[i] = part;
  }
  return { parts: next === undefined ? prev.parts : Object.freeze(next), samePods };
}
