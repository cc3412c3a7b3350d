// The LimitRanger admission plugin (plugin/pkg/admission/limitranger) and the LimitRange defaults
// (SetDefaults_LimitRangeItem): a new pod's containers get the namespace's default requests and
// limits (recorded in the kubernetes.io/limit-ranger annotation), then every Container and Pod
// item's min, max and maxLimitRequestRatio is enforced, worded as Kubernetes words it.

import { addQuantity, cmpQuantity, maxMilliValue, parseGoQuantity, quantityMilliValue, quantityString, quantityValue, type GoQuantity } from "../../common/goquantity.js";
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
    // the mutant forgets that an unset default limit falls back to max
    if (!mutant("limitranger.default-limit-skips-max")) for (const [k, v] of Object.entries(item.max ?? {})) if (!Object.hasOwn(item.default, k)) item.default[k] = v;
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

// Quantities as resource.Quantity holds them: exact sums, int64 Value/MilliValue with Go's overflow.
const zero: GoQuantity = { n: 0n, e10: 0, format: "DecimalSI", i: { value: 0n, scale: 0 }, s: "" };
type Quantities = Map<string, GoQuantity>;

/** A ResourceList's quantities (validation refused a malformed one before admission). */
function quantities(list: ResourceList | undefined): Quantities {
  const out: Quantities = new Map();
  for (const [k, v] of Object.entries(list ?? {})) out.set(k, parseGoQuantity(v) ?? zero);
  return out;
}

/** requestLimitEnforcedValues: Value(), or MilliValue() when no value is past MaxMilliValue. */
function enforcedValues(req: GoQuantity, lim: GoQuantity, enforced: GoQuantity): [bigint, bigint, bigint] {
  const [r, l, e] = [quantityValue(req), quantityValue(lim), quantityValue(enforced)];
  if (r <= maxMilliValue && l <= maxMilliValue && e <= maxMilliValue) return [quantityMilliValue(req), quantityMilliValue(lim), quantityMilliValue(enforced)];
  return [r, l, e];
}

function minConstraint(type: string, name: string, enforced: GoQuantity, req: Quantities, lim: Quantities): string | undefined {
  const e = quantityString(enforced);
  const [r, l, en] = enforcedValues(req.get(name) ?? zero, lim.get(name) ?? zero, enforced);
  if (!req.has(name)) return `minimum ${name} usage per ${type} is ${e}.  No request is specified`;
  if (r < en) return `minimum ${name} usage per ${type} is ${e}, but request is ${quantityString(req.get(name)!)}`;
  if (lim.has(name) && l < en) return `minimum ${name} usage per ${type} is ${e}, but limit is ${quantityString(lim.get(name)!)}`;
  return undefined;
}

function maxConstraint(type: string, name: string, enforced: GoQuantity, req: Quantities, lim: Quantities): string | undefined {
  const e = quantityString(enforced);
  const [r, l, en] = enforcedValues(req.get(name) ?? zero, lim.get(name) ?? zero, enforced);
  if (!lim.has(name)) return `maximum ${name} usage per ${type} is ${e}.  No limit is specified`;
  if (l > en) return `maximum ${name} usage per ${type} is ${e}, but limit is ${quantityString(lim.get(name)!)}`;
  if (req.has(name) && r > en) return `maximum ${name} usage per ${type} is ${e}, but request is ${quantityString(req.get(name)!)}`;
  return undefined;
}

/** limitRequestRatioConstraint: the ratio of the int64 values as float64, against the enforced milli value when it fits. */
function ratioConstraint(type: string, name: string, enforced: GoQuantity, req: Quantities, lim: Quantities): string | undefined {
  const e = quantityString(enforced);
  const [r, l] = enforcedValues(req.get(name) ?? zero, lim.get(name) ?? zero, enforced);
  if (!req.has(name) || r === 0n) return `${name} max limit to request ratio per ${type} is ${e}, but no request is specified or request is 0`;
  if (!lim.has(name) || l === 0n) return `${name} max limit to request ratio per ${type} is ${e}, but no limit is specified or limit is 0`;
  const display = Number(l) / Number(r);
  let observed = display;
  let max = Number(quantityValue(enforced));
  if (quantityValue(enforced) <= maxMilliValue) {
    observed = observed * 1000;
    max = Number(quantityMilliValue(enforced));
  }
  // the mutant refuses a ratio equal to the maximum (>= instead of >)
  if (mutant("limitranger.ratio-at-max-refused") ? observed >= max : observed > max) return `${name} max limit to request ratio per ${type} is ${e}, but provided ratio is ${goFloatF(display)}`;
  return undefined;
}

