// Container resource requirements, ported from validateResourceRequirements, validateContainerResourceName,
// validateResourceName and ValidateResourceQuantityValue (pkg/apis/core/validation, v1.35) with the
// helper predicates of pkg/apis/core/helper they lean on.

import { duplicate, forbiddenField, goValue, invalidValue, notSupported, required, type FieldError, type GoValue } from "../status.js";
import { isDNS1123Label, isQualifiedName, nameIsDNSSubdomain } from "./names.js";
import { addQuantity, cmpQuantity, isWholeInMilli, parseGoQuantity, quantityString, type GoQuantity } from "./quantity.js";
import { mutant } from "../../common/mutation.js";

type Obj = any;

const quantityRegexMessage = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const standardContainerResources = new Set(["cpu", "memory", "ephemeral-storage"]);
// helper.standardResources: the names IsStandardResourceName accepts without a prefix.
const standardResources = new Set([
  "cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory", "requests.ephemeral-storage", "limits.cpu", "limits.memory",
  "limits.ephemeral-storage", "pods", "quota", "services", "replicationcontrollers", "resourcequotas", "secrets", "persistentvolumeclaims",
  "storage", "requests.storage", "services.nodeports", "services.loadbalancers", "configmaps",
]);
const integerResources = new Set(["pods", "quota", "services", "replicationcontrollers", "resourcequotas", "secrets", "configmaps", "persistentvolumeclaims", "services.nodeports", "services.loadbalancers"]);

/** helper.IsHugePageResourceName. */
export function isHugePageResourceName(name: string): boolean {
  return name.startsWith("hugepages-");
}

/** helper.IsNativeResource: unprefixed, or in the kubernetes.io domain. */
export function isNativeResource(name: string): boolean {
  return !name.includes("/") || name.includes("kubernetes.io/");
}

/** helper.IsExtendedResourceName: not native, not a quota "requests." name, and a qualified name once prefixed. */
export function isExtendedResourceName(name: string): boolean {
  if (isNativeResource(name) || name.startsWith("requests.")) return false;
  return isQualifiedName(`requests.${name}`).length === 0;
}

/** helper.IsOvercommitAllowed: native resources other than hugepages. */
export function isOvercommitAllowed(name: string): boolean {
  return isNativeResource(name) && !isHugePageResourceName(name);
}

function isIntegerResourceName(name: string): boolean {
  return integerResources.has(name) || isExtendedResourceName(name);
}

function isStandardResourceName(name: string): boolean {
  return standardResources.has(name) || name.startsWith("hugepages-") || name.startsWith("requests.hugepages-");
}

// field.Invalid prints a core.ResourceName through json.Marshal: a quoted string.
const resourceNameValue = (name: string) => name;

/** validateResourceName: a qualified name, and unprefixed names must be standard. */
export function validateResourceName(name: string, path: string): FieldError[] {
  const errs = isQualifiedName(name).map((m) => invalidValue(path, resourceNameValue(name), m));
  if (errs.length > 0) return errs;
  if (!name.includes("/") && !isStandardResourceName(name)) errs.push(invalidValue(path, resourceNameValue(name), "must be a standard resource type or fully qualified"));
  return errs;
}

/** validateContainerResourceName: standard container resources, native prefixed ones, or well-formed extended resources. */
export function validateContainerResourceName(name: string, path: string): FieldError[] {
  const errs = validateResourceName(name, path);
  if (!name.includes("/")) {
    if (!standardContainerResources.has(name) && !isHugePageResourceName(name)) errs.push(invalidValue(path, resourceNameValue(name), "must be a standard resource for containers"));
  } else if (!isNativeResource(name) && !isExtendedResourceName(name)) {
    errs.push(invalidValue(path, resourceNameValue(name), "doesn't follow extended resource name standard"));
  }
  return errs;
}

// resourcehelper.SupportedPodLevelResources (component-helpers): cpu, memory and hugepages.
const supportedPodLevelResources = ["cpu", "hugepages-", "memory"];

