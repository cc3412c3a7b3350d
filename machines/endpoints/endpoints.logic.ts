// The v1 Endpoints object as the endpoints controller builds it (pkg/controller/endpoint). The pod
// helpers it shares with the EndpointSlice controller are in common/endpointutil.ts.

import type { Endpoints, EndpointAddress, EndpointPort, EndpointSubset, Pod, Service, ServicePort } from "kubernetes-types/core/v1";
import { deepEqual } from "../common/equal.js";
import {
  findPort,
  hasSelector,
  HEADLESS_SERVICE_LABEL,
  isHeadless,
  isPodReady,
  LAST_CHANGE_TRIGGER_TIME_ANNOTATION,
  matchesServiceSelector,
  podIPv4,
  shouldPodBeInEndpoints,
  shouldSetHostname,
} from "../common/endpointutil.js";
import { rfc3339Nano } from "../common/time.js";
import { addressKey, compareAddresses, comparePorts, lessEndpointAddress, portKey, repackSubsets } from "../common/endpointsubsets.js";
import { mutant } from "../common/mutation.js";

/** Label the endpoints controller puts on every Endpoints it manages. */
export const ENDPOINTS_MANAGED_BY_LABEL = "endpoints.kubernetes.io/managed-by";
export const ENDPOINTS_CONTROLLER_NAME = "endpoint-controller";
export const OVER_CAPACITY_ANNOTATION = "endpoints.kubernetes.io/over-capacity";
/** The controller truncates Endpoints beyond this many addresses (maxCapacity). */
export const MAX_ENDPOINTS_CAPACITY = 1000;

/** The EndpointAddress for a pod: IP, nodeName and a Pod targetRef. */
export function podToEndpointAddress(pod: Pod, ip: string): EndpointAddress {
  const addr: EndpointAddress = {
    ip,
    targetRef: {
      kind: "Pod",
      namespace: pod.metadata?.namespace ?? "default",
      name: pod.metadata?.name ?? "",
      uid: pod.metadata?.uid ?? "",
    },
  };
  if (pod.spec?.nodeName && !mutant("endpoints.address-without-node-name")) addr.nodeName = pod.spec.nodeName;
  return addr;
}

export { lessEndpointAddress, repackSubsets };

// One selected pod's address, its readiness and the Service ports it resolves (none: headless without ports).
interface Member {
  readonly addr: EndpointAddress;
  readonly ready: boolean;
  readonly ports: EndpointPort[] | undefined;
  /** addressKey(addr) */
  readonly key: string;
}

// The subsets a pod contributes before repacking: one per port.
function memberSubsets(m: Member): EndpointSubset[] {
  const subsetFor = (ports: EndpointPort[] | undefined): EndpointSubset => (m.ready ? { addresses: [m.addr], ports } : { notReadyAddresses: [m.addr], ports });
  return m.ports === undefined ? [subsetFor(undefined)] : m.ports.map((p) => subsetFor([p]));
}

// Equal port lists as portKey sees them, field by field (no key strings built per pod).
function samePorts(a: EndpointPort[] | undefined, b: EndpointPort[] | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if ((x.name ?? "") !== (y.name ?? "") || x.port !== y.port || (x.protocol ?? "") !== (y.protocol ?? "") || (x.appProtocol ?? "") !== (y.appProtocol ?? "")) return false;
  }
  return true;
}

// True when every pod resolves the same ports, the usual case of pods from one template.
function sharePorts(members: readonly Member[]): boolean {
  if (members.length === 0) return false;
  const first = members[0]!.ports;
  for (let i = 1; i < members.length; i++) if (!samePorts(members[i]!.ports, first)) return false;
  return true;
}

/** What repackSubsets makes of pods that share their ports, without the general regrouping: one subset. */
function oneSubset(members: readonly Member[]): EndpointSubset[] {
  const readiness = new Map<string, { addr: EndpointAddress; ready: boolean }>();
  for (const m of members) {
    const k = m.key;
    const seen = readiness.get(k);
    if (seen === undefined) readiness.set(k, { addr: m.addr, ready: m.ready });
    else if (!m.ready) seen.ready = false; // not-ready trumps ready
  }
  const ready: EndpointAddress[] = [];
  const notReady: EndpointAddress[] = [];
  for (const { addr, ready: r } of readiness.values()) (r ? ready : notReady).push(addr);
  const ports = new Map<string, EndpointPort>();
  for (const p of members[0]!.ports ?? []) ports.set(portKey(p), p);
  const ss: EndpointSubset = {};
  if (ready.length) ss.addresses = ready.sort(compareAddresses);
  if (notReady.length) ss.notReadyAddresses = notReady.sort(compareAddresses);
  if (ports.size) ss.ports = [...ports.values()].sort(comparePorts);
  return [ss];
}