/** fmt's %f: six decimals, and Go's spelling of the infinities and NaN. */
function goFloatF(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "+Inf" : "-Inf";
  return x.toFixed(6);
}

/** addResourceList: each quantity added to the one of its name (Quantity.Add), or taken. */
function addResourceList(list: Quantities, more: Quantities): Quantities {
  const out = new Map(list);
  for (const [k, q] of more) out.set(k, out.has(k) ? addQuantity(out.get(k)!, q) : q);
  return out;
}

/** maxResourceList: the greater of each (Quantity.Cmp). */
function maxResourceList(list: Quantities, more: Quantities): Quantities {
  const out = new Map(list);
  for (const [k, q] of more) if (!out.has(k) || cmpQuantity(q, out.get(k)!) > 0) out.set(k, q);
  return out;
}

/**
 * limitranger's podRequests / podLimits: the containers summed, sidecars (init containers that
 * restart Always) added, and every other init container (with the sidecars before it) as a floor.
 */
function podTotals(pod: Obj, field: "requests" | "limits"): Quantities {
  let total: Quantities = new Map();
  for (const c of pod.spec?.containers ?? []) total = addResourceList(total, quantities(c?.resources?.[field]));
  let sidecars: Quantities = new Map();
  let inits: Quantities = new Map();
  for (const c of pod.spec?.initContainers ?? []) {
    const own = quantities(c?.resources?.[field]);
    let counted: Quantities;
    if (c?.restartPolicy === "Always") {
      total = addResourceList(total, own);
      sidecars = addResourceList(sidecars, own);
      counted = sidecars;
    } else counted = addResourceList(own, sidecars);
    inits = maxResourceList(inits, counted);
  }
  return maxResourceList(total, inits);
}

/** PodValidateLimitFunc over every LimitRange of the namespace: the Forbidden reason, or undefined. */
export function limitRangeRefusal(pod: Obj, limitRanges: readonly Obj[]): string | undefined {
  const errs: string[] = [];
  const check = (type: string, item: Obj, req: Quantities, lim: Quantities) => {
    // Go ranges over maps in random order; podflow takes the resource names sorted.
    const each = (list: ResourceList | undefined, f: typeof minConstraint) => {
      for (const [k, q] of [...quantities(list)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        const e = f(type, k, q, req, lim);
        if (e) errs.push(e);
      }
    };
    each(item.min, minConstraint);
    each(item.max, maxConstraint);
    each(item.maxLimitRequestRatio, ratioConstraint);
  };
  const containers: Obj[] = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  for (const lr of limitRanges) {
    for (const item of lr.spec?.limits ?? []) {
      if (item?.type === "Container") for (const c of containers) check("Container", item, quantities(c.resources?.requests), quantities(c.resources?.limits));
      if (item?.type === "Pod") check("Pod", item, podTotals(pod, "requests"), podTotals(pod, "limits"));
    }
  }
  // utilerrors.NewAggregate: one error as itself, more as [a, b].
  if (errs.length === 0) return undefined;
  return errs.length === 1 ? errs[0] : `[${errs.join(", ")}]`;
}

/** maxRequestConstraint: a max held against the request alone (a PVC's limits are not the user's). */
function maxRequestConstraint(type: string, name: string, enforced: GoQuantity, req: Quantities): string | undefined {
  const e = quantityString(enforced);
  const [r, , en] = enforcedValues(req.get(name) ?? zero, zero, enforced);
  if (!req.has(name)) return `maximum ${name} usage per ${type} is ${e}.  No request is specified`;
  if (r > en) return `maximum ${name} usage per ${type} is ${e}, but request is ${quantityString(req.get(name)!)}`;
  return undefined;
}

/** PersistentVolumeClaimValidateLimitFunc over every LimitRange of the namespace: the Forbidden reason, or undefined. */
export function pvcLimitRangeRefusal(pvc: Obj, limitRanges: readonly Obj[]): string | undefined {
  const errs: string[] = [];
  const requests = quantities(pvc.spec?.resources?.requests);
  const sorted = (list: ResourceList | undefined) => [...quantities(list)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const lr of limitRanges) {
    for (const item of lr.spec?.limits ?? []) {
      if (item?.type !== "PersistentVolumeClaim") continue;
      for (const [k, q] of sorted(item.min)) { const e = minConstraint("PersistentVolumeClaim", k, q, requests, new Map()); if (e) errs.push(e); }
      for (const [k, q] of sorted(item.max)) { const e = maxRequestConstraint("PersistentVolumeClaim", k, q, requests); if (e) errs.push(e); }
    }
  }
  if (errs.length === 0) return undefined;
  return errs.length === 1 ? errs[0] : `[${errs.join(", ")}]`;
}
