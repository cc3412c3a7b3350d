// The usage evaluators of pkg/quota/v1/evaluator/core and pkg/quota/v1/generic, shared by the
// ResourceQuota admission plugin and the ResourceQuota controller:
// - pods count (pods, count/pods, requests.* and limits.* of cpu, memory, ephemeral-storage) until
//   they are terminal, and are the only kind quota scopes select (Terminating, NotTerminating,
//   BestEffort, NotBestEffort, PriorityClass through scopeSelector, CrossNamespacePodAffinity);
// - services count services, count/services, services.nodeports and services.loadbalancers;
// - persistentvolumeclaims count themselves, requests.storage and the same per storage class;
// - configmaps, secrets, replicationcontrollers and resourcequotas count under their legacy name
//   and count/<resource>; every other namespaced resource under count/<resource>.<group>.

import { mutant } from "./mutation.js";
import { isQualifiedName } from "./names.js";
import { addQuantity, cmpQuantity, countQuantity, parseGoQuantity, quantityString, type GoQuantity } from "./goquantity.js";

// Usage is resource.Quantity arithmetic (pkg/quota/v1 Add on ResourceLists): exact, whatever the
// exponent a client wrote ("1e2147483647" sums and prints as Go does: 10e2146483646).
type Qty = GoQuantity;
const qty = (v: string | number): Qty | undefined => parseGoQuantity(v);

type Obj = any;
type ResourceList = Record<string, string>;

// The resources a pod's usage names; cpu and memory are the requests.* ones by their short names too.
const computeResources = ["cpu", "memory", "ephemeral-storage"];

type QList = Map<string, Qty>;

function listOf(l: Record<string, string | number> | undefined | null): QList {
  const out: QList = new Map();
  for (const [k, v] of Object.entries(l ?? {})) {
    const q = qty(v);
    if (q) out.set(k, q);
  }
  return out;
}
function addList(dst: QList, src: QList): void {
  for (const [k, q] of src) {
    const prev = dst.get(k);
    dst.set(k, prev ? addQuantity(prev, q) : q);
  }
}
function maxList(dst: QList, src: QList): void {
  for (const [k, q] of src) {
    const prev = dst.get(k);
    if (!prev || cmpQuantity(q, prev) > 0) dst.set(k, q);
  }
}

// IsSupportedPodLevelResource: cpu, memory and hugepages-* (PodLevelResources, beta and on in v1.35).
const supportedPodLevel = (k: string) => k === "cpu" || k === "memory" || k.startsWith("hugepages-");
const isResizeInfeasible = (pod: Obj) => (pod.status?.conditions ?? []).some((c: Obj) => c?.type === "PodResizePending" && c?.reason === "Infeasible");

/**
 * determineContainerReqs/Limits (UseStatusResources: InPlacePodVerticalScaling is GA in v1.35): a container whose
 * status reports resources counts the larger of its spec, its actual and (requests) its allocated amounts; of an
 * Infeasible resize's requests, only the actual and allocated.
 */
function containerAmounts(c: Obj, which: "requests" | "limits", status: Obj, infeasible: boolean): QList {
  if (status?.resources == null) return listOf(c.resources?.[which]);
  const out = which === "requests" && infeasible ? new Map<string, Qty>() : listOf(c.resources?.[which]);
  maxList(out, listOf(status.resources[which]));
  if (which === "requests") maxList(out, listOf(status.allocatedResources));
  return out;
}

/**
 * resourcehelper.PodRequests / PodLimits as the pod evaluator calls them: the containers and sidecars summed, each
 * init container beside the sidecars started before it as a floor, pod-level amounts of the supported resources in
 * place of the aggregate, then the overhead (added to every request, and only to limits that are set).
 */
export function podResourceAmounts(pod: Obj, which: "requests" | "limits"): QList {
  const statuses = new Map<string, Obj>();
  for (const st of [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])]) statuses.set(st?.name ?? "", st);
  const infeasible = isResizeInfeasible(pod);
  const out: QList = new Map();
  for (const c of pod.spec?.containers ?? []) addList(out, containerAmounts(c, which, statuses.get(c?.name ?? ""), infeasible));
  const sidecars: QList = new Map();
  const initFloor: QList = new Map();
  for (const c of pod.spec?.initContainers ?? []) {
    if (c?.restartPolicy === "Always") {
      const own = containerAmounts(c, which, statuses.get(c?.name ?? ""), infeasible);
      addList(out, own);
      addList(sidecars, own);
      maxList(initFloor, sidecars);
    } else {
      const tmp = listOf(c?.resources?.[which]);
      addList(tmp, sidecars);
      maxList(initFloor, tmp);
    }
  }
  maxList(out, initFloor);
  for (const [k, q] of listOf(pod.spec?.resources?.[which])) if (supportedPodLevel(k)) out.set(k, q);
  for (const [k, q] of listOf(pod.spec?.overhead)) {
    const prev = out.get(k);
    if (which === "requests") out.set(k, prev ? addQuantity(prev, q) : q);
    else if (prev) out.set(k, addQuantity(prev, q));
  }
  return out;
}