/** A pod's address, readiness and ports for the Service, or null when the pod is none of its endpoints. */
function memberOf(service: Service, pod: Pod, ns: string, includeTerminating: boolean, publishNotReady: boolean, svcPorts: ServicePort[]): Member | null {
  if ((pod.metadata?.namespace ?? "default") !== ns) return null;
  if (!matchesServiceSelector(service.spec?.selector, pod.metadata?.labels)) return null;
  if (!shouldPodBeInEndpoints(pod, includeTerminating)) return null;
  const ip = podIPv4(pod);
  if (!ip) return null;
  const addr = podToEndpointAddress(pod, ip);
  if (shouldSetHostname(pod, service)) addr.hostname = pod.spec!.hostname!;
  // the mutant takes a Running pod as ready before its readiness probe passes
  // the second mutant lists a not-ready pod under notReadyAddresses though the Service publishes it
  const ready = (publishNotReady && !mutant("endpoints.published-not-ready-address-not-ready")) || (mutant("endpoints.running-pod-ready-address") ? pod.status?.phase === "Running" : isPodReady(pod));
  if (svcPorts.length === 0) {
    // Only a headless Service may have no ports and still list addresses.
    return isHeadless(service) ? { addr, ready, ports: undefined, key: addressKey(addr) } : null;
  }
  const ports: EndpointPort[] = [];
  for (const sp of svcPorts) {
    const portNum = findPort(pod, sp);
    if (portNum === undefined) continue;
    const ep: EndpointPort = { name: sp.name ?? "", port: portNum, protocol: sp.protocol ?? "TCP" };
    if (sp.appProtocol !== undefined) ep.appProtocol = sp.appProtocol;
    ports.push(ep);
  }
  return ports.length > 0 ? { addr, ready, ports, key: addressKey(addr) } : null;
}

// Each stored pod object's member (or null) for the last Service that synced over it: stored
// objects are immutable values, so it holds for the same Service object and terminating rule.
const podMembers = new WeakMap<Pod, { service: Service; includeTerminating: boolean; member: Member | null }>();

/** Options for endpointsFor. */
export interface EndpointsOptions {
  /** ms since epoch of the change that triggered this sync (last-change-trigger-time annotation). */
  lastChangeTriggerTime?: number;
}

/** Terminating pods are listed only under publishNotReadyAddresses (ShouldPodBeInEndpoints). */
function includesTerminating(service: Service): boolean {
  return service.spec?.publishNotReadyAddresses === true || mutant("endpoints.terminating-pods-stay-ready");
}

/**
 * The Endpoints the controller writes for a Service given the pods in its namespace, or null for a
 * Service without a selector (those Endpoints are the user's to manage).
 */
export function endpointsFor(service: Service, pods: Pod[], opts: EndpointsOptions = {}): Endpoints | null {
  if (!hasSelector(service)) return null;
  const ns = service.metadata?.namespace ?? "default";
  const publishNotReady = service.spec?.publishNotReadyAddresses === true;
  const svcPorts = service.spec?.ports ?? [];
  const includeTerminating = includesTerminating(service);
  const members: Member[] = [];
  for (const pod of pods) {
    // Most pods of a Service are unchanged since its last sync: their part is remembered.
    const known = podMembers.get(pod);
    let m: Member | null;
    if (known !== undefined && known.service === service && known.includeTerminating === includeTerminating) m = known.member;
    else {
      m = memberOf(service, pod, ns, includeTerminating, publishNotReady, svcPorts);
      podMembers.set(pod, { service, includeTerminating, member: m });
    }
    if (m !== null) members.push(m);
  }
  const subsets = sharePorts(members) ? oneSubset(members) : repackSubsets(members.flatMap(memberSubsets));
  const { subsets: capped, truncated } = capSubsets(subsets);
  return {
    apiVersion: "v1",
    kind: "Endpoints",
    metadata: {
      name: service.metadata?.name ?? "",
      namespace: ns,
      labels: endpointsLabels(service),
      ...endpointsAnnotations(opts, truncated),
    },
    ...(capped.length ? { subsets: capped } : {}),
  };
}

