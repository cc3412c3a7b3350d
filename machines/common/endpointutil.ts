// What the endpoints and EndpointSlice controllers, kube-proxy and DNS share about Services and
// the pods behind them (k8s.io/endpointslice/util, pkg/controller/util/endpoint, pkg/api/v1/pod):
// selector matching, pod readiness and addresses, named ports, trigger times, the informer
// lookups from a pod to its Services and from a Service to its pods or EndpointSlices.

import { Map as IMap } from "immutable";
import type { Container, Pod, Service, ServicePort } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { objectKey, storeSelect, storeSelecting, type ClientState, type InformerDelta } from "./client.js";
import { parseTime } from "./time.js";
import { mutant } from "./mutation.js";

/** discovery.LabelServiceName: the label naming an EndpointSlice's Service. */
export const SERVICE_NAME_LABEL = "kubernetes.io/service-name";
/** discovery.LabelManagedBy: the label naming the controller that manages an EndpointSlice. */
export const MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by";
/** Label marking objects that belong to a headless Service (v1.IsHeadlessService). */
export const HEADLESS_SERVICE_LABEL = "service.kubernetes.io/headless";
export const LAST_CHANGE_TRIGGER_TIME_ANNOTATION = "endpoints.kubernetes.io/last-change-trigger-time";
/** A Service selector selects a pod when every key matches; an empty or absent selector selects nothing here. */
export function matchesServiceSelector(
  selector: Record<string, string> | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  // Empty selectors are dropped on the wire, so the controllers treat them as "no selector".
  if (!selector) return false;
  let any = false;
  for (const k in selector) {
    if (labels?.[k] !== selector[k]) return false;
    any = true;
  }
  return any;
}

/** True when the Service has a selector the controllers act on. */
export function hasSelector(service: Service): boolean {
  return Object.keys(service.spec?.selector ?? {}).length > 0;
}

/** True when the Service is headless (clusterIP None). */
export function isHeadless(service: Service): boolean {
  return service.spec?.clusterIP === "None";
}

/** podutil.IsPodReady: the Ready condition is True. */
export function isPodReady(pod: Pod): boolean {
  const conditions = pod.status?.conditions;
  if (!conditions) return false;
  // Indexed loops: these helpers run for every pod of a Service on every sync.
  for (let i = 0; i < conditions.length; i++) if (conditions[i]!.type === "Ready" && conditions[i]!.status === "True") return true;
  return false;
}

/** podutil.IsPodTerminal: phase Succeeded or Failed. */
export function isPodTerminal(pod: Pod): boolean {
  return pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";
}

/** The pod's IPv4 address (podIPs first, then podIP), if it has one. */
export function podIPv4(pod: Pod): string | undefined {
  for (const p of pod.status?.podIPs ?? []) if (isIPv4(p.ip)) return p.ip;
  const ip = pod.status?.podIP;
  return isIPv4(ip) ? ip : undefined;
}

/** The pod's IPv6 address (of status.podIPs, then podIP), if it has one: an IPv6 EndpointSlice's address for it. */
export function podIPv6(pod: Pod): string | undefined {
  for (const p of pod.status?.podIPs ?? []) if (typeof p.ip === "string" && p.ip.includes(":")) return p.ip;
  const ip = pod.status?.podIP;
  return typeof ip === "string" && ip.includes(":") ? ip : undefined;
}

function isIPv4(ip: unknown): ip is string {
  return typeof ip === "string" && /^\d+\.\d+\.\d+\.\d+$/.test(ip);
}

/** endpointsliceutil.ShouldPodBeInEndpoints: not terminal, has an IP, not terminating unless tolerated. */
export function shouldPodBeInEndpoints(pod: Pod, includeTerminating: boolean): boolean {
  if (isPodTerminal(pod)) return false;
  if (!pod.status?.podIP && (pod.status?.podIPs?.length ?? 0) === 0) return false;
  if (!includeTerminating && pod.metadata?.deletionTimestamp) return false;
  return true;
}

/** ShouldSetHostname: the pod names a hostname and its subdomain is this Service, in the same namespace. */
export function shouldSetHostname(pod: Pod, service: Service): boolean {
  return (
    !!pod.spec?.hostname &&
    // the mutant sets the hostname of every pod that has one, whatever its subdomain
    (pod.spec?.subdomain === service.metadata?.name || mutant("endpointslice.hostname-ignores-subdomain")) &&
    (pod.metadata?.namespace ?? "default") === (service.metadata?.namespace ?? "default")
  );
}

