// Topology Aware Routing's hints (k8s.io/endpointslice/topologycache): a Service annotated
// `service.kubernetes.io/topology-mode: Auto` gets each ready endpoint hinted to a zone, zones
// receiving endpoints in proportion to the allocatable CPU of their ready nodes, so that no zone's
// endpoints take more than 20% over their share. Every function is pure: the cache is a value.

import type { Node } from "kubernetes-types/core/v1";
import type { Endpoint, EndpointSlice } from "kubernetes-types/discovery/v1";
import { Map as IMap } from "immutable";
import { milliValue } from "../common/quantity.js";
import { mutant } from "../common/mutation.js";

/** overloadThreshold: the most overload any one endpoint should be exposed to. */
export const OVERLOAD_THRESHOLD = 0.2;
export const ZONE_LABEL = "topology.kubernetes.io/zone";

// event.go's messages, word for word
export const NoZoneSpecified = "One or more endpoints do not have a zone specified";
export const NoAllocatedHintsForZones = "No hints allocated for zones";
export const TopologyAwareHintsEnabled = "Topology Aware Hints has been enabled";
export const TopologyAwareHintsDisabled = "Topology Aware Hints has been disabled";
export const InsufficientNodeInfo = "Insufficient Node information: allocatable CPU or zone not specified on one or more nodes";
export const NodesReadyInOneZoneOnly = "Nodes only ready in one zone";
export const InsufficientNumberOfEndpoints = "Insufficient number of endpoints";
export const MinAllocationExceedsOverloadThreshold = "Unable to allocate minimum required endpoints to each zone without exceeding overload threshold";

/** An event the hints ask for on the Service (the EventBuilder). */
export interface HintEvent {
  readonly type: "Normal" | "Warning";
  readonly reason: "TopologyAwareHintsEnabled" | "TopologyAwareHintsDisabled";
  readonly message: string;
}

/** EndpointZoneInfo: hinted endpoints by zone. */
export type ZoneCounts = ReadonlyMap<string, number>;

/** An allocation of endpoints to a zone. */
export interface Allocation {
  readonly minimum: number;
  readonly maximum: number;
  readonly desired: number;
}

/**
 * The TopologyCache: the zones' CPU ratios (undefined while the node information does not allow
 * hints) and the hints last populated per Service key (podflow's slices are IPv4 only).
 */
export interface TopologyCache {
  readonly cpuRatiosByZone: ReadonlyMap<string, number> | undefined;
  readonly hintsByService: IMap<string, ZoneCounts>;
}

export function newTopologyCache(): TopologyCache {
  return { cpuRatiosByZone: undefined, hintsByService: IMap() };
}

/** FormatWithAddressType. */
export function withAddressType(message: string, addressType = "IPv4"): string {
  return `${message}, addressType: ${addressType}`;
}

const disabled = (message: string): HintEvent => ({ type: "Warning", reason: "TopologyAwareHintsDisabled", message });

/** The Ready condition's status is True. */
export function isNodeReady(node: Node): boolean {
  const c = (node.status?.conditions ?? []).find((x) => x.type === "Ready");
  return c?.status === "True";
}

// hasExcludedLabels: control-plane nodes carry no Service traffic and count for nothing
function hasExcludedLabels(labels: Record<string, string> | undefined): boolean {
  return labels !== undefined && (Object.hasOwn(labels, "node-role.kubernetes.io/control-plane") || Object.hasOwn(labels, "node-role.kubernetes.io/master"));
}

/**
 * SetNodes: each zone's share of the ready, non-control-plane nodes' allocatable CPU; undefined as
 * soon as one such node lacks a zone or CPU, or when fewer than two zones remain.
 */
export function cpuRatiosByZone(nodes: readonly Node[]): Map<string, number> | undefined {
  const cpuByZone = new Map<string, number>();
  let total = 0;
  for (const node of nodes) {
    // the mutant counts a control-plane node's CPU for its zone
    if ((hasExcludedLabels(node.metadata?.labels) && !mutant("topology.control-plane-node-counted")) || !isNodeReady(node)) continue;
    const cpu = milliValue(node.status?.allocatable?.cpu ?? 0);
    const labels = node.metadata?.labels ?? {};
    const zone = Object.hasOwn(labels, ZONE_LABEL) ? labels[ZONE_LABEL] : "";
    if (!zone || !(cpu > 0)) return undefined;
    total += cpu;
    cpuByZone.set(zone, (cpuByZone.get(zone) ?? 0) + cpu);
  }
  if (total === 0 || cpuByZone.size < 2) return undefined;
  return new Map([...cpuByZone].map(([zone, cpu]) => [zone, cpu / total]));
}