function endpointsLabels(service: Service): Record<string, string> {
  const labels: Record<string, string> = { ...(service.metadata?.labels ?? {}) };
  if (isHeadless(service) && !mutant("endpoints.headless-label-missing")) labels[HEADLESS_SERVICE_LABEL] = "";
  else delete labels[HEADLESS_SERVICE_LABEL];
  labels[ENDPOINTS_MANAGED_BY_LABEL] = ENDPOINTS_CONTROLLER_NAME;
  return labels;
}

function endpointsAnnotations(opts: EndpointsOptions, truncated: boolean): { annotations?: Record<string, string> } {
  const annotations: Record<string, string> = {};
  if (opts.lastChangeTriggerTime !== undefined) {
    annotations[LAST_CHANGE_TRIGGER_TIME_ANNOTATION] = rfc3339Nano(opts.lastChangeTriggerTime);
  }
  if (truncated) annotations[OVER_CAPACITY_ANNOTATION] = "truncated";
  return Object.keys(annotations).length ? { annotations } : {};
}

/** Keeps at most MAX_ENDPOINTS_CAPACITY addresses, ready ones first, as the controller's truncation does. */
function capSubsets(subsets: EndpointSubset[]): { subsets: EndpointSubset[]; truncated: boolean } {
  const total = subsets.reduce((n, s) => n + (s.addresses?.length ?? 0) + (s.notReadyAddresses?.length ?? 0), 0);
  if (total <= MAX_ENDPOINTS_CAPACITY) return { subsets, truncated: false };
  let budget = MAX_ENDPOINTS_CAPACITY;
  const take = (list: EndpointAddress[] | undefined): EndpointAddress[] | undefined => {
    if (!list) return undefined;
    const kept = list.slice(0, Math.max(0, budget));
    budget -= kept.length;
    return kept.length ? kept : undefined;
  };
  const withReady = subsets.map((s) => ({ ...s, addresses: take(s.addresses) }));
  const out = withReady.map((s) => ({ ...s, notReadyAddresses: take(s.notReadyAddresses) }));
  return { subsets: out.filter((s) => s.addresses || s.notReadyAddresses), truncated: true };
}

/** True when two Endpoints carry the same subsets, labels and annotations (ignoring the trigger time), so the write can be skipped. */
export function endpointsEqual(a: Endpoints | null | undefined, b: Endpoints | null | undefined): boolean {
  if (!a || !b) return a === b;
  const strip = (e: Endpoints) => {
    const ann = { ...(e.metadata?.annotations ?? {}) };
    delete ann[LAST_CHANGE_TRIGGER_TIME_ANNOTATION];
    return { subsets: e.subsets ?? [], labels: e.metadata?.labels ?? {}, ann };
  };
  return deepEqual(strip(a), strip(b));
}

/**
 * What a Service's last sync computed, kept in the controller's context (a value: never changed
 * after it is built) so the next sync applies only the pods that changed. Held only while every
 * member shares its ports and no two share an address key: then the Endpoints is the one subset
 * of the members' sorted addresses, whatever order the pods come in.
 */
export interface EndpointsMemo {
  readonly service: Service;
  readonly includeTerminating: boolean;
  /**
   * the selected pods it was computed from, in order: a sync finds the pods replaced since by
   * identity (stored objects are immutable values). The list is the one the trigger-time state of
   * the same sync keeps, so holding it keeps no pod alive that the controller does not hold already.
   */
  readonly pods: readonly Pod[];
  /** each pod's member (null: none of the Service's endpoints), by place in `pods` */
  readonly members: readonly (Member | null)[];
  /** the port list every member resolves (undefined: headless without ports; meaningless with no member) */
  readonly ports: EndpointPort[] | undefined;
  /** ready and not-ready addresses, each sorted as lessEndpointAddress sorts */
  readonly ready: readonly EndpointAddress[];
  readonly notReady: readonly EndpointAddress[];
  /** the subsets before capping, built from the above */
  readonly subsets: EndpointSubset[];
}