/** validatePodResourceName: a valid resource name that pod-level resources support. */
export function validatePodResourceName(name: string, path: string): FieldError[] {
  const errs = validateResourceName(name, path);
  if (errs.length > 0) return errs;
  if (name !== "cpu" && name !== "memory" && !name.startsWith("hugepages-")) return [notSupported(path, name, supportedPodLevelResources)];
  return [];
}

/** ValidateResourceQuantityValue: not negative, and whole for integer (extended) resources. */
export function validateResourceQuantityValue(name: string, q: GoQuantity, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (q.n < 0n) errs.push(invalidValue(path, quantityString(q), "must be greater than or equal to 0"));
  if (isIntegerResourceName(name) && !isWholeInMilli(q)) errs.push(invalidValue(path, quantityString(q), "must be an integer"));
  return errs;
}

// helper.IsHugePageResourceValueDivisible: a whole multiple of the page size the name carries.
function hugePageValueError(name: string, q: GoQuantity): string | undefined {
  const page = parseGoQuantity(name.slice("hugepages-".length));
  let divisible = false;
  if (page && page.n > 0n && isWholeInMilli(page)) {
    const value = ceilInt(q);
    const size = ceilInt(page);
    divisible = size > 0n && value % size === 0n;
  }
  return divisible ? undefined : `${quantityString(q)} is not positive integer multiple of ${name}`;
}

function ceilInt(q: GoQuantity): bigint {
  if (q.e10 >= 0) return q.n * 10n ** BigInt(q.e10);
  const d = 10n ** BigInt(-q.e10);
  return q.n / d + (q.n % d > 0n ? 1n : 0n);
}

function sortedEntries(m: unknown): [string, unknown][] {
  if (typeof m !== "object" || m === null) return [];
  return Object.keys(m).sort().map((k) => [k, (m as Record<string, unknown>)[k]]);
}

type NameCheck = (name: string, path: string) => FieldError[];

// One limit or request: its name, then its quantity (undefined when it does not parse).
function validateEntry(name: string, raw: unknown, at: string, errs: FieldError[], nameCheck: NameCheck): GoQuantity | undefined {
  errs.push(...nameCheck(name, at));
  const q = parseGoQuantity(raw);
  if (!q) errs.push(invalidValue(at, String(raw), quantityRegexMessage));
  else errs.push(...validateResourceQuantityValue(name, q, at));
  return q;
}

function validateHugePageEntry(name: string, q: GoQuantity, at: string, errs: FieldError[]): void {
  const msg = hugePageValueError(name, q);
  if (msg) errs.push(invalidValue(at, quantityString(q), msg));
}

/** validateResourceRequirements: names (a container's by default, or the pod's), quantities, requests against limits, hugepages with cpu or memory. */
export function validateResourceRequirements(res: Obj, path: string, podClaimNames: ReadonlySet<string> = new Set(), nameCheck: NameCheck = validateContainerResourceName): FieldError[] {
  const errs: FieldError[] = [];
  const limPath = `${path}.limits`;
  const reqPath = `${path}.requests`;
  const limits = new Map<string, GoQuantity>();
  const names = [...sortedEntries(res?.limits), ...sortedEntries(res?.requests)].map(([n]) => n);
  const cpuOrMemory = names.includes("cpu") || names.includes("memory");
  const hugePages = names.some(isHugePageResourceName);
  for (const [name, raw] of sortedEntries(res?.limits)) {
    const at = `${limPath}[${name}]`;
    const q = validateEntry(name, raw, at, errs, nameCheck);
    if (!q) continue;
    limits.set(name, q);
    if (isHugePageResourceName(name)) validateHugePageEntry(name, q, at, errs);
  }
  for (const [name, raw] of sortedEntries(res?.requests)) {
    const at = `${reqPath}[${name}]`;
    const q = validateEntry(name, raw, at, errs, nameCheck);
    if (!q) continue;
    const limit = limits.get(name);
    if (limit) {
      // Resources that cannot be overcommitted (hugepages, extended resources) need requests equal to limits.
      const c = cmpQuantity(q, limit);
      if (c !== 0 && !isOvercommitAllowed(name)) errs.push(invalidValue(reqPath, quantityString(q), `must be equal to ${name} limit of ${quantityString(limit)}`));
      else if (c > 0 && !mutant("validation.request-above-limit-accepted")) errs.push(invalidValue(reqPath, quantityString(q), `must be less than or equal to ${name} limit of ${quantityString(limit)}`));
    } else if (!isOvercommitAllowed(name) && !Object.hasOwn(res?.limits ?? {}, name)) {
      errs.push(required(limPath, "Limit must be set for non overcommitable resources"));
    }
    if (isHugePageResourceName(name)) validateHugePageEntry(name, q, at, errs);
  }
  if (!cpuOrMemory && hugePages) errs.push(forbiddenField(path, "HugePages require cpu or memory"));
  errs.push(...validateResourceClaimNames(res?.claims, podClaimNames, `${path}.claims`));
  return errs;
}