/** The cache after SetNodes. */
export function setNodes(cache: TopologyCache, nodes: readonly Node[]): TopologyCache {
  return { ...cache, cpuRatiosByZone: cpuRatiosByZone(nodes) };
}

/**
 * getAllocations: each zone's minimum (its share less the overload threshold, rounded up), desired
 * and maximum endpoints, or why hints cannot be given (the event, without its address type).
 */
export function getAllocations(ratios: ReadonlyMap<string, number> | undefined, numEndpoints: number): { allocations: Map<string, Allocation> } | { event: HintEvent } {
  if (ratios === undefined) return { event: disabled(InsufficientNodeInfo) };
  if (ratios.size < 2) return { event: disabled(NodesReadyInOneZoneOnly) };
  if (ratios.size > numEndpoints) return { event: disabled(`${InsufficientNumberOfEndpoints} (${numEndpoints} endpoints, ${ratios.size} zones)`) };
  let remaining = numEndpoints;
  let minTotal = 0;
  const partial = new Map<string, { minimum: number; desired: number }>();
  for (const [zone, ratio] of ratios) {
    const desired = ratio * numEndpoints;
    const minimum = Math.ceil(desired * (1 / (1 + OVERLOAD_THRESHOLD)));
    partial.set(zone, { minimum, desired: Math.max(desired, minimum) });
    minTotal += minimum;
    remaining -= minimum;
    if (remaining < 0) return { event: disabled(`${MinAllocationExceedsOverloadThreshold} (${numEndpoints} endpoints, ${ratios.size} zones)`) };
  }
  return { allocations: new Map([...partial].map(([zone, a]) => [zone, { ...a, maximum: a.minimum + (mutant("topology.maximum-without-spare") ? 0 : numEndpoints - minTotal) }])) };
}

// getMost: the zone with the most; Go's map order breaks ties at random, podflow by zone name.
function getMost(zones: ReadonlyMap<string, number>): [string, number] {
  let zone = "";
  let num = 0;
  for (const z of [...zones.keys()].sort()) {
    const n = zones.get(z)!;
    if (n > num) [zone, num] = [z, n];
  }
  return [zone, num];
}

/**
 * getGivingAndReceivingZones: whole endpoints each zone gives away (holding more hints than it
 * desires) and receives, while both sides still differ by at least half an endpoint and one by a whole.
 */
export function getGivingAndReceivingZones(allocations: ReadonlyMap<string, Pick<Allocation, "desired">>, allocated: ZoneCounts): { giving: Map<string, number>; receiving: Map<string, number> } {
  const givingDesired = new Map<string, number>();
  const receivingDesired = new Map<string, number>();
  for (const [zone, a] of allocations) {
    const have = allocated.get(zone) ?? 0;
    if (have > a.desired) givingDesired.set(zone, have - a.desired);
    else if (have < a.desired) receivingDesired.set(zone, a.desired - have);
  }
  const giving = new Map<string, number>();
  const receiving = new Map<string, number>();
  // each round moves one endpoint; a zone's surplus or need shrinks by one, so this ends
  for (;;) {
    const [givingZone, numToGive] = getMost(givingDesired);
    const [receivingZone, numToReceive] = getMost(receivingDesired);
    if (givingZone === "" || receivingZone === "" || (numToGive < 1 && numToReceive < 1) || numToGive < 0.5 || numToReceive < 0.5) break;
    giving.set(givingZone, (giving.get(givingZone) ?? 0) + 1);
    givingDesired.set(givingZone, numToGive - 1);
    receiving.set(receivingZone, (receiving.get(receivingZone) ?? 0) + 1);
    receivingDesired.set(receivingZone, numToReceive - 1);
  }
  return { giving, receiving };
}

/** EndpointReady: the Ready condition is set and true. */
export function endpointReady(ep: Endpoint): boolean {
  return ep.conditions?.ready === true;
}

const zoneHint = (zone: string): Endpoint["hints"] => ({ forZones: [{ name: zone }] });

/**
 * redistributeHints: walking the slices' ready endpoints in order, an endpoint of a zone that still
 * gives is hinted to a zone that still receives (in zone-name order, where Go's map order is
 * random). Returns the new slices and the change in hints per zone.
 */
