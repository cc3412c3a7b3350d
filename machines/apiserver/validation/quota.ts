// LimitRange and ResourceQuota validation, ported from pkg/apis/core/validation (v1.35):
// ValidateLimitRange, ValidateResourceQuota, ValidateResourceQuotaUpdate and
// ValidateResourceQuotaStatusUpdate, with the helper predicates of pkg/apis/core/helper they use.
// Go ranges over maps in random order; keys are visited sorted here.

import { duplicate, forbiddenField, invalidValue, required, type FieldError } from "../status.js";
import { marshalled, validateObjectMeta, validateObjectMetaUpdate } from "./meta.js";
import { fieldImmutableErrorMsg, isQualifiedName, nameIsDNSSubdomain } from "./names.js";
import { cmpQuantity, parseGoQuantity, quantityString, type GoQuantity } from "./quantity.js";
import { isOvercommitAllowed, validateContainerResourceName, validateResourceName, validateResourceQuantityValue } from "./resources.js";
import { mutant } from "../../common/mutation.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = any;

const quantityRegexMessage = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

function sortedKeys(m: unknown): string[] {
  return typeof m === "object" && m !== null && !Array.isArray(m) ? Object.keys(m).sort() : [];
}

// A quantity from a decoded object; a malformed one is a cause, never an exception.
function quantityAt(raw: unknown, path: string, errs: FieldError[]): GoQuantity | undefined {
  const q = parseGoQuantity(raw);
  if (!q) errs.push(invalidValue(path, String(raw), quantityRegexMessage));
  return q;
}

// --- LimitRange ---

const standardLimitTypes = new Set(["Pod", "Container", "PersistentVolumeClaim"]);

// validateLimitRangeTypeName: a qualified name; unprefixed ones must be standard.
function validateLimitRangeTypeName(value: string, path: string): FieldError[] {
  const errs = isQualifiedName(value).map((m) => invalidValue(path, value, m));
  if (errs.length > 0) return errs;
  if (!value.includes("/") && !standardLimitTypes.has(value)) errs.push(invalidValue(path, value, "must be a standard limit type or fully qualified"));
  return errs;
}

// validateLimitRangeResourceName: container rules for Pod and Container limits, plain resource names otherwise.
function validateLimitRangeResourceName(limitType: string, name: string, path: string): FieldError[] {
  return limitType === "Pod" || limitType === "Container" ? validateContainerResourceName(name, path) : validateResourceName(name, path);
}

// Quantity.Value() and MilliValue(): rounded up to whole units of 10^-scale.
function scaledCeil(q: GoQuantity, scale: number): bigint {
  const e = q.e10 + scale;
  if (e >= 0) return q.n * 10n ** BigInt(e);
  const d = 10n ** BigInt(-e);
  const t = q.n / d;
  return q.n % d > 0n ? t + 1n : t;
}

const MAX_MILLI_VALUE = (2n ** 63n - 1n) / 1000n;