/** podutil.FindPort: the container port a Service port's targetPort means for this pod, or undefined. */
export function findPort(pod: Pod, servicePort: ServicePort): number | undefined {
  const target = servicePort.targetPort ?? servicePort.port;
  if (typeof target === "number") return target;
  const protocol = servicePort.protocol ?? "TCP";
  // Named ports are looked up in regular containers, then in sidecars (restartable init containers).
  const found = namedPort(pod.spec?.containers, target, protocol, false);
  return found !== undefined ? found : namedPort(pod.spec?.initContainers, target, protocol, true);
}

function namedPort(containers: Container[] | undefined, name: string, protocol: string, sidecarsOnly: boolean): number | undefined {
  if (!containers) return undefined;
  for (let i = 0; i < containers.length; i++) {
    const c = containers[i]!;
    // the mutant looks in every init container, not only the sidecars
    if (sidecarsOnly && c.restartPolicy !== "Always" && !mutant("endpoints.named-port-in-plain-init-container")) continue;
    const ports = c.ports;
    if (ports) for (let j = 0; j < ports.length; j++) if (ports[j]!.name === name && (ports[j]!.protocol ?? "TCP") === protocol) return ports[j]!.containerPort;
  }
  return undefined;
}

/** The last trigger times seen for one Service (endpointsliceutil.TriggerTimeTracker's ServiceState); a value. */
export interface TriggerState {
  readonly podTimes: IMap<string, number>;
  readonly serviceTime: number;
}

/** Trigger states by Service key: persistent, one per Service. */
export type TriggerStates = IMap<string, TriggerState>;

/** The Services in the pod's namespace whose selector matches these labels (GetPodServiceMemberships). */
export function podServiceKeys(client: ClientState, servicesWatchId: number, pod: Pod, labels: Record<string, string> | undefined): string[] {
  const ns = pod.metadata?.namespace ?? "default";
  const inf = client.informers.get(servicesWatchId);
  if (!inf) return [];
  // Indexed by selector pair: only Services sharing a label pair with the pod are tested.
  return storeSelecting(inf, ns, labels)
    .filter((s: Service) => matchesServiceSelector(s.spec?.selector, labels))
    .map(objectKey);
}

/** reflect.DeepEqual of two label maps as the controller decodes them: an absent and an empty map are both nil (protobuf drops empty maps). */
function sameLabels(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const ka = a ? Object.keys(a) : [];
  const kb = b ? Object.keys(b) : [];
  if (ka.length !== kb.length) return false;
  for (const k of ka) if (!Object.hasOwn(b!, k) || b![k] !== a![k]) return false;
  return true;
}

/**
 * podEndpointsChanged (k8s.io/endpointslice/util): podChanged when the pod changed in a way that
 * may change its endpoints (deletionTimestamp, readiness, podIPs), labelsChanged when it may
 * match other Services (labels, hostname or subdomain). Name, namespace and UID are immutable and
 * nodeName is set before the pod has an IP, so none of them is compared.
 */
export function podEndpointsChanged(oldPod: Pod, newPod: Pod): { podChanged: boolean; labelsChanged: boolean } {
  const labelsChanged =
    !sameLabels(oldPod.metadata?.labels, newPod.metadata?.labels) ||
    (oldPod.spec?.hostname ?? "") !== (newPod.spec?.hostname ?? "") ||
    (oldPod.spec?.subdomain ?? "") !== (newPod.spec?.subdomain ?? "");
  // Kubernetes compares the two *metav1.Time pointers; the informer's old and new pods are
  // decoded apart, so the pointers differ whenever either pod carries a deletionTimestamp.
  if (oldPod.metadata?.deletionTimestamp != null || newPod.metadata?.deletionTimestamp != null) return { podChanged: true, labelsChanged };
  if (isPodReady(oldPod) !== isPodReady(newPod) && !mutant("endpoints.readiness-change-ignored")) return { podChanged: true, labelsChanged };
  const oldIPs = oldPod.status?.podIPs ?? [];
  const newIPs = newPod.status?.podIPs ?? [];
  if (oldIPs.length !== newIPs.length) return { podChanged: true, labelsChanged };
  for (let i = 0; i < oldIPs.length; i++) if (oldIPs[i]!.ip !== newIPs[i]!.ip) return { podChanged: true, labelsChanged };
  return { podChanged: false, labelsChanged };
}

/**
 * determineNeededServiceUpdates: with the pod changed, every Service of its old or new labels;
 * with only its labels changed, the Services it joined or left (the symmetric difference).
 * In order: the new Services, then the old ones.
 */
export function determineNeededServiceUpdates(oldServices: readonly string[], services: readonly string[], podChanged: boolean): string[] {
  const inOld = new Set(oldServices);
  const inNew = new Set(services);
  const out = podChanged ? [...services] : services.filter((k) => !inOld.has(k));
  for (const k of oldServices) if (!inNew.has(k)) out.push(k);
  return out;
}