export function redistributeHints(slices: readonly EndpointSlice[], givingZones: ReadonlyMap<string, number>, receivingZones: ReadonlyMap<string, number>): { slices: EndpointSlice[]; redistributions: Map<string, number> } {
  const giving = new Map(givingZones);
  const receiving = new Map(receivingZones);
  const redistributions = new Map<string, number>();
  const bump = (zone: string, by: number) => redistributions.set(zone, (redistributions.get(zone) ?? 0) + by);
  const out = slices.map((slice) => {
    let endpoints: Endpoint[] | undefined;
    (slice.endpoints ?? []).forEach((ep, i) => {
      if (!endpointReady(ep) || giving.size === 0 || receiving.size === 0 || !ep.zone) return;
      const toGive = giving.get(ep.zone) ?? 0;
      if (toGive <= 0) return;
      const to = [...receiving.keys()].sort().find((z) => receiving.get(z)! > 0);
      if (to === undefined) return;
      (endpoints ??= [...(slice.endpoints ?? [])])[i] = { ...ep, hints: zoneHint(to) };
      if (toGive === 1) giving.delete(ep.zone);
      else giving.set(ep.zone, toGive - 1);
      const toReceive = receiving.get(to)!;
      if (toReceive === 1) receiving.delete(to);
      else receiving.set(to, toReceive - 1);
      bump(to, 1);
      bump(ep.zone, -1);
    });
    return endpoints === undefined ? slice : { ...slice, endpoints };
  });
  return { slices: out, redistributions };
}

/**
 * getHintsByZone: the hints an unchanged slice's ready endpoints hold per zone, or undefined when
 * the slice must be rewritten: an endpoint without hints, a hint for a zone with no allocation, or
 * more hints than a zone's maximum with those already counted.
 */
export function getHintsByZone(slice: EndpointSlice, allocated: ZoneCounts, allocations: ReadonlyMap<string, Pick<Allocation, "maximum">>): Map<string, number> | undefined {
  const hints = new Map<string, number>();
  for (const ep of slice.endpoints ?? []) {
    if (!endpointReady(ep)) continue;
    const forZones = ep.hints?.forZones ?? [];
    if (forZones.length === 0) return undefined;
    for (const z of forZones) {
      if (!allocations.has(z.name)) return undefined;
      hints.set(z.name, (hints.get(z.name) ?? 0) + 1);
    }
  }
  for (const [zone, n] of hints) {
    const a = allocations.get(zone);
    if (a === undefined || n + (mutant("topology.kept-hints-ignore-allocated") ? 0 : (allocated.get(zone) ?? 0)) > a.maximum) return undefined;
  }
  return hints;
}

/** serviceOverloaded: some zone holds fewer hints than its share less the overload threshold. */
export function serviceOverloaded(counts: ZoneCounts, ratios: ReadonlyMap<string, number> | undefined): boolean {
  if (counts.size === 0) return false;
  if (ratios === undefined || ratios.size === 0) return true;
  let total = 0;
  for (const n of counts.values()) total += n;
  for (const [zone, ratio] of ratios) {
    const have = counts.get(zone);
    if (have === undefined) return true;
    if (have < Math.ceil(total * ratio * (1 / (1 + OVERLOAD_THRESHOLD)))) return true;
  }
  return false;
}

/** GetOverloadedServices: the keys of Services whose hints a node change has overloaded. */
export function overloadedServices(cache: TopologyCache): string[] {
  const out: string[] = [];
  for (const [key, counts] of cache.hintsByService) if (serviceOverloaded(counts, cache.cpuRatiosByZone)) out.push(key);
  return out;
}

/** SliceInfo: one Service's slices of one address type, by what the reconciler does with them. */
export interface SliceInfo {
  readonly serviceKey: string;
  readonly addressType?: string;
  readonly toCreate: readonly EndpointSlice[];
  readonly toUpdate: readonly EndpointSlice[];
  readonly unchanged: readonly EndpointSlice[];
}

/** The slices to create and update after the hints, and what to tell and remember. */
export interface HintsResult {
  readonly toCreate: EndpointSlice[];
  readonly toUpdate: EndpointSlice[];
  readonly events: HintEvent[];
  readonly cache: TopologyCache;
}

const readyCount = (slices: readonly EndpointSlice[]) => slices.reduce((n, s) => n + (s.endpoints ?? []).filter(endpointReady).length, 0);

/** RemoveHints: the Service's hints forgotten. */
export function removeHints(cache: TopologyCache, serviceKey: string): TopologyCache {
  return cache.hintsByService.has(serviceKey) ? { ...cache, hintsByService: cache.hintsByService.delete(serviceKey) } : cache;
}

/**
 * RemoveHintsFromSlices: every endpoint of the slices being written loses its hints, and an
 * unchanged slice holding any joins the updates without them.
 */
export function removeHintsFromSlices(si: SliceInfo): { toCreate: EndpointSlice[]; toUpdate: EndpointSlice[]; unchanged: EndpointSlice[] } {
  const strip = (s: EndpointSlice): EndpointSlice =>
    (s.endpoints ?? []).some((ep) => ep.hints !== undefined) ? { ...s, endpoints: (s.endpoints ?? []).map(({ hints: _h, ...ep }) => ep) } : s;
  const hinted = (s: EndpointSlice) => (s.endpoints ?? []).some((ep) => ep.hints !== undefined);
  return {
    toCreate: si.toCreate.map(strip),
    toUpdate: [...si.toUpdate.map(strip), ...si.unchanged.filter(hinted).map(strip)],
    unchanged: si.unchanged.filter((s) => !hinted(s)),
  };
}

