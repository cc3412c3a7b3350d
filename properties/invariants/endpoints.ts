// Invariant: Endpoints list only Ready pods that match the Service selector, at their resolved
// ports. The controller works from a cache, so an Endpoints may lag the pods it lists; what must
// never happen is a ready address that no version of its pod and Service, stored no later than the
// Endpoints itself, justifies. Versions come from the API server's watch-cache history, read
// after every step and remembered by the judge, since that history is bounded and compaction trims it.

import type { Endpoints, Pod, Service } from "kubernetes-types/core/v1";
import type { Cluster } from "../../runtime/cluster.js";
import { storedObject, watching } from "./observe.js";
import { findPort, isPodReady, podIPv4, selectorSetMatches, shouldPodBeInEndpoints } from "./k8s.js";

/** The label the endpoints controller puts on the Endpoints it manages (a user's own Endpoints are not judged). */
const managedByLabel = "endpoints.kubernetes.io/managed-by";
const endpointsControllerName = "endpoint-controller";

const rv = (obj: any): number => Number(obj.metadata?.resourceVersion ?? 0);

/**
 * Every version of the Pods and Services the API server has stored since the judge began. The API
 * server's history is bounded and compaction trims it, so a version a controller legitimately used
 * may be gone from it by the time the Endpoints is judged: the judge keeps its own copy, read after
 * every step (stored objects are frozen, so it keeps references).
 */
class Versions {
  // key -> resourceVersion -> the version stored (pods by uid, Services by namespace/name)
  private readonly pods = new Map<string, Map<string, any>>();
  private readonly services = new Map<string, Map<string, any>>();
  /** the revision of the oldest change the judge saw; versions replaced before it are unknown */
  startedAt = -1;
  private readTo = -1;

  /** Reads the changes stored since the last call (cheap: call it after every step). */
  ingestChanges(cluster: Cluster): void {
    const cache = cluster.runtime.snapshot("apiserver").context.cache;
    // the cache's history is a persistent list (immutable.js List), oldest first
    const history: { size: number; get(i: number): { revision: number; kind: string; obj?: any; prev?: any } | undefined } = cache.history;
    if (this.startedAt < 0) this.startedAt = history.size > 0 ? history.get(0)!.revision : cache.revision;
    // revisions only grow along the history: find the first unread entry by binary search
    let lo = 0;
    let hi = history.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (history.get(mid)!.revision <= this.readTo) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < history.size; i++) {
      const h = history.get(i)!;
      this.readTo = h.revision;
      if (h.kind !== "Pod" && h.kind !== "Service") continue;
      if (h.prev) this.add(h.prev);
      if (h.obj) this.add(h.obj);
    }
  }

  /** Also the objects as they are now: those loaded at start-up, or on a restart, have no history. */
  ingestCurrent(cluster: Cluster): void {
    const cache = cluster.runtime.snapshot("apiserver").context.cache;
    for (const kind of ["Pod", "Service"]) for (const obj of cache.byKind.get(kind)?.values() ?? []) this.add(obj);
  }

  /** Whether versions of these may have been replaced before the judge began, unseen. */
  mayMiss(known: readonly any[]): boolean {
    return known.length === 0 || Math.min(...known.map(rv)) < this.startedAt;
  }

  private add(obj: any): void {
    const m = obj.kind === "Pod" ? this.pods : this.services;
    const key = obj.kind === "Pod" ? obj.metadata.uid : `${obj.metadata.namespace}/${obj.metadata.name}`;
    let vs = m.get(key);
    if (!vs) m.set(key, (vs = new Map()));
    vs.set(obj.metadata.resourceVersion, obj);
  }

  /** Every version of a pod (by uid) stored so far. */
  podVersions(uid: string): any[] {
    return [...(this.pods.get(uid)?.values() ?? [])];
  }

  /** Every version of a Service (namespace/name) stored so far. */
  serviceVersions(key: string): any[] {
    return [...(this.services.get(key)?.values() ?? [])];
  }
}