/**
 * GetServicesToUpdateOnPodChange: the Service keys a pod update queues. A resync (same
 * resourceVersion) and an update that changes nothing an endpoint shows queue none.
 */
export function servicesToUpdateOnPodChange(client: ClientState, servicesWatchId: number, oldPod: Pod, newPod: Pod): string[] {
  if (newPod.metadata?.resourceVersion === oldPod.metadata?.resourceVersion) return [];
  const { podChanged, labelsChanged } = podEndpointsChanged(oldPod, newPod);
  if (!podChanged && !labelsChanged) return [];
  const services = podServiceKeys(client, servicesWatchId, newPod, newPod.metadata?.labels);
  if (!labelsChanged) return services;
  return determineNeededServiceUpdates(podServiceKeys(client, servicesWatchId, oldPod, oldPod.metadata?.labels), services, podChanged);
}

/**
 * The pod informer's handlers of both endpoint controllers: an added or deleted pod queues the
 * Services it is in (addPod, deletePod on the final state); an update is filtered as
 * GetServicesToUpdateOnPodChange filters it (an ADDED for a cached key is an update to client-go).
 */
export function podDeltaServiceKeys(client: ClientState, servicesWatchId: number, d: InformerDelta): string[] {
  if (d.type === "DELETED" || d.old === undefined) return podServiceKeys(client, servicesWatchId, d.object, d.object.metadata?.labels);
  return servicesToUpdateOnPodChange(client, servicesWatchId, d.old, d.object);
}

/** The pods in ns the Service's selector matches, in store order, found through the label index. */
export function selectedPods(client: ClientState, podsWatchId: number, ns: string, service: Service): Pod[] {
  const inf = client.informers.get(podsWatchId);
  const sel = service.spec?.selector;
  if (!inf || !sel || Object.keys(sel).length === 0) return [];
  return storeSelect(inf, ns, sel);
}

/** The Ready condition's last transition time (getPodTriggerTime), or NaN. */
function podTriggerTime(pod: Pod): number {
  // Every sync of a Service asks this of each of its pods: remembered per stored (immutable) pod object.
  let t = triggerTimes.get(pod);
  if (t === undefined) triggerTimes.set(pod, (t = readyTransitionTime(pod)));
  return t;
}
const triggerTimes = new WeakMap<Pod, number>();

function readyTransitionTime(pod: Pod): number {
  const conditions = pod.status?.conditions;
  if (conditions) for (let i = 0; i < conditions.length; i++) if (conditions[i]!.type === "Ready") return parseTime(conditions[i]!.lastTransitionTime);
  return NaN;
}

/**
 * TriggerTimeTracker.ComputeEndpointLastChangeTriggerTime: a new Service's creation time, else the
 * earliest pod or Service trigger time that moved since the last sync; undefined when none moved.
 * Returns the states with this Service's holding exactly these pods' times (`states` is not changed;
 * it is returned as it is when nothing moved).
 */
export function computeTriggerTime(states: TriggerStates, key: string, service: Service, pods: Pod[]): { states: TriggerStates; time: number | undefined } {
  const prev = states.get(key);
  const last = prev?.podTimes;
  const before = prev === undefined ? undefined : podsOfState.get(prev);
  const out = before !== undefined && before.length === pods.length ? changedPodsTriggerTime(states, key, prev!, before, service, pods) : undefined;
  if (out !== undefined) return out;
  let min: number | undefined;
  // The pods with a time, and which of them moved (most syncs move one pod or none).
  const names: string[] = [];
  const times: number[] = [];
  const moved: number[] = [];
  let dropped = false;
  const lastTimes = last === undefined ? undefined : timesOf(last);
  for (const pod of pods) {
    const name = pod.metadata?.name ?? "";
    const t = podTriggerTime(pod);
    const seen = lastTimes?.get(name);
    if (Number.isNaN(t)) {
      if (seen !== undefined) dropped = true;
      continue;
    }
    if (seen === undefined || t > seen) min = min === undefined ? t : Math.min(min, t);
    if (seen !== t) moved.push(names.length);
    names.push(name);
    times.push(t);
  }
  // Pods that left the Service (or lost their time) leave the state too: with every timed pod
  // unmoved, and so in the state, a larger state holds such pods.
  dropped ||= (last?.size ?? 0) > names.length - moved.length;
  let podTimes = last ?? IMap<string, number>();
  if (moved.length > 0 || dropped) {
    podTimes = podTimes.withMutations((m) => {
      for (const i of moved) m.set(names[i]!, times[i]!);
      if (m.size > names.length) {
        const current = new Set(names);
        for (const name of [...m.keys()]) if (!current.has(name)) m.delete(name);
      }
    });
  }
  return withServiceTime(states, key, prev, podTimes, service, pods, min);
}