// Kubernetes prints an internal PodResourceClaim (no json tags) through json.Marshal.
function podResourceClaimJSON(c: Obj): GoValue {
  const str = (v: unknown) => (typeof v === "string" ? JSON.stringify(v) : "null");
  return goValue(`{"Name":${JSON.stringify(c.name ?? "")},"ResourceClaimName":${str(c.resourceClaimName)},"ResourceClaimTemplateName":${str(c.resourceClaimTemplateName)}}`);
}

/** validatePodResourceClaims: unique DNS-label names, exactly one of a claim or a claim template, both valid names. */
export function validatePodResourceClaims(claims: Obj[] | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  (claims ?? []).forEach((c, i) => {
    const at = `${path}[${i}]`;
    const name: string = c.name ?? "";
    if (!name) errs.push(required(`${at}.name`, ""));
    else if (names.has(name)) errs.push(duplicate(`${at}.name`, name));
    else {
      errs.push(...isDNS1123Label(name).map((m) => invalidValue(`${at}.name`, name, m)));
      names.add(name);
    }
    const hasClaim = typeof c.resourceClaimName === "string";
    const hasTemplate = typeof c.resourceClaimTemplateName === "string";
    if (hasClaim && hasTemplate) errs.push(invalidValue(at, podResourceClaimJSON(c), "at most one of `resourceClaimName` or `resourceClaimTemplateName` may be specified"));
    if (!hasClaim && !hasTemplate) errs.push(invalidValue(at, podResourceClaimJSON(c), "must specify one of: `resourceClaimName`, `resourceClaimTemplateName`"));
    if (hasClaim) errs.push(...nameIsDNSSubdomain(c.resourceClaimName, false).map((m) => invalidValue(`${at}.resourceClaimName`, c.resourceClaimName, m)));
    if (hasTemplate) errs.push(...nameIsDNSSubdomain(c.resourceClaimTemplateName, false).map((m) => invalidValue(`${at}.resourceClaimTemplateName`, c.resourceClaimTemplateName, m)));
  });
  return errs;
}

/** validateResourceClaimNames: a container's claims name entries of spec.resourceClaims, each once (or one request of it). */
export function validateResourceClaimNames(claims: Obj[] | undefined, podClaimNames: ReadonlySet<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (claims ?? []).forEach((c, i) => {
    const at = `${path}[${i}]`;
    const name: string = c.name ?? "";
    if (!name) {
      errs.push(required(at, ""));
      return;
    }
    if (seen.has(name)) errs.push(duplicate(at, name));
    else {
      let key = name;
      if (c.request) {
        errs.push(...isDNS1123Label(c.request).map((m) => invalidValue(`${at}.request`, c.request, m)));
        key += `/${c.request}`;
      }
      if (seen.has(key)) errs.push(duplicate(at, key));
      else if (!c.request) {
        // Claiming the whole claim overlaps any request of it claimed before.
        for (const k of seen) if (k.startsWith(`${name}/`)) errs.push(duplicate(at, name));
      }
      seen.add(key);
    }
    if (!podClaimNames.has(name)) {
      const known = [...podClaimNames].sort();
      errs.push({ type: "FieldValueNotFound", field: at, badValue: name, detail: `must be one of the names in pod.spec.resourceClaims${known.length === 0 ? " which is empty" : `: ${known.join(", ")}`}` });
    }
  });
  return errs;
}