/** Why this pod version does not justify the ready address under this Service version, or undefined when it does. */
function unjustified(svc: Service, pod: Pod, ip: string, ports: { name?: string; port: number }[]): string | undefined {
  const publish = svc.spec?.publishNotReadyAddresses === true;
  if ((pod.metadata?.namespace ?? "default") !== (svc.metadata?.namespace ?? "default")) return "is in another namespace";
  // An empty selector is dropped on the wire (omitempty): the Service then has no selector at all.
  if (Object.keys(svc.spec?.selector ?? {}).length === 0 || !selectorSetMatches(svc.spec?.selector, pod.metadata?.labels)) return "does not match the Service selector";
  if (!shouldPodBeInEndpoints(pod, publish)) return "is terminating or terminal";
  if (!publish && !isPodReady(pod)) return "is not Ready";
  if (podIPv4(pod) !== ip) return `has IP ${podIPv4(pod) ?? "<none>"}`;
  for (const p of ports) {
    const sp = (svc.spec?.ports ?? []).find((x) => (x.name ?? "") === (p.name ?? ""));
    if (!sp) return `has no Service port named "${p.name ?? ""}"`;
    if (findPort(pod, sp) !== p.port) return `resolves port "${p.name ?? ""}" to ${findPort(pod, sp) ?? "nothing"}, not ${p.port}`;
  }
  return undefined;
}

/**
 * endpointsOnlyReadyMatchingPods, judged after every step: the violations (empty = the invariant
 * holds). Create one judge per run and call it at each step, so that it sees every version stored.
 */
export function endpointsJudge(cluster: Cluster): { read(): void; judge(): string[] } {
  return versionJudge(cluster, judge);
}

/** A judge that keeps every Pod and Service version stored (read() after every step) and judges the cluster against them. */
function versionJudge(cluster: Cluster, judgeWith: (cluster: Cluster, seen: Versions) => string[]): { read(): void; judge(): string[] } {
  const seen = new Versions();
  return {
    read: () => seen.ingestChanges(cluster),
    judge() {
      seen.ingestChanges(cluster);
      seen.ingestCurrent(cluster);
      return judgeWith(cluster, seen);
    },
  };
}

/** The label the EndpointSlice controller puts on the slices it manages, and its value. */
const sliceManagedByLabel = "endpointslice.kubernetes.io/managed-by";
const sliceControllerName = "endpointslice-controller.k8s.io";

/**
 * endpointSlicesOnlyMatchingPods, judged after every step: an EndpointSlice the EndpointSlice
 * controller manages for Service S (label kubernetes.io/service-name) lists a pod (targetRef) only
 * when some version of that pod and of S, both stored no later than the slice, are in one
 * namespace and the pod's labels match S's selector (the controller lists the pods by the
 * selector, terminating and not-ready ones included, so readiness is not judged here).
 */
export function endpointSlicesJudge(cluster: Cluster): { read(): void; judge(): string[] } {
  return versionJudge(cluster, judgeSlices);
}

/** One pod endpoint of a slice the EndpointSlice controller manages, with the versions it is judged on. */
interface SliceEndpoint {
  slice: any;
  e: any;
  ns: string;
  svcKey: string;
  /** the Service's versions stored no later than the slice (at least one) */
  svcVersions: any[];
  /** the pod's versions stored no later than the slice (none: no such pod was stored before it) */
  podVersions: any[];
  who: string;
}