/** More member changes than this are sorted anew: splicing each into the lists would cost more. */
const MAX_INCREMENTAL_CHANGES = 32;

/**
 * endpointsFor, computed from the Service's last memo by the pods that changed since (pods are
 * immutable values: an object seen before contributes what it did). Falls back to the full
 * computation for another Service object, pods that do not share their ports or share an
 * address, or many changes at once. Returns the Endpoints and the memo for the next sync
 * (undefined when the result cannot be kept incrementally).
 */
export function endpointsWithMemo(prev: EndpointsMemo | undefined, service: Service, pods: Pod[], opts: EndpointsOptions = {}): { endpoints: Endpoints | null; memo: EndpointsMemo | undefined } {
  if (!hasSelector(service)) return { endpoints: null, memo: undefined };
  const includeTerminating = includesTerminating(service);
  const memo = (prev !== undefined && prev.service === service && prev.includeTerminating === includeTerminating ? applyPodChanges(prev, pods) : undefined) ?? fullMemo(service, pods, includeTerminating);
  if (memo === undefined) return { endpoints: endpointsFor(service, pods, opts), memo: undefined };
  const { subsets: capped, truncated } = capSubsets(memo.subsets);
  const endpoints: Endpoints = {
    apiVersion: "v1",
    kind: "Endpoints",
    metadata: {
      name: service.metadata?.name ?? "",
      namespace: service.metadata?.namespace ?? "default",
      labels: endpointsLabels(service),
      ...endpointsAnnotations(opts, truncated),
    },
    ...(capped.length ? { subsets: capped } : {}),
  };
  return { endpoints, memo };
}

function memberFor(service: Service, pod: Pod, includeTerminating: boolean): Member | null {
  return memberOf(service, pod, service.metadata?.namespace ?? "default", includeTerminating, service.spec?.publishNotReadyAddresses === true, service.spec?.ports ?? []);
}

// The memo of a whole recompute, or undefined when the members do not fit one (see EndpointsMemo).
function fullMemo(service: Service, pods: readonly Pod[], includeTerminating: boolean): EndpointsMemo | undefined {
  return memoFromMembers(service, includeTerminating, pods, pods.map((p) => memberFor(service, p, includeTerminating)));
}

// The memo of these members, their addresses sorted anew.
function memoFromMembers(service: Service, includeTerminating: boolean, pods: readonly Pod[], members: readonly (Member | null)[]): EndpointsMemo | undefined {
  const present = members.filter((m): m is Member => m !== null);
  if (present.length > 0 && !sharePorts(present)) return undefined;
  const seen = new Set<string>();
  for (const m of present) {
    if (seen.has(m.key)) return undefined;
    seen.add(m.key);
  }
  const ready = present.filter((m) => m.ready).map((m) => m.addr).sort(compareAddresses);
  const notReady = present.filter((m) => !m.ready).map((m) => m.addr).sort(compareAddresses);
  return memoOf(service, includeTerminating, pods, members, present[0]?.ports, ready, notReady);
}

function memoOf(service: Service, includeTerminating: boolean, pods: readonly Pod[], members: readonly (Member | null)[], ports: EndpointPort[] | undefined, ready: EndpointAddress[], notReady: EndpointAddress[]): EndpointsMemo {
  Object.freeze(ready);
  Object.freeze(notReady);
  const subsets: EndpointSubset[] = [];
  if (ready.length + notReady.length > 0) {
    // As oneSubset: the shared ports once each, in port order.
    const unique = new Map<string, EndpointPort>();
    for (const p of ports ?? []) unique.set(portKey(p), p);
    const ss: EndpointSubset = {};
    if (ready.length) ss.addresses = ready as EndpointAddress[];
    if (notReady.length) ss.notReadyAddresses = notReady as EndpointAddress[];
    if (unique.size) ss.ports = [...unique.values()].sort(comparePorts);
    subsets.push(Object.freeze(ss));
  }
  return Object.freeze({ service, includeTerminating, pods, members: Object.freeze(members.slice()), ports, ready, notReady, subsets: Object.freeze(subsets) as EndpointSubset[] });
}