/** ValidateLimitRange. */
export function validateLimitRange(lr: Obj): FieldError[] {
  const errs = validateObjectMeta(lr.metadata, true, nameIsDNSSubdomain);
  const types = new Set<string>();
  const limits: Obj[] = Array.isArray(lr.spec?.limits) ? lr.spec.limits : [];
  limits.forEach((limit, i) => {
    const at = `spec.limits[${i}]`;
    const type = typeof limit?.type === "string" ? limit.type : "";
    errs.push(...validateLimitRangeTypeName(type, `${at}.type`));
    if (types.has(type)) errs.push(duplicate(`${at}.type`, type));
    types.add(type);
    const keys = new Set<string>();
    const read = (field: string): Map<string, GoQuantity> => {
      const out = new Map<string, GoQuantity>();
      for (const k of sortedKeys(limit?.[field])) {
        const path = `${at}.${field}[${k}]`;
        errs.push(...validateLimitRangeResourceName(type, k, path));
        keys.add(k);
        const q = quantityAt(limit[field][k], path, errs);
        if (q) out.set(k, q);
      }
      return out;
    };
    const max = read("max");
    const min = read("min");
    let defaults = new Map<string, GoQuantity>();
    let defaultRequests = new Map<string, GoQuantity>();
    if (type === "Pod") {
      if (sortedKeys(limit?.default).length > 0) errs.push(forbiddenField(`${at}.default`, "may not be specified when `type` is 'Pod'"));
      if (sortedKeys(limit?.defaultRequest).length > 0) errs.push(forbiddenField(`${at}.defaultRequest`, "may not be specified when `type` is 'Pod'"));
    } else {
      defaults = read("default");
      defaultRequests = read("defaultRequest");
    }
    if (type === "PersistentVolumeClaim" && !Object.hasOwn(limit?.min ?? {}, "storage") && !Object.hasOwn(limit?.max ?? {}, "storage")) {
      errs.push(required(`${at}.limits`, "either minimum or maximum storage value is required, but neither was provided"));
    }
    const ratios = read("maxLimitRequestRatio");
    for (const k of [...keys].sort()) {
      const mn = min.get(k);
      const mx = max.get(k);
      const df = defaults.get(k);
      const dr = defaultRequests.get(k);
      const ratio = ratios.get(k);
      const s = quantityString;
      if (mn && mx && cmpQuantity(mn, mx) > 0) errs.push(invalidValue(`${at}.min[${k}]`, marshalled(s(mn)), `min value ${s(mn)} is greater than max value ${s(mx)}`));
      if (dr && mn && cmpQuantity(mn, dr) > 0) errs.push(invalidValue(`${at}.defaultRequest[${k}]`, marshalled(s(dr)), `min value ${s(mn)} is greater than default request value ${s(dr)}`));
      if (dr && mx && cmpQuantity(dr, mx) > 0) errs.push(invalidValue(`${at}.defaultRequest[${k}]`, marshalled(s(dr)), `default request value ${s(dr)} is greater than max value ${s(mx)}`));
      if (dr && df && cmpQuantity(dr, df) > 0) errs.push(invalidValue(`${at}.defaultRequest[${k}]`, marshalled(s(dr)), `default request value ${s(dr)} is greater than default limit value ${s(df)}`));
      if (df && mn && cmpQuantity(mn, df) > 0) errs.push(invalidValue(`${at}.default[${k}]`, marshalled(s(mn)), `min value ${s(mn)} is greater than default value ${s(df)}`));
      if (df && mx && cmpQuantity(df, mx) > 0) errs.push(invalidValue(`${at}.default[${k}]`, marshalled(s(mx)), `default value ${s(df)} is greater than max value ${s(mx)}`));
      if (ratio && cmpQuantity(ratio, { n: 1n, e10: 0, format: "DecimalSI", s: "" }) < 0) errs.push(invalidValue(`${at}.maxLimitRequestRatio[${k}]`, marshalled(s(ratio)), `ratio ${s(ratio)} is less than 1`));
      if (ratio && mn && mx) {
        // Milli precision when all three fit, as Kubernetes compares them.
        let ratioValue = Number(scaledCeil(ratio, 0));
        let minValue = scaledCeil(mn, 0);
        let maxValue = scaledCeil(mx, 0);
        if (scaledCeil(ratio, 0) < MAX_MILLI_VALUE && minValue < MAX_MILLI_VALUE && maxValue < MAX_MILLI_VALUE) {
          ratioValue = Number(scaledCeil(ratio, 3)) / 1000;
          minValue = scaledCeil(mn, 3);
          maxValue = scaledCeil(mx, 3);
        }
        const limit = Number(maxValue) / Number(minValue);
        if (ratioValue > limit) errs.push(invalidValue(`${at}.maxLimitRequestRatio[${k}]`, marshalled(s(ratio)), `ratio ${s(ratio)} is greater than max/min = ${goFloat(limit)}`));
      }
      if (!isOvercommitAllowed(k) && df && dr && cmpQuantity(df, dr) !== 0) {
        errs.push(invalidValue(`${at}.defaultRequest[${k}]`, marshalled(s(dr)), `default value ${s(df)} must equal to defaultRequest value ${s(dr)} in ${k}`));
      }
    }
  });
  return errs;
}

// fmt's %f: six decimals, +Inf for a division by zero.
function goFloat(x: number): string {
  if (x === Infinity) return "+Inf";
  if (Number.isNaN(x)) return "NaN";
  return x.toFixed(6);
}