/** The pod endpoints of the controller's slices whose Service and pod histories are whole. */
function* managedSliceEndpoints(cluster: Cluster, seen: Versions): Generator<SliceEndpoint> {
  for (const slice of cluster.list("EndpointSlice") as any[]) {
    const labels = slice.metadata?.labels ?? {};
    if (labels[sliceManagedByLabel] !== sliceControllerName || !labels["kubernetes.io/service-name"]) continue;
    const ns = slice.metadata?.namespace ?? "default";
    const svcKey = `${ns}/${labels["kubernetes.io/service-name"]}`;
    const svcKnown = seen.serviceVersions(svcKey);
    const svcVersions = svcKnown.filter((s) => rv(s) <= rv(slice));
    if (svcVersions.length === 0) continue;
    for (const e of slice.endpoints ?? []) {
      const uid = e?.targetRef?.uid;
      if (e?.targetRef?.kind !== "Pod" || !uid) continue;
      const known = seen.podVersions(uid);
      if (seen.mayMiss(known) || seen.mayMiss(svcKnown)) continue;
      const podVersions = known.filter((p) => rv(p) <= rv(slice));
      yield { slice, e, ns, svcKey, svcVersions, podVersions, who: `${(e.addresses ?? [])[0]} (pod ${e.targetRef.namespace}/${e.targetRef.name})` };
    }
  }
}

function judgeSlices(cluster: Cluster, seen: Versions): string[] {
  const violations: string[] = [];
  for (const { slice, ns, svcKey, svcVersions, podVersions, who } of managedSliceEndpoints(cluster, seen)) {
    if (podVersions.length === 0) {
      violations.push(`EndpointSlice ${ns}/${slice.metadata?.name} of Service ${svcKey} lists ${who}, but no such pod was stored before it`);
      continue;
    }
    const matches = svcVersions.some((s) => Object.keys(s.spec?.selector ?? {}).length > 0 && podVersions.some((p) => (p.metadata?.namespace ?? "default") === ns && selectorSetMatches(s.spec?.selector, p.metadata?.labels)));
    if (!matches) violations.push(`EndpointSlice ${ns}/${slice.metadata?.name} of Service ${svcKey} lists ${who}, but no version of the pod matches the Service's selector ${JSON.stringify(svcVersions[svcVersions.length - 1]!.spec?.selector ?? {})}`);
  }
  return violations;
}

/**
 * endpointSlicePortsMatchTargetPort, judged after every step: each port of an EndpointSlice the
 * EndpointSlice controller manages is, for every pod endpoint in it, the port the Service port of
 * that name resolves to on the pod (podutil.FindPort: a number is itself, a name the container port
 * of that name and protocol), for some versions of the Service and the pod stored no later than the
 * slice. A named targetPort is never published as its name's IntValue() or the Service's port.
 */
export function endpointSlicePortsJudge(cluster: Cluster): { read(): void; judge(): string[] } {
  return versionJudge(cluster, judgeSlicePorts);
}

function judgeSlicePorts(cluster: Cluster, seen: Versions): string[] {
  const violations: string[] = [];
  for (const { slice, ns, svcKey, svcVersions, podVersions, who } of managedSliceEndpoints(cluster, seen)) {
    if (podVersions.length === 0) continue;
    for (const p of slice.ports ?? []) {
      const name = p?.name ?? "";
      const resolved = new Set<number>();
      for (const s of svcVersions) {
        for (const sp of s.spec?.ports ?? []) {
          if ((sp?.name ?? "") !== name || (sp?.protocol ?? "TCP") !== (p?.protocol ?? "TCP")) continue;
          for (const pod of podVersions) {
            const port = findPort(pod, sp);
            if (port !== undefined) resolved.add(port);
          }
        }
      }
      if (resolved.size > 0 && !resolved.has(p?.port)) violations.push(`EndpointSlice ${ns}/${slice.metadata?.name} of Service ${svcKey} lists ${who} at port ${name === "" ? "" : `${name} `}${p?.port}, but the Service port's targetPort resolves to ${[...resolved].join(" or ")} on that pod`);
    }
  }
  return violations;
}

/**
 * endpointSliceReadyOnlyWhenPodReady, judged after every step: an endpoint the EndpointSlice
 * controller publishes with conditions.serving true names a pod some version of which, stored no
 * later than the slice, was Ready; with conditions.ready true, one that was Ready and not
 * terminating (KEP-1672, podToEndpoint: serving = podutil.IsPodReady, ready = serving and not
 * terminating), unless a version of the Service publishes not-ready addresses. kube-proxy routes
 * new connections only to ready endpoints, so a not-ready pod published ready takes traffic.
 */
