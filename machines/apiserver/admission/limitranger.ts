// The LimitRanger admission plugin (plugin/pkg/admission/limitranger) and the LimitRange defaults
// (SetDefaults_LimitRangeItem): a new pod's containers get the namespace's default requests and
// limits (recorded in the kubernetes.io/limit-ranger annotation), then every Container and Pod
// item's min, max and maxLimitRequestRatio is enforced, worded as Kubernetes words it.

import { formatQty, milliValue, qty, addQty, canonicalQuantity, type Qty } from "../../common/quantity.js";
import { mutant } from "../../common/mutation.js";

type Obj = any;
type ResourceList = Record<string, string | number>;

const limitRangerAnnotation = "kubernetes.io/limit-ranger";

/** SetDefaults_LimitRangeItem: a Container item's default limit falls back to max, its default request to default, then min. */
export function defaultLimitRange(lr: Obj): void {
  for (const item of lr.spec?.limits ?? []) {
    if (item?.type !== "Container") continue;
    item.default = { ...(item.default ?? {}) };
    item.defaultRequest = { ...(item.defaultRequest ?? {}) };
    for (const [k, v] of Object.entries(item.max ?? {})) if (!Object.hasOwn(item.default, k)) item.default[k] = v;
    // the mutant defaults the request from min only, never from the default limit
    if (!mutant("limitranger.default-request-skips-default-limit")) for (const [k, v] of Object.entries(item.default)) if (!Object.hasOwn(item.defaultRequest, k)) item.defaultRequest[k] = v;
    for (const [k, v] of Object.entries(item.min ?? {})) if (!Object.hasOwn(item.defaultRequest, k)) item.defaultRequest[k] = v;
  }
}

/** defaultContainerResourceRequirements: the Container items' default requests and limits, the last item winning. */
function containerDefaults(limitRanges: readonly Obj[]): { requests: ResourceList; limits: ResourceList } {
  const requests: ResourceList = {};
  const limits: ResourceList = {};
  for (const lr of limitRanges) {
    for (const item of lr.spec?.limits ?? []) {
      if (item?.type !== "Container") continue;
      Object.assign(requests, item.defaultRequest ?? {});
      Object.assign(limits, item.default ?? {});
    }
  }
  return { requests, limits };
}

/** mergeContainerResources: missing requests and limits filled in; what was set, as the annotation names it. */
function mergeContainer(c: Obj, defaults: { requests: ResourceList; limits: ResourceList }, prefix: string, notes: string[]): void {
  c.resources = { ...(c.resources ?? {}) };
  const limits: ResourceList = { ...(c.resources.limits ?? {}) };
  const requests: ResourceList = { ...(c.resources.requests ?? {}) };
  const setLimits = Object.keys(defaults.limits).filter((k) => !Object.hasOwn(limits, k) || mutant("limitranger.default-overrides-set-limit")).sort();
  const setRequests = Object.keys(defaults.requests).filter((k) => !Object.hasOwn(requests, k)).sort();
  for (const k of setLimits) limits[k] = defaults.limits[k]!;
  for (const k of setRequests) requests[k] = defaults.requests[k]!;
  if (Object.keys(limits).length > 0) c.resources.limits = limits;
  if (Object.keys(requests).length > 0) c.resources.requests = requests;
  if (setRequests.length > 0) notes.push(`${setRequests.join(", ")} request for ${prefix} ${c.name}`);
  if (setLimits.length > 0) notes.push(`${setLimits.join(", ")} limit for ${prefix} ${c.name}`);
}

/** The plugin's Admit on a pod being created: every LimitRange of its namespace applies its defaults. */
export function admitLimitRanges(pod: Obj, limitRanges: readonly Obj[]): void {
  if (limitRanges.length === 0) return;
  const defaults = containerDefaults(limitRanges);
  const notes: string[] = [];
  pod.spec.containers = (pod.spec.containers ?? []).map((c: Obj) => ({ ...c }));
  for (const c of pod.spec.containers) mergeContainer(c, defaults, "container", notes);
  if (pod.spec.initContainers && !mutant("limitranger.init-containers-not-defaulted")) {
    pod.spec.initContainers = pod.spec.initContainers.map((c: Obj) => ({ ...c }));
    for (const c of pod.spec.initContainers) mergeContainer(c, defaults, "init container", notes);
  }
  if (notes.length > 0) pod.metadata.annotations = { ...(pod.metadata.annotations ?? {}), [limitRangerAnnotation]: `LimitRanger plugin set: ${notes.join("; ")}` };
}

// requestLimitEnforcedValues: compared in milli-units.
const m = (q: string | number | undefined) => (q === undefined ? 0 : milliValue(q));

function minConstraint(type: string, name: string, enforced: string | number, req: ResourceList, lim: ResourceList): string | undefined {
  const e = canonicalQuantity(enforced);
  if (!Object.hasOwn(req, name)) return `minimum ${name} usage per ${type} is ${e}.  No request is specified`;
  if (m(req[name]) < m(enforced)) return `minimum ${name} usage per ${type} is ${e}, but request is ${canonicalQuantity(req[name]!)}`;
  if (Object.hasOwn(lim, name) && m(lim[name]) < m(enforced)) return `minimum ${name} usage per ${type} is ${e}, but limit is ${canonicalQuantity(lim[name]!)}`;
  return undefined;
}