/** The limitranges strategy's ValidateUpdate runs ValidateLimitRange alone, without the metadata update rules. */
export function validateLimitRangeUpdate(lr: Obj): FieldError[] {
  return validateLimitRange(lr);
}

// --- ResourceQuota ---

const standardQuotaResources = new Set([
  "cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory", "requests.storage", "requests.ephemeral-storage",
  "limits.cpu", "limits.memory", "limits.ephemeral-storage", "pods", "resourcequotas", "services", "replicationcontrollers",
  "secrets", "persistentvolumeclaims", "configmaps", "services.nodeports", "services.loadbalancers",
]);

// helper.IsStandardQuotaResourceName: the set above and hugepages requests or limits.
function isStandardQuotaResourceName(name: string): boolean {
  return standardQuotaResources.has(name) || name.startsWith("requests.hugepages-") || name.startsWith("limits.hugepages-");
}

const standardScopes = new Set(["Terminating", "NotTerminating", "BestEffort", "NotBestEffort", "PriorityClass", "CrossNamespacePodAffinity", "VolumeAttributesClass"]);
const podComputeResources = new Set(["cpu", "limits.cpu", "memory", "limits.memory", "requests.cpu", "requests.memory"]);

// helper.IsResourceQuotaScopeValidForResource.
function scopeValidForResource(scope: string, resource: string): boolean {
  switch (scope) {
    case "Terminating":
    case "NotTerminating":
    case "NotBestEffort":
    case "PriorityClass":
    case "CrossNamespacePodAffinity":
      return resource === "pods" || podComputeResources.has(resource);
    case "BestEffort":
      // the mutant lets BestEffort scope compute resources, which a best-effort pod never requests
      if (mutant("validation.quota-best-effort-allows-compute")) return resource === "pods" || podComputeResources.has(resource);
      return resource === "pods";
    case "VolumeAttributesClass":
      return resource === "persistentvolumeclaims" || resource === "requests.storage";
    default:
      return true;
  }
}

/** ValidateResourceQuotaResourceName: a resource name, and unprefixed ones must be standard for quota. */
function validateResourceQuotaResourceName(name: string, path: string): FieldError[] {
  const errs = validateResourceName(name, path);
  if (!name.includes("/") && !isStandardQuotaResourceName(name)) errs.push(invalidValue(path, name, "must be a standard resource for quota"));
  return errs;
}

// A hard or used list: each name, then its quantity.
function validateQuotaList(list: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const k of sortedKeys(list)) {
    const at = `${path}[${k}]`;
    errs.push(...validateResourceQuotaResourceName(k, at));
    const q = quantityAt((list as Record<string, unknown>)[k], at, errs);
    if (q) errs.push(...validateResourceQuantityValue(k, q, at));
  }
  return errs;
}

const scopesOf = (spec: Obj): string[] => (Array.isArray(spec?.scopes) ? spec.scopes.map(String) : []);
const conflictingPairs = [["BestEffort", "NotBestEffort"], ["Terminating", "NotTerminating"]];

// validateResourceQuotaScopes: known scopes that fit the hard limits, and no conflicting pair.
function validateScopes(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const scopes = scopesOf(spec);
  if (scopes.length === 0) return errs;
  const shown = marshalled(spec.scopes);
  const hard = sortedKeys(spec.hard);
  for (const scope of scopes) {
    if (!standardScopes.has(scope)) errs.push(invalidValue("spec.scopes", shown, "unsupported scope"));
    for (const k of hard) if (isStandardQuotaResourceName(k) && !scopeValidForResource(scope, k)) errs.push(invalidValue("spec.scopes", shown, "unsupported scope applied to resource"));
  }
  for (const [a, b] of conflictingPairs) if (scopes.includes(a!) && scopes.includes(b!)) errs.push(invalidValue("spec.scopes", shown, "conflicting scopes"));
  return errs;
}

const existsOnlyScopes = new Set(["BestEffort", "NotBestEffort", "Terminating", "NotTerminating", "CrossNamespacePodAffinity"]);