// helper.IsExtendedResourceName: outside the native (unprefixed or kubernetes.io) names, not a quota "requests."
// name, and a qualified name once prefixed with "requests.".
export function isExtendedResourceName(name: string): boolean {
  if (!name.includes("/") || name.includes("kubernetes.io/") || name.startsWith("requests.")) return false;
  return isQualifiedName(`requests.${name}`).length === 0;
}

/** QuotaV1Pod: terminal pods, and pods past their deletion grace, no longer count. */
export function podCountsForQuota(pod: Obj, now: number): boolean {
  const phase = pod.status?.phase;
  if ((phase === "Succeeded" || phase === "Failed") && !mutant("quota.counts-terminal-pods")) return false;
  const del = pod.metadata?.deletionTimestamp;
  if (del && pod.metadata?.deletionGracePeriodSeconds !== undefined) {
    const end = Date.parse(del) + pod.metadata.deletionGracePeriodSeconds * 1000;
    // the mutant drops the pod at the very end of its grace, not after it
    if (now > end || (mutant("quota.grace-end-exclusive") && now === end)) return false;
  }
  return true;
}

/**
 * PodUsageFunc: what one pod uses of each quota resource. count/pods counts every pod in storage; the rest
 * (podComputeUsageHelper) only pods that are not terminal: pods, cpu, memory and ephemeral-storage requests (also
 * under their short names) and limits, hugepages-* requests under both names, extended resources' requests.
 */
export function podUsage(pod: Obj, now: number): Map<string, Qty> {
  const out = new Map<string, Qty>([["count/pods", countQuantity(1)]]);
  // the mutant leaves a terminal pod out of count/pods too
  if (!podCountsForQuota(pod, now)) return mutant("quota.object-count-skips-terminal-pods") ? new Map() : out;
  out.set("pods", countQuantity(1));
  const requests = podResourceAmounts(pod, "requests");
  const limits = podResourceAmounts(pod, "limits");
  for (const k of computeResources) {
    const req = requests.get(k);
    if (req) {
      out.set(k, req);
      out.set(`requests.${k}`, req);
    }
    const lim = limits.get(k);
    if (lim) out.set(`limits.${k}`, lim);
  }
  for (const [k, q] of requests) {
    if (k.startsWith("hugepages-")) {
      out.set(k, q);
      out.set(`requests.${k}`, q);
    }
    if (isExtendedResourceName(k)) out.set(`requests.${k}`, q);
  }
  return out;
}

/** A quota's scope selectors: each of spec.scopes as Exists, then spec.scopeSelector's expressions (getScopeSelectorsFromQuota). */
export interface ScopeSelector {
  scopeName: string;
  operator: string;
  values?: string[];
}

export function scopeSelectorsOf(quota: Obj): ScopeSelector[] {
  const out: ScopeSelector[] = (quota.spec?.scopes ?? []).map((s: string) => ({ scopeName: s, operator: "Exists" }));
  for (const e of quota.spec?.scopeSelector?.matchExpressions ?? []) out.push({ scopeName: e.scopeName, operator: e.operator, ...(e.values ? { values: e.values } : {}) });
  return out;
}

/** isBestEffort: no container (init containers included) requests or limits cpu or memory. */
function isBestEffort(pod: Obj): boolean {
  // the mutant looks at the app containers only: a pod whose init container requests cpu counts as BestEffort
  const all = [...(pod.spec?.containers ?? []), ...(mutant("quota.best-effort-ignores-init-containers") ? [] : (pod.spec?.initContainers ?? []))];
  const names = (l: Obj) => Object.keys(l ?? {}).filter((k) => k === "cpu" || k === "memory");
  return all.every((c: Obj) => names(c.resources?.requests).length === 0 && names(c.resources?.limits).length === 0);
}

/** isTerminating: activeDeadlineSeconds set, and not negative. */
function isTerminating(pod: Obj): boolean {
  return typeof pod.spec?.activeDeadlineSeconds === "number" && pod.spec.activeDeadlineSeconds >= 0;
}