function maxConstraint(type: string, name: string, enforced: string | number, req: ResourceList, lim: ResourceList): string | undefined {
  const e = canonicalQuantity(enforced);
  if (!Object.hasOwn(lim, name)) return `maximum ${name} usage per ${type} is ${e}.  No limit is specified`;
  if (m(lim[name]) > m(enforced)) return `maximum ${name} usage per ${type} is ${e}, but limit is ${canonicalQuantity(lim[name]!)}`;
  if (Object.hasOwn(req, name) && m(req[name]) > m(enforced)) return `maximum ${name} usage per ${type} is ${e}, but request is ${canonicalQuantity(req[name]!)}`;
  return undefined;
}

function ratioConstraint(type: string, name: string, enforced: string | number, req: ResourceList, lim: ResourceList): string | undefined {
  const e = canonicalQuantity(enforced);
  const r = m(req[name]);
  const l = m(lim[name]);
  if (!Object.hasOwn(req, name) || r === 0) return `${name} max limit to request ratio per ${type} is ${e}, but no request is specified or request is 0`;
  if (!Object.hasOwn(lim, name) || l === 0) return `${name} max limit to request ratio per ${type} is ${e}, but no limit is specified or limit is 0`;
  const ratio = l / r;
  // the mutant refuses a ratio equal to the maximum (>= instead of >)
  if (mutant("limitranger.ratio-at-max-refused") ? ratio * 1000 >= m(enforced) : ratio * 1000 > m(enforced)) return `${name} max limit to request ratio per ${type} is ${e}, but provided ratio is ${ratio.toFixed(6)}`;
  return undefined;
}

/** Sum of each resource over the containers, a resource only when every container has it (limitranger's sum). */
function sum(lists: ResourceList[]): ResourceList {
  const out: ResourceList = {};
  const keys = new Set(lists.flatMap((l) => Object.keys(l)));
  for (const k of keys) {
    if (!lists.every((l) => Object.hasOwn(l, k))) continue;
    let total: Qty | undefined;
    for (const l of lists) {
      const q = qty(l[k]!);
      if (q) total = total ? addQty(total, q) : q;
    }
    if (total) out[k] = formatQty(total);
  }
  return out;
}

/** PodValidateLimitFunc over every LimitRange of the namespace: the Forbidden reason, or undefined. */
export function limitRangeRefusal(pod: Obj, limitRanges: readonly Obj[]): string | undefined {
  const errs: string[] = [];
  const check = (type: string, item: Obj, req: ResourceList, lim: ResourceList) => {
    // Go ranges over maps in random order; podflow takes the resource names sorted.
    for (const k of Object.keys(item.min ?? {}).sort()) { const e = minConstraint(type, k, item.min[k], req, lim); if (e) errs.push(e); }
    for (const k of Object.keys(item.max ?? {}).sort()) { const e = maxConstraint(type, k, item.max[k], req, lim); if (e) errs.push(e); }
    for (const k of Object.keys(item.maxLimitRequestRatio ?? {}).sort()) { const e = ratioConstraint(type, k, item.maxLimitRequestRatio[k], req, lim); if (e) errs.push(e); }
  };
  const containers: Obj[] = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  for (const lr of limitRanges) {
    for (const item of lr.spec?.limits ?? []) {
      if (item?.type === "Container") for (const c of containers) check("Container", item, c.resources?.requests ?? {}, c.resources?.limits ?? {});
      if (item?.type === "Pod") {
        const cs: Obj[] = pod.spec?.containers ?? [];
        check("Pod", item, sum(cs.map((c) => c.resources?.requests ?? {})), sum(cs.map((c) => c.resources?.limits ?? {})));
      }
    }
  }
  // utilerrors.NewAggregate: one error as itself, more as [a, b].
  if (errs.length === 0) return undefined;
  return errs.length === 1 ? errs[0] : `[${errs.join(", ")}]`;
}

/** maxRequestConstraint: a max held against the request alone (a PVC's limits are not the user's). */
function maxRequestConstraint(type: string, name: string, enforced: string | number, req: ResourceList): string | undefined {
  const e = canonicalQuantity(enforced);
  if (!Object.hasOwn(req, name)) return `maximum ${name} usage per ${type} is ${e}.  No request is specified`;
  if (m(req[name]) > m(enforced)) return `maximum ${name} usage per ${type} is ${e}, but request is ${canonicalQuantity(req[name]!)}`;
  return undefined;
}

/** PersistentVolumeClaimValidateLimitFunc over every LimitRange of the namespace: the Forbidden reason, or undefined. */
export function pvcLimitRangeRefusal(pvc: Obj, limitRanges: readonly Obj[]): string | undefined {
  const errs: string[] = [];
  const requests: ResourceList = pvc.spec?.resources?.requests ?? {};
  for (const lr of limitRanges) {
    for (const item of lr.spec?.limits ?? []) {
      if (item?.type !== "PersistentVolumeClaim") continue;
      for (const k of Object.keys(item.min ?? {}).sort()) { const e = minConstraint("PersistentVolumeClaim", k, item.min[k], requests, {}); if (e) errs.push(e); }
      for (const k of Object.keys(item.max ?? {}).sort()) { const e = maxRequestConstraint("PersistentVolumeClaim", k, item.max[k], requests); if (e) errs.push(e); }
    }
  }
  if (errs.length === 0) return undefined;
  return errs.length === 1 ? errs[0] : `[${errs.join(", ")}]`;
}
