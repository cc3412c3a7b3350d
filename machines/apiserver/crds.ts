// The custom resources the established CustomResourceDefinitions serve, and the status the
// apiextensions-apiserver controllers that run inside kube-apiserver give a CRD (the naming
// controller's acceptedNames and NamesAccepted, the establishing controller's Established).
//
// The registry is a value derived from the stored CRDs: it is worked out again only when the
// watch cache's CRD index is another value (immutable maps: a write to any CRD makes a new one),
// so several clusters in one process never share it and a built-in lookup costs one Map hit more.

import type { OrderedMap } from "immutable";
import { resourceFor, resourceForKind, apiVersionOf, type ResourceInfo } from "./resources.js";

type Obj = any;

/** The custom resources served now: group -> resource -> info, and apiVersion/kind -> info. */
export interface CustomRegistry {
  /** group -> resource -> its storage version's info (the first served) */
  byGroupResource: ReadonlyMap<string, ReadonlyMap<string, ResourceInfo>>;
  /** group/version/resource -> info: every served version */
  byGroupVersionResource: ReadonlyMap<string, ResourceInfo>;
  byKind: ReadonlyMap<string, ResourceInfo>;
  /** every served custom resource (one entry per served version), in CRD key order */
  all: readonly ResourceInfo[];
}

const emptyRegistry: CustomRegistry = { byGroupResource: new Map(), byGroupVersionResource: new Map(), byKind: new Map(), all: [] };

/** What a cache-like value must give for the registry to be read from it. */
export interface HasCRDs {
  byKind: OrderedMap<string, OrderedMap<string, any>>;
}

const crdKind = "CustomResourceDefinition";
const rw = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
const memo = new WeakMap<object, CustomRegistry>();

/** The registry of the established CRDs a watch cache holds. */
export function customRegistry(c: HasCRDs): CustomRegistry {
  const crds = c.byKind.get(crdKind);
  if (crds === undefined || crds.size === 0) return emptyRegistry;
  let reg = memo.get(crds);
  if (reg === undefined) memo.set(crds, (reg = buildRegistry(crds.values())));
  return reg;
}

/** Whether a CRD's condition of a type is True. */
export function isConditionTrue(crd: Obj, type: string): boolean {
  const conds = crd?.status?.conditions;
  return Array.isArray(conds) && conds.some((c: Obj) => c?.type === type && c?.status === "True");
}

function buildRegistry(crds: Iterable<Obj>): CustomRegistry {
  const byGroupResource = new Map<string, Map<string, ResourceInfo>>();
  const byKind = new Map<string, ResourceInfo>();
  const byGroupVersionResource = new Map<string, ResourceInfo>();
  const all: ResourceInfo[] = [];
  for (const crd of crds) {
    // apiextensions-apiserver serves a CRD once Established, and while it is deleted (Terminating) but for creates
    if (!isConditionTrue(crd, "Established")) continue;
    const infos = resourcesOf(crd);
    for (const r of infos) {
      all.push(r);
      let m = byGroupResource.get(r.group);
      if (m === undefined) byGroupResource.set(r.group, (m = new Map()));
      if (!m.has(r.resource)) m.set(r.resource, r);
      const gvr = `${r.group}/${r.version}/${r.resource}`;
      if (!byGroupVersionResource.has(gvr)) byGroupVersionResource.set(gvr, r);
      const gvk = `${apiVersionOf(r)}/${r.kind}`;
      if (!byKind.has(gvk)) byKind.set(gvk, r);
    }
  }
  return { byGroupResource, byGroupVersionResource, byKind, all };
}

/**
 * The resources a CRD serves, its storage version's first (the one objects are stored at): its
 * accepted names, each served version's schema, subresources and printer columns.
 */