// The service's part of the answer, once the pod times are known: its creation time moves once.
function withServiceTime(states: TriggerStates, key: string, prev: TriggerState | undefined, podTimes: IMap<string, number>, service: Service, pods: Pod[], podMin: number | undefined): { states: TriggerStates; time: number | undefined } {
  let min = podMin;
  const parsed = parseTime(service.metadata?.creationTimestamp);
  const serviceTime = Number.isNaN(parsed) ? 0 : parsed;
  if (!Number.isNaN(parsed) && (prev === undefined || parsed > prev.serviceTime)) min = min === undefined ? parsed : Math.min(min, parsed);
  const same = prev !== undefined && podTimes === prev.podTimes && serviceTime === prev.serviceTime;
  const state = same ? prev : { podTimes, serviceTime };
  podsOfState.set(state, pods);
  const next = same ? states : states.set(key, state);
  if (!prev) return { states: next, time: Number.isNaN(parsed) ? undefined : parsed };
  return { states: next, time: min };
}

// The pods a state was computed from: it holds exactly their times. A Service's next sync sees the
// same list with a few pod objects replaced (stored objects are immutable values, replaced on
// change), so only those are compared, not every pod's time against the state's.
const podsOfState = new WeakMap<TriggerState, readonly Pod[]>();

// computeTriggerTime for pods that differ from `before` (as long) only in objects of the same
// names at the same places; undefined when a place holds another pod (the full pass decides).
function changedPodsTriggerTime(states: TriggerStates, key: string, prev: TriggerState, before: readonly Pod[], service: Service, pods: Pod[]): { states: TriggerStates; time: number | undefined } | undefined {
  let changed: number[] | undefined;
  for (let i = 0; i < pods.length; i++) {
    if (pods[i] === before[i]) continue;
    if ((pods[i]!.metadata?.name ?? "") !== (before[i]!.metadata?.name ?? "")) return undefined;
    (changed ??= []).push(i);
  }
  let min: number | undefined;
  let podTimes = prev.podTimes;
  if (changed !== undefined) {
    const sets: [string, number][] = [];
    const drops: string[] = [];
    for (const i of changed) {
      const name = pods[i]!.metadata?.name ?? "";
      const t = podTriggerTime(pods[i]!);
      const was = podTriggerTime(before[i]!);
      // The state holds the old pod's time under this name, or nothing when it had none.
      if (Number.isNaN(t)) {
        if (!Number.isNaN(was)) drops.push(name);
        continue;
      }
      if (Number.isNaN(was) || t > was) min = min === undefined ? t : Math.min(min, t);
      if (was !== t) sets.push([name, t]);
    }
    if (sets.length > 0 || drops.length > 0) {
      podTimes = podTimes.withMutations((m) => {
        for (const [name, t] of sets) m.set(name, t);
        for (const name of drops) m.delete(name);
      });
    }
  }
  return withServiceTime(states, key, prev, podTimes, service, pods, min);
}

// The pod times of a state as a native Map, built once per (immutable) value: a sync reads every
// pod's time, and a native Map reads a string key for less than immutable.js hashing it anew.
const timesMirrors = new WeakMap<IMap<string, number>, Map<string, number>>();

function timesOf(podTimes: IMap<string, number>): Map<string, number> {
  let m = timesMirrors.get(podTimes);
  if (m === undefined) {
    const built = new Map<string, number>();
    podTimes.forEach((t, name) => void built.set(name, t));
    timesMirrors.set(podTimes, (m = built));
  }
  return m;
}

/** A Service's EndpointSlices, in store order, through the slice informer's index of the kubernetes.io/service-name label. */
export function serviceSlices(client: ClientState, slicesWatchId: number, svc: Service): EndpointSlice[] {
  const inf = client.informers.get(slicesWatchId);
  return inf ? storeSelect(inf, svc.metadata?.namespace ?? "default", { [SERVICE_NAME_LABEL]: svc.metadata?.name ?? "" }) : [];
}

/** The Services ("ns/name") a delta of a Service or an EndpointSlice informer concerns: the object's, and the old object's when it differs. */
export function deltaServiceKeys(d: InformerDelta, kind: "Service" | "EndpointSlice"): string[] {
  const keyOf = (o: any) => `${o.metadata?.namespace ?? "default"}/${kind === "Service" ? o.metadata?.name : o.metadata?.labels?.[SERVICE_NAME_LABEL]}`;
  return d.old !== undefined && d.old !== d.object ? [keyOf(d.object), keyOf(d.old)] : [keyOf(d.object)];
}