// A resource list as quantities, keys sorted (Go ranges over maps in random order; podflow fixes one);
// values that do not parse are left out, validateResourceRequirements has reported them.
function quantities(list: unknown): [string, GoQuantity][] {
  const out: [string, GoQuantity][] = [];
  for (const [name, raw] of sortedEntries(list)) {
    const q = parseGoQuantity(raw);
    if (q) out.push([name, q]);
  }
  return out;
}

// addResourceList and maxResourceList of component-helpers: a first value is kept as given (its printed
// form too), a sum is a new quantity.
function addResourceList(into: Map<string, GoQuantity>, list: [string, GoQuantity][]): void {
  for (const [name, q] of list) {
    const have = into.get(name);
    into.set(name, have ? addQuantity(have, q) : q);
  }
}
function maxResourceList(into: Map<string, GoQuantity>, list: Map<string, GoQuantity>): void {
  for (const [name, q] of list) {
    const have = into.get(name);
    if (!have || cmpQuantity(q, have) > 0) into.set(name, q);
  }
}

/** resourcehelper.AggregateContainerRequests: app containers and sidecars add up; an init container needs its own plus the sidecars started before it. */
export function aggregateContainerRequests(spec: Obj): Map<string, GoQuantity> {
  const result = new Map<string, GoQuantity>();
  for (const c of spec.containers ?? []) addResourceList(result, quantities(c?.resources?.requests));
  const sidecars = new Map<string, GoQuantity>();
  const initMax = new Map<string, GoQuantity>();
  for (const c of spec.initContainers ?? []) {
    const own = quantities(c?.resources?.requests);
    if (c?.restartPolicy === "Always") {
      addResourceList(result, own);
      addResourceList(sidecars, own);
      maxResourceList(initMax, sidecars);
    } else {
      const combined = new Map<string, GoQuantity>();
      addResourceList(combined, own);
      addResourceList(combined, [...sidecars]);
      maxResourceList(initMax, combined);
    }
  }
  maxResourceList(result, initMax);
  return result;
}

const zeroQuantity: GoQuantity = { n: 0n, e10: 0, format: "DecimalSI", s: "" };

/** validatePodResourceConsistency: pod-level requests cover the containers' aggregate; no container limit above the pod's. */
function validatePodResourceConsistency(spec: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const podRequests = new Map(quantities(spec.resources?.requests));
  for (const [name, aggregate] of [...aggregateContainerRequests(spec)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const podRequest = podRequests.get(name) ?? zeroQuantity;
    if (cmpQuantity(aggregate, podRequest) > 0) {
      errs.push(invalidValue(`${path}.requests[${name}]`, quantityString(podRequest), `must be greater than or equal to aggregate container requests of ${quantityString(aggregate)}`));
    }
  }
  const podLimits = new Map(quantities(spec.resources?.limits));
  (spec.containers ?? []).forEach((c: Obj, i: number) => {
    for (const [name, limit] of quantities(c?.resources?.limits)) {
      const podLimit = podLimits.get(name);
      if (podLimit && cmpQuantity(limit, podLimit) > 0) {
        // Kubernetes builds this path as containers[i][name].limits under spec.resources.
        errs.push(invalidValue(`${path}.containers[${i}][${name}].limits`, quantityString(limit), `must be less than or equal to pod limits of ${quantityString(podLimit)}`));
      }
    }
  });
  return errs;
}

/** validatePodResources (PodLevelResources, beta and on in v1.35): no claims, valid pod-level requirements, consistent with the containers. */
export function validatePodResources(spec: Obj, podClaimNames: ReadonlySet<string>, path: string): FieldError[] {
  const r = spec.resources;
  if (r === undefined || r === null) return [];
  const errs: FieldError[] = [];
  if (r.claims !== undefined && r.claims !== null) errs.push(forbiddenField(`${path}.claims`, "claims cannot be set for Resources at pod-level"));
  errs.push(...validateResourceRequirements(r, path, podClaimNames, validatePodResourceName));
  errs.push(...validatePodResourceConsistency(spec, path));
  return errs;
}