export function resourcesOf(crd: Obj): ResourceInfo[] {
  const spec = crd.spec ?? {};
  const names = crd.status?.acceptedNames ?? spec.names ?? {};
  const versions: Obj[] = Array.isArray(spec.versions) ? spec.versions : [];
  const storage = versions.find((v) => v?.storage === true);
  const ordered = storage ? [storage, ...versions.filter((v) => v !== storage)] : versions;
  const conversion = spec.conversion?.strategy === "Webhook" ? "Webhook" : "None";
  const out: ResourceInfo[] = [];
  for (const v of ordered) {
    if (v?.served !== true) continue;
    const sub = v.subresources ?? {};
    const subresources = [...(sub.status ? ["status"] : []), ...(sub.scale ? ["scale"] : [])];
    out.push({
      kind: names.kind, resource: names.plural, singular: names.singular ?? String(names.kind ?? "").toLowerCase(),
      group: spec.group, version: v.name, namespaced: spec.scope === "Namespaced",
      shortNames: Array.isArray(names.shortNames) ? names.shortNames : [], verbs: rw, subresources,
      ...(Array.isArray(names.categories) && names.categories.length > 0 ? { categories: names.categories } : {}),
      custom: {
        crdName: crd.metadata.name, listKind: names.listKind ?? `${names.kind}List`,
        ...(v.schema?.openAPIV3Schema !== undefined ? { schema: v.schema.openAPIV3Schema } : {}),
        ...(sub.scale ? { scale: sub.scale } : {}),
        printerColumns: Array.isArray(v.additionalPrinterColumns) ? v.additionalPrinterColumns : [],
        ...(crd.metadata?.deletionTimestamp ? { terminating: true } : {}),
        storageVersion: storage?.name ?? v.name, conversion,
        ...(conversion === "Webhook" ? { webhook: { clientConfig: spec.conversion.webhook?.clientConfig ?? {}, conversionReviewVersions: Array.isArray(spec.conversion.webhook?.conversionReviewVersions) ? spec.conversion.webhook.conversionReviewVersions : [] } } : {}),
        ...(Array.isArray(v.selectableFields) && v.selectableFields.length > 0 ? { selectableFields: v.selectableFields.map((f: Obj) => String(f?.jsonPath ?? "").replace(/^\./, "")) } : {}),
        ...(v.deprecated === true ? { deprecationWarning: typeof v.deprecationWarning === "string" ? v.deprecationWarning : defaultDeprecationWarning(v.name, spec.group, names.kind, versions) } : {}),
      },
    });
  }
  return out;
}

// version.CompareKubeAwareVersionStrings: GA before beta before alpha, then higher major, then higher
// minor (v2, v1, v1beta2, v1beta1, v1alpha1), and a name of any other shape after them, by name.
const kubeVersion = /^v(\d+)(?:(alpha|beta)(\d+))?$/;
/** Positive when a has the higher priority, negative when b has, 0 when equal. */
export function compareKubeAwareVersions(a: string, b: string): number {
  if (a === b) return 0;
  const ma = kubeVersion.exec(a);
  const mb = kubeVersion.exec(b);
  if (!ma || !mb) return ma ? 1 : mb ? -1 : a < b ? 1 : -1;
  const rank = (m: RegExpExecArray) => (m[2] === undefined ? 2 : m[2] === "beta" ? 1 : 0);
  if (rank(ma) !== rank(mb)) return rank(ma) - rank(mb);
  if (ma[1] !== mb[1]) return Number(ma[1]) - Number(mb[1]);
  return Number(ma[3] ?? 0) - Number(mb[3] ?? 0);
}

/**
 * The crdHandler's warning for a deprecated version with no deprecationWarning of its own:
 * "<group>/<version> <Kind> is deprecated", and "; use <group>/<version> <Kind>" naming the
 * newest served version that is not deprecated and is newer than it (kube-aware order).
 */
function defaultDeprecationWarning(version: string, group: string, kind: string, versions: readonly Obj[]): string {
  const msg = `${group}/${version} ${kind} is deprecated`;
  const newer = versions.filter((v) => v?.served === true && v.deprecated !== true && compareKubeAwareVersions(version, v.name) < 0).map((v) => String(v.name));
  if (newer.length === 0) return msg;
  newer.sort((a, b) => compareKubeAwareVersions(b, a));
  return `${msg}; use ${group}/${newer[0]} ${kind}`;
}

/** The resource at group/version/resource: a built-in's, else the custom resource a CRD serves at that version. */
export function resourceAtVersion(c: HasCRDs, group: string, version: string, resource: string): ResourceInfo | undefined {
  return resourceFor(group, resource) ?? customRegistry(c).byGroupVersionResource.get(`${group}/${version}/${resource}`);
}

/** The resource at group/resource: a built-in one, else a custom resource an established CRD serves. */
export function resourceIn(c: HasCRDs, group: string, resource: string): ResourceInfo | undefined {
  return resourceFor(group, resource) ?? customRegistry(c).byGroupResource.get(group)?.get(resource);
}