// The first place in a sorted address list whose address does not sort before addr.
function lowerBound(list: readonly EndpointAddress[], addr: EndpointAddress): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (lessEndpointAddress(list[mid]!, addr)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// Two members that put the same address with the same readiness on the same ports.
function sameMember(a: Member | null, b: Member | null): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  const x = a.addr;
  const y = b.addr;
  return (
    a.key === b.key &&
    a.ready === b.ready &&
    x.nodeName === y.nodeName &&
    x.hostname === y.hostname &&
    x.targetRef?.name === y.targetRef?.name &&
    x.targetRef?.namespace === y.targetRef?.namespace &&
    samePorts(a.ports, b.ports) &&
    (a.ports ?? []).every((p, i) => p.appProtocol === b.ports![i]!.appProtocol)
  );
}

/**
 * The memo for `pods` from the memo of the pods before. Pods are immutable values: a version
 * seen before contributes what it did, and a new one whose member equals the one it replaces
 * changes nothing. The members that did change leave and enter the sorted address lists one by
 * one (many of them: the lists are sorted anew). Undefined when the members no longer fit a memo
 * (the caller recomputes everything, and endpointsFor decides).
 */
function applyPodChanges(prev: EndpointsMemo, pods: readonly Pod[]): EndpointsMemo | undefined {
  const before = prev.pods;
  let p = 0;
  const n = before.length;
  const common = Math.min(n, pods.length);
  while (p < common && before[p] === pods[p]) p++;
  let a = n;
  let b = pods.length;
  while (a > p && b > p && before[a - 1] === pods[b - 1]) a--, b--;
  // The very same pod objects (the list may be another array): the memo holds as it is.
  if (p === a && p === b) return prev;
  const member = (pod: Pod) => memberFor(prev.service, pod, prev.includeTerminating);
  const windowMembers: (Member | null)[] = [];
  const removed: Member[] = [];
  const added: Member[] = [];
  const change = (old: Member | null, now: Member | null): Member | null => {
    if (sameMember(old, now)) return old;
    if (old !== null) removed.push(old);
    if (now !== null) added.push(now);
    return now;
  };
  if (a - p === b - p) {
    // Pods replaced in place (the usual case): each new object against the one it replaced.
    for (let i = p; i < a; i++) windowMembers.push(before[i] === pods[i] ? prev.members[i]! : change(prev.members[i]!, member(pods[i]!)));
  } else {
    // Pods came or went: each against the pod of its name before, if any.
    const was = new Map<string, number>();
    for (let i = p; i < a; i++) was.set(before[i]!.metadata?.name ?? "", i);
    for (let i = p; i < b; i++) {
      const pod = pods[i]!;
      const name = pod.metadata?.name ?? "";
      const j = was.get(name);
      if (j !== undefined) was.delete(name);
      if (j !== undefined && before[j] === pod) windowMembers.push(prev.members[j]!);
      else windowMembers.push(change(j === undefined ? null : prev.members[j]!, member(pod)));
    }
    for (const j of was.values()) change(prev.members[j]!, null);
  }
  const members = [...prev.members.slice(0, p), ...windowMembers, ...prev.members.slice(a)];
  if (removed.length === 0 && added.length === 0) return Object.freeze({ ...prev, pods, members: Object.freeze(members) });
  if (removed.length + added.length > MAX_INCREMENTAL_CHANGES) return memoFromMembers(prev.service, prev.includeTerminating, pods, members);
  const ready = prev.ready.slice();
  const notReady = prev.notReady.slice();
  for (const m of removed) {
    const list = m.ready ? ready : notReady;
    const i = lowerBound(list, m.addr);
    if (list[i] !== m.addr) return undefined;
    list.splice(i, 1);
  }
  let ports = prev.ports;
  let count = ready.length + notReady.length;
  for (const m of added) {
    if (count > 0 && !samePorts(m.ports, ports)) return undefined;
    if (count === 0) ports = m.ports;
    const other = m.ready ? notReady : ready;
    const j = lowerBound(other, m.addr);
    if (j < other.length && !lessEndpointAddress(m.addr, other[j]!)) return undefined;
    const list = m.ready ? ready : notReady;
    const i = lowerBound(list, m.addr);
    if (i < list.length && !lessEndpointAddress(m.addr, list[i]!)) return undefined;
    list.splice(i, 0, m.addr);
    count++;
  }
  return memoOf(prev.service, prev.includeTerminating, pods, members, ports, ready, notReady);
}