/** usesCrossNamespacePodAffinity: an affinity term that names namespaces or selects them. */
function usesCrossNamespacePodAffinity(pod: Obj): boolean {
  const terms = (a: Obj): Obj[] => [...(a?.requiredDuringSchedulingIgnoredDuringExecution ?? []), ...(a?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w: Obj) => w.podAffinityTerm ?? {})];
  const affinity = pod.spec?.affinity ?? {};
  // the mutant looks at spec'd namespaces only: a term with a namespaceSelector escapes the scope
  return [...terms(affinity.podAffinity), ...terms(affinity.podAntiAffinity)].some((t) => (t.namespaces ?? []).length > 0 || (t.namespaceSelector != null && !mutant("quota.cross-namespace-scope-ignores-selector")));
}

/**
 * podMatchesSelector: the PriorityClass scope as a label requirement on a set holding the pod's
 * priorityClassName (when it has one) under the key PriorityClass.
 */
function priorityClassMatches(pod: Obj, s: ScopeSelector): boolean {
  const name: string = pod.spec?.priorityClassName ?? "";
  const values = s.values ?? [];
  switch (s.operator) {
    case "Exists": return name !== "";
    case "DoesNotExist": return name === "";
    case "In": return name !== "" && values.includes(name);
    case "NotIn": return name === "" || !values.includes(name);
    default: return false;
  }
}

/** podMatchesScopeFunc: whether one scope selector selects the pod. */
export function podMatchesScope(pod: Obj, s: ScopeSelector): boolean {
  switch (s.scopeName) {
    case "Terminating": return isTerminating(pod);
    case "NotTerminating": return !isTerminating(pod);
    case "BestEffort": return isBestEffort(pod);
    case "NotBestEffort": return !isBestEffort(pod);
    case "PriorityClass": return priorityClassMatches(pod, s);
    case "CrossNamespacePodAffinity": return usesCrossNamespacePodAffinity(pod);
    default: return false;
  }
}

/**
 * Whether a quota's scopes select an object of `resource` (generic.Matches' scope half): with no
 * scope, everything; pods by podMatchesScope, every selector; other kinds have no scope to match
 * (MatchesNoScopeFunc), so a scoped quota never selects them.
 */
export function quotaMatches(quota: Obj, obj: Obj, resource: GroupResource = PODS): boolean {
  const selectors = scopeSelectorsOf(quota);
  if (selectors.length === 0) return true;
  if (resource.group !== "" || resource.resource !== "pods") return false;
  return selectors.every((s) => podMatchesScope(obj, s));
}

/** The resources of `hard` a pod's usage can touch (the pod evaluator's MatchingResources). */
export function podResourceNames(hard: readonly string[]): string[] {
  const known = new Set(["pods", "count/pods", ...computeResources, ...computeResources.flatMap((r) => [`requests.${r}`, `limits.${r}`])]);
  // podResourcePrefixes (hugepages-, requests.hugepages-) and isExtendedResourceNameForQuota (requests.<not native>)
  const prefixed = (k: string) => k.startsWith("hugepages-") || k.startsWith("requests.hugepages-");
  const extended = (k: string) => k.startsWith("requests.") && k.includes("/") && !k.includes("kubernetes.io/");
  return hard.filter((k) => known.has(k) || prefixed(k) || extended(k));
}

/** An API resource as quota names it. */
export interface GroupResource {
  group: string;
  resource: string;
}

const PODS: GroupResource = { group: "", resource: "pods" };
const one = (): Qty => countQuantity(1);
const zero = (): Qty => countQuantity(0);

// The core resources whose object count has a name of its own besides count/<resource>.
const legacyCounted = new Set(["configmaps", "secrets", "replicationcontrollers", "resourcequotas", "persistentvolumeclaims", "services", "pods"]);
const storageClassResource = /^(.+)\.storageclass\.storage\.k8s\.io\/(requests\.storage|persistentvolumeclaims)$/;

/** count/<resource>[.<group>]: the generic object count name (ObjectCountQuotaResourceNameFor). */
export function countName(r: GroupResource): string {
  return r.group === "" ? `count/${r.resource}` : `count/${r.resource}.${r.group}`;
}

/** The resource a quota's resource name counts, when it names one: count/<resource>.<group> or a legacy name. */
export function resourceOfQuotaName(name: string): GroupResource | undefined {
  if (name.startsWith("count/")) {
    const rest = name.slice("count/".length);
    const dot = rest.indexOf(".");
    return dot < 0 ? { group: "", resource: rest } : { group: rest.slice(dot + 1), resource: rest.slice(0, dot) };
  }
  if (legacyCounted.has(name)) return { group: "", resource: name };
  if (name === "services.nodeports" || name === "services.loadbalancers") return { group: "", resource: "services" };
  if (name === "requests.storage" || storageClassResource.test(name)) return { group: "", resource: "persistentvolumeclaims" };
  return undefined;
}