// validateScopedResourceSelectorRequirement over spec.scopeSelector.matchExpressions.
function validateScopeSelector(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const sel = spec?.scopeSelector;
  if (sel == null) return errs;
  const path = "spec.scopeSelector.matchExpressions";
  const hard = sortedKeys(spec.hard);
  const seen = new Set<string>();
  for (const req of Array.isArray(sel.matchExpressions) ? sel.matchExpressions : []) {
    const scope = typeof req?.scopeName === "string" ? req.scopeName : "";
    const op = typeof req?.operator === "string" ? req.operator : "";
    const values: unknown[] = Array.isArray(req?.values) ? req.values : [];
    if (!standardScopes.has(scope)) errs.push(invalidValue(`${path}.scopeName`, scope, "unsupported scope"));
    for (const k of hard) if (isStandardQuotaResourceName(k) && !scopeValidForResource(scope, k)) errs.push(invalidValue(path, marshalled(sel), "unsupported scope applied to resource"));
    if (existsOnlyScopes.has(scope) && op !== "Exists") {
      errs.push(invalidValue(`${path}.operator`, op, "must be 'Exists' when scope is any of ResourceQuotaScopeTerminating, ResourceQuotaScopeNotTerminating, ResourceQuotaScopeBestEffort, ResourceQuotaScopeNotBestEffort or ResourceQuotaScopeCrossNamespacePodAffinity"));
    }
    if (op === "In" || op === "NotIn") {
      if (values.length === 0) errs.push(required(`${path}.values`, "must be at least one value when `operator` is 'In' or 'NotIn' for scope selector"));
    } else if (op === "Exists" || op === "DoesNotExist") {
      if (values.length !== 0) errs.push(invalidValue(`${path}.values`, marshalled(values), "must be no value when `operator` is 'Exist' or 'DoesNotExist' for scope selector"));
    } else errs.push(invalidValue(`${path}.operator`, op, "not a valid selector operator"));
    seen.add(scope);
  }
  // Kubernetes shows spec.scopes (usually null) as the bad value here.
  for (const [a, b] of conflictingPairs) if (seen.has(a!) && seen.has(b!)) errs.push(invalidValue(path, marshalled(spec.scopes ?? null), "conflicting scopes"));
  return errs;
}

/** ValidateResourceQuotaSpec: hard limits, scopes, scope selector. */
function validateResourceQuotaSpec(spec: Obj): FieldError[] {
  return [...validateQuotaList(spec?.hard, "spec.hard"), ...validateScopes(spec ?? {}), ...validateScopeSelector(spec ?? {})];
}

/** ValidateResourceQuota: metadata, spec, and the status lists. */
export function validateResourceQuota(rq: Obj): FieldError[] {
  return [
    ...validateObjectMeta(rq.metadata, true, nameIsDNSSubdomain),
    ...validateResourceQuotaSpec(rq.spec),
    ...validateQuotaList(rq.status?.hard, "status.hard"),
    ...validateQuotaList(rq.status?.used, "status.used"),
  ];
}

/** ValidateResourceQuotaUpdate: metadata, spec, and scopes that never change (compared as sets). */
export function validateResourceQuotaUpdate(rq: Obj, old: Obj): FieldError[] {
  const errs = [...validateObjectMetaUpdate(rq.metadata, old.metadata), ...validateResourceQuotaSpec(rq.spec)];
  const now = new Set(scopesOf(rq.spec));
  const before = new Set(scopesOf(old.spec));
  // the mutant compares the scopes as lists: the same scopes reordered count as a change
  const changed = mutant("validation.quota-scopes-compared-in-order") ? scopesOf(rq.spec).join(",") !== scopesOf(old.spec).join(",") : now.size !== before.size || [...now].some((s) => !before.has(s));
  if (changed) errs.push(invalidValue("spec.scopes", marshalled(rq.spec?.scopes ?? null), fieldImmutableErrorMsg));
  return errs;
}

/** ValidateResourceQuotaStatusUpdate (resourcequotas/status): metadata and the status lists. */
export function validateResourceQuotaStatusUpdate(rq: Obj, old: Obj): FieldError[] {
  return [...validateObjectMetaUpdate(rq.metadata, old.metadata), ...validateQuotaList(rq.status?.hard, "status.hard"), ...validateQuotaList(rq.status?.used, "status.used")];
}