export function endpointSliceReadinessJudge(cluster: Cluster): { read(): void; judge(): string[] } {
  return versionJudge(cluster, judgeSliceReadiness);
}

function judgeSliceReadiness(cluster: Cluster, seen: Versions): string[] {
  const violations: string[] = [];
  for (const { slice, e, ns, svcKey, svcVersions, podVersions, who } of managedSliceEndpoints(cluster, seen)) {
    if (svcVersions.some((s) => s.spec?.publishNotReadyAddresses === true)) continue;
    const ready = e?.conditions?.ready === true;
    const serving = e?.conditions?.serving === true;
    // no pod stored before the slice: endpointSlicesOnlyMatchingPods reports it
    if (!(ready || serving) || podVersions.length === 0) continue;
    if (ready && !podVersions.some((p) => isPodReady(p) && !p.metadata?.deletionTimestamp)) violations.push(`EndpointSlice ${ns}/${slice.metadata?.name} of Service ${svcKey} lists ${who} as ready, but no version of the pod stored before it was Ready and not terminating`);
    else if (serving && !podVersions.some((p) => isPodReady(p))) violations.push(`EndpointSlice ${ns}/${slice.metadata?.name} of Service ${svcKey} lists ${who} as serving, but no version of the pod stored before it was Ready`);
  }
  return violations;
}

/**
 * endpointSlicePublishesNotReadyWhenAsked, judged after every step: under a Service's
 * spec.publishNotReadyAddresses every endpoint is ready (podToEndpoint: ready =
 * publishNotReadyAddresses || (serving && !terminating)), whatever its pod's readiness or deletion;
 * a headless Service's peers (a StatefulSet's) find each other through DNS before they are Ready.
 * Judged only on slices all of whose Service versions stored no later than them publish not-ready
 * addresses, so the controller cannot have synced from a version that did not.
 */
export function endpointSlicePublishNotReadyJudge(cluster: Cluster): { read(): void; judge(): string[] } {
  return versionJudge(cluster, judgePublishNotReady);
}

function judgePublishNotReady(cluster: Cluster, seen: Versions): string[] {
  const violations: string[] = [];
  for (const { slice, e, ns, svcKey, svcVersions, who } of managedSliceEndpoints(cluster, seen)) {
    if (!svcVersions.every((s) => s.spec?.publishNotReadyAddresses === true)) continue;
    if (e?.conditions?.ready !== true) violations.push(`EndpointSlice ${ns}/${slice.metadata?.name} of Service ${svcKey} lists ${who} as not ready, but the Service publishes not-ready addresses`);
  }
  return violations;
}

/**
 * endpointSliceTerminatingServingWhilePodReady, judged after every step: a terminating pod's
 * endpoint is serving exactly while the pod is Ready (KEP-1672, podToEndpoint: serving =
 * podutil.IsPodReady whatever the deletionTimestamp; ready turns false when terminating), so
 * kube-proxy can fall back to serving terminating endpoints during a rollout. An endpoint the
 * controller publishes as terminating and not serving names a pod some version of which, stored
 * with its deletionTimestamp no later than the slice, was not Ready (the controller saw one of those).
 */
export function endpointSliceServingJudge(cluster: Cluster): { read(): void; judge(): string[] } {
  return versionJudge(cluster, judgeTerminatingServing);
}

function judgeTerminatingServing(cluster: Cluster, seen: Versions): string[] {
  const violations: string[] = [];
  for (const { slice, e, ns, svcKey, podVersions, who } of managedSliceEndpoints(cluster, seen)) {
    if (e?.conditions?.terminating !== true || e?.conditions?.serving !== false) continue;
    const deleting = podVersions.filter((p) => p.metadata?.deletionTimestamp);
    if (deleting.length > 0 && deleting.every((p) => isPodReady(p))) violations.push(`EndpointSlice ${ns}/${slice.metadata?.name} of Service ${svcKey} lists terminating ${who} as not serving, but every version of the pod stored with its deletionTimestamp before the slice was Ready`);
  }
  return violations;
}