/** MatchingResources of the evaluator for `r`: the names of `hard` its usage can touch. */
export function matchingResources(r: GroupResource, hard: readonly string[]): string[] {
  if (r.group === "" && r.resource === "pods") return podResourceNames(hard);
  const own = countName(r);
  return hard.filter((k) => {
    if (k === own) return true;
    if (r.group !== "") return false;
    if (k === r.resource && legacyCounted.has(k)) return true;
    if (r.resource === "services") return k === "services.nodeports" || k === "services.loadbalancers";
    if (r.resource === "persistentvolumeclaims") return k === "requests.storage" || storageClassResource.test(k);
    return false;
  });
}

/** The service evaluator's Usage: one service, its node ports when NodePort or LoadBalancer, one load balancer. */
function serviceUsage(svc: Obj): Map<string, Qty> {
  const out = new Map<string, Qty>([["services", one()], ["count/services", one()], ["services.loadbalancers", zero()], ["services.nodeports", zero()]]);
  const ports: Obj[] = svc.spec?.ports ?? [];
  const nodePorts = (): Qty => countQuantity(ports.length);
  if (svc.spec?.type === "NodePort") out.set("services.nodeports", nodePorts());
  if (svc.spec?.type === "LoadBalancer") {
    // allocateLoadBalancerNodePorts false: only ports given a nodePort by hand hold one
    const allocated = svc.spec.allocateLoadBalancerNodePorts === false ? countQuantity(ports.filter((p) => p.nodePort).length) : nodePorts();
    out.set("services.nodeports", allocated);
    out.set("services.loadbalancers", one());
  }
  return out;
}

/** The claim evaluator's Usage: the claim, its requested storage, and both again under its storage class. */
function claimUsage(pvc: Obj): Map<string, Qty> {
  const out = new Map<string, Qty>([["persistentvolumeclaims", one()], ["count/persistentvolumeclaims", one()]]);
  const cls: string = pvc.spec?.storageClassName ?? "";
  if (cls !== "") out.set(`${cls}.storageclass.storage.k8s.io/persistentvolumeclaims`, one());
  // the larger of spec and status (a claim being expanded is charged its new size)
  const requested = qty(pvc.spec?.resources?.requests?.storage ?? 0);
  const allocated = qty(pvc.status?.capacity?.storage ?? 0);
  const storage = requested && allocated && cmpQuantity(allocated, requested) > 0 ? allocated : requested;
  if (storage && storage.n > 0n) {
    out.set("requests.storage", storage);
    if (cls !== "") out.set(`${cls}.storageclass.storage.k8s.io/requests.storage`, storage);
  }
  return out;
}

/** Usage of one object of `r`: the pod, service and claim evaluators', else one object under its count names. */
export function objectUsage(r: GroupResource, obj: Obj, now: number): Map<string, Qty> {
  if (r.group === "") {
    if (r.resource === "pods") return podUsage(obj, now);
    if (r.resource === "services") return serviceUsage(obj);
    if (r.resource === "persistentvolumeclaims") return claimUsage(obj);
  }
  const out = new Map<string, Qty>([[countName(r), one()]]);
  if (r.group === "" && legacyCounted.has(r.resource)) out.set(r.resource, one());
  return out;
}

/**
 * CalculateUsage: a quota's status.used over the objects of its namespace, resource by resource
 * (`objects` gives the cached objects of a resource, undefined when none are known), for the
 * names it limits that an evaluator counts.
 */
export function quotaUsed(quota: Obj, objects: (r: GroupResource) => Iterable<Obj> | undefined, now: number): ResourceList {
  const hard = Object.keys(quota.spec?.hard ?? {});
  const used = new Map<string, Qty>();
  const counted = new Set<string>();
  for (const r of resourcesOf(hard)) {
    const names = matchingResources(r, hard);
    const items = objects(r);
    if (items === undefined) continue;
    for (const n of names) counted.add(n);
    for (const o of items) {
      if (o.metadata?.namespace !== quota.metadata?.namespace || !quotaMatches(quota, o, r)) continue;
      for (const [k, q] of objectUsage(r, o, now)) {
        if (!names.includes(k)) continue;
        const prev = used.get(k);
        used.set(k, prev ? addQuantity(prev, q) : q);
      }
    }
  }
  const out: ResourceList = {};
  // Every limited resource an evaluator counts has a used value, "0" when nothing uses it.
  for (const k of [...counted].sort()) out[k] = used.has(k) ? quantityString(used.get(k)!) : "0";
  return out;
}

/** The resources whose evaluators a quota's hard names need (pods for the compute resources), each once. */
export function resourcesOf(hard: readonly string[]): GroupResource[] {
  const out = new Map<string, GroupResource>();
  for (const k of hard) {
    const r = podResourceNames([k]).length > 0 ? PODS : resourceOfQuotaName(k);
    if (r) out.set(`${r.group}/${r.resource}`, r);
  }
  return [...out.values()];
}