/** The resource a kind is served as: a built-in kind, else a custom kind (at apiVersion, when given). */
export function resourceForKindIn(c: HasCRDs, kind: string, apiVersion?: string): ResourceInfo | undefined {
  // at an apiVersion a CRD serves, its kind (example.com/v1 Event) is the custom one, not core's namesake
  if (apiVersion !== undefined) {
    const custom = customRegistry(c).byKind.get(`${apiVersion}/${kind}`);
    if (custom !== undefined) return custom;
  }
  const builtIn = resourceForKind(kind);
  if (builtIn !== undefined || apiVersion !== undefined) return builtIn;
  return customRegistry(c).all.find((r) => r.kind === kind);
}

// ---- the CRD's status, as the controllers inside kube-apiserver write it ----------------------

const namesFields = ["plural", "singular", "shortNames", "kind", "listKind", "categories"] as const;

/**
 * The naming controller's verdict: the names the CRD asks for, unless another CRD of the group
 * accepted one of them (its plural, singular or a short name as a resource name; its kind or list
 * kind as a kind), and the NamesAccepted condition that says so.
 */
function acceptedNamesOf(crd: Obj, others: readonly Obj[]): { names: Obj; reason: string; message: string; accepted: boolean } {
  const want = crd.spec?.names ?? {};
  const group = crd.spec?.group;
  const taken = new Set<string>();
  const kinds = new Set<string>();
  for (const o of others) {
    if (o.metadata?.name === crd.metadata?.name || o.spec?.group !== group) continue;
    const n = o.status?.acceptedNames ?? {};
    for (const x of [n.plural, n.singular, ...(Array.isArray(n.shortNames) ? n.shortNames : [])]) if (typeof x === "string" && x !== "") taken.add(x);
    for (const x of [n.kind, n.listKind]) if (typeof x === "string" && x !== "") kinds.add(x);
  }
  const conflict = (reason: string, name: string) => ({ names: crd.status?.acceptedNames ?? {}, reason, message: `${JSON.stringify(name)} is already in use`, accepted: false });
  if (taken.has(want.plural)) return conflict("PluralConflict", want.plural);
  if (want.singular && taken.has(want.singular)) return conflict("SingularConflict", want.singular);
  for (const s of Array.isArray(want.shortNames) ? want.shortNames : []) if (taken.has(s)) return conflict("ShortNamesConflict", s);
  if (kinds.has(want.kind)) return conflict("KindConflict", want.kind);
  if (want.listKind && kinds.has(want.listKind)) return conflict("ListKindConflict", want.listKind);
  const names: Obj = {};
  for (const f of namesFields) if (want[f] !== undefined) names[f] = want[f];
  return { names, reason: "NoConflicts", message: "no conflicts found", accepted: true };
}

/** A condition with its lastTransitionTime kept while its status does not change (SetCRDCondition). */
function condition(old: Obj[], type: string, status: string, reason: string, message: string, now: string): Obj {
  const had = old.find((c) => c?.type === type);
  const at = had && had.status === status ? had.lastTransitionTime : now;
  return { type, status, lastTransitionTime: at, reason, message };
}

/**
 * The status the naming and establishing controllers leave on a CRD: acceptedNames, NamesAccepted,
 * then Established (True once the initial names are accepted, and kept True after). A CRD being
 * deleted keeps its status: the finalizer controller owns it then.
 */
export function controlledStatus(crd: Obj, others: readonly Obj[], now: string): Obj {
  const status = crd.status ?? {};
  const old: Obj[] = Array.isArray(status.conditions) ? status.conditions : [];
  if (crd.metadata?.deletionTimestamp) return status;
  const verdict = acceptedNamesOf(crd, others);
  const conds = old.filter((c) => c?.type !== "NamesAccepted" && c?.type !== "Established");
  const namesAccepted = condition(old, "NamesAccepted", verdict.accepted ? "True" : "False", verdict.reason, verdict.message, now);
  const wasEstablished = old.some((c) => c?.type === "Established" && c?.status === "True");
  const established = wasEstablished ? old.find((c) => c?.type === "Established")
    : verdict.accepted ? condition(old, "Established", "True", "InitialNamesAccepted", "the initial names have been accepted", now)
    : condition(old, "Established", "False", "NotAccepted", "not all names are accepted", now);
  return { ...status, conditions: [namesAccepted, established, ...conds], acceptedNames: verdict.names, storedVersions: status.storedVersions ?? [] };
}