/** endpointsOnlyReadyMatchingPods judged once, from what the API server still remembers. */
export function endpointsOnlyReadyMatchingPods(cluster: Cluster): string[] {
  return endpointsJudge(cluster).judge();
}

function judge(cluster: Cluster, seen: Versions): string[] {
  const violations: string[] = [];
  for (const ep of cluster.list("Endpoints") as Endpoints[]) {
    if (ep.metadata?.labels?.[managedByLabel] !== endpointsControllerName) continue;
    const ns = ep.metadata?.namespace ?? "default";
    const name = `${ns}/${ep.metadata?.name}`;
    const svcKnown = seen.serviceVersions(name);
    const svcVersions = svcKnown.filter((s) => rv(s) <= rv(ep));
    // A Service the judge never saw stored before this Endpoints cannot be judged.
    if (svcVersions.length === 0) continue;
    for (const ss of ep.subsets ?? []) {
      for (const a of ss.addresses ?? []) {
        const uid = a.targetRef?.uid ?? "";
        const known = seen.podVersions(uid);
        const podVersions = known.filter((p) => rv(p) <= rv(ep));
        // Versions stored before the judge began may have been replaced unseen: then an address the
        // known versions do not justify proves nothing.
        const mayMissSome = seen.mayMiss(known) || seen.mayMiss(svcKnown);
        const who = `${a.ip} (pod ${a.targetRef?.namespace}/${a.targetRef?.name})`;
        if (podVersions.length === 0) {
          if (!mayMissSome) violations.push(`Endpoints ${name} lists ${who} as ready, but no such pod was stored before it`);
          continue;
        }
        const reasons = svcVersions.flatMap((s) => podVersions.map((p) => unjustified(s, p, a.ip, ss.ports ?? [])));
        if (reasons.every((r) => r !== undefined) && !mayMissSome) {
          violations.push(`Endpoints ${name} lists ${who} as ready, but the pod ${reasons[reasons.length - 1]}`);
        }
      }
    }
  }
  return violations;
}

/** The controllers that write Endpoints and EndpointSlices for Services. */
const endpointWriters = new Set(["endpoints-controller", "endpointslice-controller"]);

/** The pods an Endpoints or EndpointSlice body lists as ready (uid -> address). */
function readyTargets(resource: string, body: any): Array<{ uid: string; ip: string }> {
  const out: Array<{ uid: string; ip: string }> = [];
  if (resource === "endpoints") {
    for (const ss of body?.subsets ?? []) for (const a of ss?.addresses ?? []) if (a?.targetRef?.uid) out.push({ uid: a.targetRef.uid, ip: a.ip });
  } else if (resource === "endpointslices") {
    // A nil ready is read as ready (EndpointConditions).
    for (const e of body?.endpoints ?? []) if (e?.targetRef?.uid && e.conditions?.ready !== false) out.push({ uid: e.targetRef.uid, ip: (e.addresses ?? [])[0] });
  }
  return out;
}

/** The Service an Endpoints (same name) or EndpointSlice (kubernetes.io/service-name) belongs to. */
function serviceNameOf(resource: string, body: any): string | undefined {
  return resource === "endpoints" ? body?.metadata?.name : body?.metadata?.labels?.["kubernetes.io/service-name"];
}

/**
 * terminatingPodNeverReadyEndpoint: once a controller has received a pod with a deletionTimestamp
 * (a watch event or a list), no Endpoints or EndpointSlice it writes afterwards lists that pod as
 * ready, unless the Service publishes not-ready addresses (ShouldPodBeInEndpoints with
 * includeTerminating; EndpointSlice ready = serving && !terminating, or publishNotReadyAddresses).
 * "Afterwards" is by request id: a client numbers its requests in the order it sends them, so a
 * write numbered at or above the client's next id at the moment it received the pod, past the
 * writes its sync had already planned, was built knowing it; earlier writes may lag, as a cache does.
 */