/**
 * AddHints: hints for the slices to create and update (and the unchanged ones whose hints no
 * longer fit the allocations, moved to the updates): first each ready endpoint to its own zone,
 * then endpoints moved from zones over their desired share to zones under it. When the nodes or
 * endpoints cannot carry hints, every hint is removed with a TopologyAwareHintsDisabled event; the
 * first hints of a Service come with TopologyAwareHintsEnabled.
 */
export function addHints(cache: TopologyCache, si: SliceInfo): HintsResult {
  const addressType = si.addressType ?? "IPv4";
  const total = readyCount(si.toCreate) + readyCount(si.toUpdate) + readyCount(si.unchanged);
  const removeAll = (events: HintEvent[]): HintsResult => {
    const r = removeHintsFromSlices(si);
    return { toCreate: r.toCreate, toUpdate: r.toUpdate, events, cache: removeHints(cache, si.serviceKey) };
  };
  const got = getAllocations(cache.cpuRatiosByZone, total);
  if ("event" in got) return removeAll([{ ...got.event, message: withAddressType(got.event.message, addressType) }]);
  const { allocations } = got;

  // getAllocatedHintsByZone: unchanged slices keep their hints while they fit
  const allocated = new Map<string, number>();
  const moved: EndpointSlice[] = [];
  const unchanged: EndpointSlice[] = [];
  for (const slice of si.unchanged) {
    const hints = getHintsByZone(slice, allocated, allocations);
    if (hints === undefined) moved.push(slice);
    else {
      unchanged.push(slice);
      for (const [zone, n] of hints) allocated.set(zone, (allocated.get(zone) ?? 0) + n);
    }
  }
  const toUpdate = [...si.toUpdate, ...moved];
  const allocatable = [...si.toCreate, ...toUpdate];

  // step 1: every ready endpoint hinted to its own zone (a not-ready one keeps what it has)
  let sameZone: EndpointSlice[] = [];
  for (const slice of allocatable) {
    let endpoints: Endpoint[] | undefined;
    for (const [i, ep] of (slice.endpoints ?? []).entries()) {
      if (!endpointReady(ep)) continue;
      if (!ep.zone) return removeAll([disabled(withAddressType(NoZoneSpecified, addressType))]);
      allocated.set(ep.zone, (allocated.get(ep.zone) ?? 0) + 1);
      (endpoints ??= [...(slice.endpoints ?? [])])[i] = { ...ep, hints: zoneHint(ep.zone) };
    }
    sameZone.push(endpoints === undefined ? slice : { ...slice, endpoints });
  }

  // steps 2 and 3: zones over their desired share give endpoints to zones under it
  const { giving, receiving } = getGivingAndReceivingZones(allocations, allocated);
  const redistributed = redistributeHints(sameZone, giving, receiving);
  sameZone = redistributed.slices;
  for (const [zone, diff] of redistributed.redistributions) allocated.set(zone, (allocated.get(zone) ?? 0) + diff);

  if (allocated.size === 0) return removeAll([disabled(withAddressType(NoAllocatedHintsForZones, addressType))]);
  const wasEnabled = cache.hintsByService.has(si.serviceKey);
  const events: HintEvent[] = wasEnabled ? [] : [{ type: "Normal", reason: "TopologyAwareHintsEnabled", message: withAddressType(TopologyAwareHintsEnabled, addressType) }];
  return {
    toCreate: sameZone.slice(0, si.toCreate.length),
    toUpdate: sameZone.slice(si.toCreate.length),
    events,
    cache: { ...cache, hintsByService: cache.hintsByService.set(si.serviceKey, allocated) },
  };
}

/**
 * hintsEnabled: the deprecated topology-aware-hints annotation, else topology-mode, is "Auto" or
 * "auto" (the deprecated one wins when both are set).
 */
export function hintsEnabled(annotations: Record<string, string> | undefined): boolean {
  if (annotations === undefined) return false;
  // the mutant lets topology-mode win over the deprecated annotation
  const v = Object.hasOwn(annotations, "service.kubernetes.io/topology-aware-hints") && !(mutant("topology.mode-annotation-wins") && Object.hasOwn(annotations, "service.kubernetes.io/topology-mode"))
    ? annotations["service.kubernetes.io/topology-aware-hints"]
    : Object.hasOwn(annotations, "service.kubernetes.io/topology-mode") ? annotations["service.kubernetes.io/topology-mode"] : undefined;
  return v === "Auto" || v === "auto";
}