export const terminatingPodNeverReadyEndpoint = watching(
  "terminatingPodNeverReadyEndpoint",
  "a pod with a deletionTimestamp is never a ready address in an Endpoints, nor ready in an EndpointSlice, written after the controller received it terminating",
  ({ rt, report }) => {
    /** per controller: its incarnation, and per terminating pod uid the first request id sent knowing it */
    const known = new Map<string, { incarnation: number; from: Map<string, number> }>();
    const stateOf = (a: string) => {
      let s = known.get(a);
      const inc = rt.incarnation(a);
      if (!s || s.incarnation !== inc) known.set(a, (s = { incarnation: inc, from: new Map() }));
      return s;
    };
    const learn = (a: string, pod: any) => {
      if (pod?.kind !== "Pod" || !pod.metadata?.deletionTimestamp) return;
      const s = stateOf(a);
      if (s.from.has(pod.metadata.uid)) return;
      // The next id before the receiver handles this message, past the writes of a sync already
      // planned (the EndpointSlice reconciler builds a Service's writes at once and sends them one
      // by one, each after the last is answered, as Kubernetes' does): every request from there on
      // knows the pod terminating.
      const ctx = rt.snapshot(a)?.context;
      const nextId: number | undefined = ctx?.client?.nextId;
      const planned: number = ctx?.sync?.plan?.length ?? 0;
      if (nextId !== undefined) s.from.set(pod.metadata.uid, nextId + planned);
    };
    rt.deliveryHooks.push((from, to, msg) => {
      if (from === "apiserver" && endpointWriters.has(to)) {
        if (msg.type === "WatchEvent") learn(to, msg.object);
        else if (msg.type === "ApiResponse" && msg.ok && Array.isArray(msg.object?.items)) for (const p of msg.object.items) learn(to, { kind: "Pod", ...p });
        return;
      }
      if (msg.type !== "ApiRequest" || to !== "apiserver" || !endpointWriters.has(from) || (msg.verb !== "create" && msg.verb !== "update")) return;
      if (msg.resource !== "endpoints" && msg.resource !== "endpointslices") return;
      const s = stateOf(from);
      if (s.from.size === 0) return;
      const svcName = serviceNameOf(msg.resource, msg.body);
      const svc = storedObject(rt, "Service", msg.namespace, svcName);
      if (svc?.spec?.publishNotReadyAddresses === true) return;
      for (const t of readyTargets(msg.resource, msg.body)) {
        const first = s.from.get(t.uid);
        if (first === undefined || msg.id < first) continue;
        const kind = msg.resource === "endpoints" ? "Endpoints" : "EndpointSlice";
        report(`${from} wrote ${kind} ${msg.namespace}/${msg.body?.metadata?.name ?? msg.name} listing ${t.ip} (pod uid ${t.uid}) as ready after it received the pod terminating`);
      }
    });
  },
);

/**
 * endpointSliceOwnedByService: every EndpointSlice the EndpointSlice controller manages is owned by
 * its Service: the reconciler creates each one with metav1.NewControllerRef(service) (one
 * ownerReference, controller and blockOwnerDeletion true, kind Service, the name its
 * kubernetes.io/service-name label gives), so the garbage collector removes it with the Service.
 */
export function endpointSliceOwnedByService(cluster: { list(kind: string): any[] }): string[] {
  const out: string[] = [];
  for (const s of cluster.list("EndpointSlice")) {
    const labels = s.metadata?.labels ?? {};
    if (labels[sliceManagedByLabel] !== sliceControllerName) continue;
    const service = labels["kubernetes.io/service-name"];
    const refs = (s.metadata?.ownerReferences ?? []).filter((r: any) => r?.controller === true);
    const ok = refs.length === 1 && refs[0].kind === "Service" && refs[0].apiVersion === "v1" && refs[0].name === service && typeof refs[0].uid === "string" && refs[0].uid !== "";
    if (!ok) out.push(`EndpointSlice ${s.metadata?.namespace}/${s.metadata?.name} of Service ${service} has controller ownerReferences ${JSON.stringify(refs)}, not one to its Service`);
  }
  return out;
}
