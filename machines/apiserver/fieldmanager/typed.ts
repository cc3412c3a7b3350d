// Objects read through their schema, as structured-merge-diff's typed package reads them: the
// field set of a value, the comparison of two values, the merge of an applied configuration into
// a live object, and the removal of fields. The schema is the Go type table (schema/types.ts) with
// the list and map markers (schema/listmeta.ts) and, where a list has no +listType, its patch
// strategy (schema/patchmeta.ts), as kube-openapi's schema conversion reads them.

import { getOwn, setOwn } from "../../common/own.js";
import { deepEqual } from "../../common/equal.js";
import { NumberLiteral } from "../../common/numberliteral.js";
import { listMeta } from "../schema/listmeta.js";
import { patchMeta } from "../schema/patchmeta.js";
import { schemaData } from "../schema/schemadata.js";
import { maxKeptDepth } from "../schema/depth.js";
import { emptySet, fieldPE, isEmpty, keyPE, leafSet, pathString, SetBuilder, valuePE, type FieldSet } from "./fieldset.js";


export type Atom =
  | { k: "scalar"; scalar: "numeric" | "string" | "boolean" | "untyped" }
  /** kids: the declared fields walked so far (a memo of declaredKid) */
  | { k: "struct"; key: string; fields: Record<string, string>; atomic: boolean; kids: Map<string, Kid> }
  /** deduced: a map of no declared schema (a kind the type table lacks), each value whatever it is; elemAtom: a memo of elemOf */
  | { k: "map"; elem: string; atomic: boolean; deduced?: boolean; elemAtom?: Atom }
  /** keyHead: a memo of a one-key list-map's key element up to its value, `k:{"name":` */
  | { k: "list"; elem: string; rel: "atomic" | "set" | "map"; keys: readonly string[]; keyDefaults?: Readonly<Record<string, unknown>>; elemAtom?: Atom; keyHead?: string }
  /** a value of no declared shape (RawExtension): atomic */
  | { k: "untyped" };

// Types marked +structType=atomic (or +mapType=atomic) in k8s.io/api and apimachinery v0.35.0.
const atomicStructs = new Set([
  "meta/v1.LabelSelector", "meta/v1.OwnerReference", "autoscaling/v1.CrossVersionObjectReference",
  "core/v1.SecretReference", "core/v1.FileKeySelector", "core/v1.ObjectFieldSelector", "core/v1.ResourceFieldSelector",
  "core/v1.ConfigMapKeySelector", "core/v1.SecretKeySelector", "core/v1.NodeSelector", "core/v1.NodeSelectorTerm",
  "core/v1.TopologySelectorTerm", "core/v1.EvictionResponder", "core/v1.EndpointAddress", "core/v1.EndpointPort",
  "core/v1.ObjectReference", "core/v1.LocalObjectReference", "core/v1.TypedLocalObjectReference", "core/v1.ScopeSelector",
  "discovery/v1.EndpointPort",
]);

// Key fields with a +default: an item that omits one is keyed by the default (getAssociativeKeyDefault).
const keyDefaults: Record<string, Record<string, unknown>> = {
  "core/v1.ContainerPort": { protocol: "TCP" },
  "core/v1.ServicePort": { protocol: "TCP" },
};

const scalars: Record<string, "numeric" | "string" | "boolean"> = {
  string: "string", bool: "boolean", int: "numeric", int32: "numeric", int64: "numeric", uint8: "numeric",
  uint16: "numeric", uint32: "numeric", uint64: "numeric", float32: "numeric", float64: "numeric", byte: "numeric",
};

const cache = new Map<string, Atom>();

/** The atom of a type expression, as a field of struct `owner` named `field` declares it. */
export function resolve(expr: string, owner?: string, field?: string): Atom {
  // a type by itself (every write's root type): looked up by its expression, no key built
  if (owner === undefined && field === undefined) {
    const hit = rootCache.get(expr);
    if (hit !== undefined) return hit;
  }
  const ck = `${expr}|${owner ?? ""}|${field ?? ""}`;
  const hit = cache.get(ck);
  if (hit) return hit;
  const a = resolveUncached(expr, owner, field);
  cache.set(ck, a);
  if (owner === undefined && field === undefined) rootCache.set(expr, a);
  return a;
}

const rootCache = new Map<string, Atom>();

function resolveUncached(expr: string, owner?: string, field?: string): Atom {
  const t = expr.replace(/^\*+/, "");
  if (t === deducedType) return { k: "map", elem: deducedType, atomic: false, deduced: true };
  const lm = owner !== undefined && field !== undefined ? getOwn(listMeta[owner] ?? {}, field) : undefined;
  if (t === "[]uint8" || t === "[]byte") return { k: "scalar", scalar: "string" };
  if (t.startsWith("[]")) {
    const elem = t.slice(2);
    const pm = owner !== undefined && field !== undefined ? getOwn(patchMeta[owner] ?? {}, field) : undefined;
    let rel: "atomic" | "set" | "map" = "atomic";
    let keys: string[] = [];
    if (lm?.lt) {
      rel = lm.lt === "map" ? "map" : lm.lt === "set" ? "set" : "atomic";
      keys = lm.lk ?? [];
    } else if (pm?.ps?.split(",").includes("merge")) {
      rel = pm.pk ? "map" : "set";
      keys = pm.pk ? [pm.pk] : [];
    }
    const elemKey = elem.replace(/^\*+/, "");
    return { k: "list", elem, rel, keys, ...(keyDefaults[elemKey] ? { keyDefaults: keyDefaults[elemKey] } : {}) };
  }
  if (t.startsWith("map[")) {
    let depth = 0, i = 3;
    for (; i < t.length; i++) {
      if (t[i] === "[") depth++;
      else if (t[i] === "]" && --depth === 0) break;
    }
    return { k: "map", elem: t.slice(i + 1), atomic: lm?.mt === "atomic" };
  }
  if (Object.hasOwn(scalars, t)) return { k: "scalar", scalar: scalars[t]! };
  const def = Object.hasOwn(schemaData.types, t) ? schemaData.types[t]! : undefined;
  if (!def) return { k: "scalar", scalar: "untyped" };
  if ("fields" in def) return { k: "struct", key: t, fields: def.fields, atomic: atomicStructs.has(t) || lm?.mt === "atomic", kids: new Map() };
  if ("underlying" in def) return resolve(def.underlying, owner, field);
  if ("alias" in def) return resolve(def.alias, owner, field);
  switch (def.custom) {
    case "raw": return { k: "untyped" };
    case "intorstring": return { k: "scalar", scalar: "untyped" };
    default: return { k: "scalar", scalar: "string" };
  }
}

/** The schema of a value of no declared type: maps are granular, anything else a leaf (SMD's DeducedParseableType). */
export const deducedType = "<deduced>";

/** The type expression of a kind's object, deduced for a kind the type table lacks. */
export function rootType(kind: string): string {
  return getOwn(schemaData.roots, kind) ?? deducedType;
}

/** A field's atom, and its path element. */
interface Kid {
  atom: Atom;
  pe: string;
}

// The walks below ask for a child's atom at every node: kept on the parent's atom, so a walk
// resolves each declared field once rather than building resolve's cache key per node.
function declaredKid(a: Atom & { k: "struct" }, key: string): Kid | undefined {
  const hit = a.kids.get(key);
  if (hit !== undefined) return hit;
  const f = getOwn(a.fields, key);
  if (f === undefined) return undefined;
  const kid = { atom: resolve(f, a.key, key), pe: fieldPE(key) };
  a.kids.set(key, kid);
  return kid;
}

function atomOfChild(a: Atom & { k: "struct" | "map" }, key: string): Atom | undefined {
  return a.k === "map" ? elemOf(a) : declaredKid(a, key)?.atom;
}

/** The child of a struct or map at a key: a field the schema does not declare is untyped. */
function kidOf(a: Atom & { k: "struct" | "map" }, key: string): Kid {
  if (a.k === "struct") return declaredKid(a, key) ?? { atom: untypedAtom, pe: fieldPE(key) };
  return { atom: elemOf(a), pe: fieldPE(key) };
}

/** The atom of a list's items or a map's values. */
function elemOf(a: Atom & { k: "list" | "map" }): Atom {
  return (a.elemAtom ??= resolve(a.elem));
}

const untypedAtom: Atom = { k: "untyped" };

// an int64 past 2^53 (NumberLiteral) is a scalar
const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof NumberLiteral);

// ---- validation (typed.AsTyped) -----------------------------------------------------------

const maxErrors = 20;

/** What ObjectToTyped refuses in a value: wrong types, fields not in the schema, duplicate keys (unless allowed). */
export function validate(v: unknown, expr: string, allowDuplicates = false): string[] {
  const errs: string[] = [];
  check(v, resolve(expr), [], errs, allowDuplicates, 0);
  return errs;
}

function check(v: unknown, a: Atom, path: string[], errs: string[], dups: boolean, depth: number): void {
  if (errs.length >= maxErrors) return;
  const at = () => pathString(path);
  if (v === null || v === undefined) return;
  // typed.AsTyped walks any depth its decoder took; podflow keeps values up to maxKeptDepth
  if (depth > maxKeptDepth) {
    errs.push(`${at()}: nested too deeply`);
    return;
  }
  switch (a.k) {
    case "untyped": return;
    case "scalar":
      if (a.scalar === "numeric" && typeof v !== "number" && !(v instanceof NumberLiteral)) errs.push(`${at()}: expected numeric (int or float), got ${goTypeName(v)}`);
      else if (a.scalar === "string" && typeof v !== "string") errs.push(`${at()}: expected string, got ${goValue(v)}`);
      else if (a.scalar === "boolean" && typeof v !== "boolean") errs.push(`${at()}: expected boolean, got ${goValue(v)}`);
      else if (a.scalar === "untyped" && typeof v === "object" && !(v instanceof NumberLiteral)) errs.push(`${at()}: expected any scalar, got ${goValue(v)}`);
      return;
    case "list": {
      if (!Array.isArray(v)) {
        errs.push(`${at()}: expected list, got ${goValue(v)}`);
        return;
      }
      const elem = elemOf(a);
      const seen = new Set<string>();
      v.forEach((item, i) => {
        if (a.rel === "atomic") {
          check(item, elem, [...path, `i:${i}`], errs, dups, depth + 1);
          return;
        }
        const pe = itemPE(a, item);
        if ("error" in pe) {
          errs.push(`${at()}: element ${i}: ${pe.error}`);
          return;
        }
        if (seen.has(pe.pe) && !dups) errs.push(`${at()}: duplicate entries for key ${pathString([pe.pe])}`);
        seen.add(pe.pe);
        check(item, elem, [...path, pe.pe], errs, dups, depth + 1);
      });
      return;
    }
    case "struct":
    case "map": {
      if (a.k === "map" && a.deduced && !isMap(v)) return;
      if (!isMap(v)) {
        errs.push(`${at()}: expected map, got ${goValue(v)}`);
        return;
      }
      for (const [k, x] of Object.entries(v)) {
        const c = atomOfChild(a, k);
        if (!c) {
          errs.push(`${pathString([...path, fieldPE(k)])}: field not declared in schema`);
          continue;
        }
        check(x, c, [...path, fieldPE(k)], errs, dups, depth + 1);
      }
    }
  }
}

function goTypeName(v: unknown): string {
  return typeof v === "string" ? "string" : typeof v === "boolean" ? "bool" : Array.isArray(v) ? "[]interface {}" : "map[string]interface {}";
}

function goValue(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.length} items]`;
  if (isMap(v)) return `map[${Object.keys(v).length} keys]`;
  return String(v);
}

/** The path element of a list item: its key (list-map) or its value (set). */
export function itemPE(a: Atom & { k: "list" }, item: unknown): { pe: string } | { error: string } {
  if (a.rel === "set") {
    if (item !== null && typeof item === "object") return { error: "only scalar elements may be in a set" };
    return { pe: valuePE(item) };
  }
  if (item === null) return { error: "associative list with keys may not have a null element" };
  if (!isMap(item)) return { error: "associative list with keys may not have non-map elements" };
  const fields: [string, unknown][] = [];
  for (const k of a.keys) {
    if (Object.hasOwn(item, k)) fields.push([k, item[k]]);
    else if (a.keyDefaults && Object.hasOwn(a.keyDefaults, k)) fields.push([k, a.keyDefaults[k]]);
  }
  if (a.keys.length > 0 && fields.length === 0) return { error: `associative list with keys has an element that omits all key fields ${goStrings(a.keys)} (and doesn't have default values for any key fields)` };
  return { pe: keyPE(fields) };
}

/** itemPE's path element, or undefined where it finds an error. */
function itemKey(a: Atom & { k: "list" }, item: unknown): string | undefined {
  if (a.rel === "set") return item !== null && typeof item === "object" ? undefined : valuePE(item);
  if (!isMap(item)) return undefined;
  const keys = a.keys;
  if (keys.length === 1) {
    // keyPE of the one field, spelt out: no arrays to build and sort per item (a pod's conditions, containers)
    const k = keys[0]!;
    let v: unknown;
    if (Object.hasOwn(item, k)) v = item[k];
    else if (a.keyDefaults && Object.hasOwn(a.keyDefaults, k)) v = a.keyDefaults[k];
    else return undefined;
    return `${(a.keyHead ??= `k:{${JSON.stringify(k)}:`)}${JSON.stringify(v)}}`;
  }
  const pe = itemPE(a, item);
  return "pe" in pe ? pe.pe : undefined;
}

function goStrings(s: readonly string[]): string {
  return `[${s.map((x) => JSON.stringify(x)).join(" ")}]`;
}

// ---- field sets (ToFieldSet) --------------------------------------------------------------

/** The set of fields a value sets: leaves, atomic values, list items, map entries and empty maps. */
export function toFieldSet(v: unknown, expr: string): FieldSet {
  const b = new SetBuilder();
  walkSet(v, resolve(expr), [], b);
  return b.build();
}

function walkSet(v: unknown, a: Atom, path: string[], b: SetBuilder): void {
  switch (a.k) {
    case "scalar":
    case "untyped":
      b.insert(path);
      return;
    case "list": {
      if (a.rel === "atomic") {
        b.insert(path);
        return;
      }
      if (!Array.isArray(v)) return;
      const elem = elemOf(a);
      for (const item of v) {
        const pe = itemPE(a, item);
        if ("error" in pe) continue;
        path.push(pe.pe);
        walkSet(item, elem, path, b);
        b.insert(path);
        path.pop();
      }
      return;
    }
    case "struct":
    case "map": {
      if (a.atomic) {
        b.insert(path);
        return;
      }
      if (!isMap(v)) return;
      for (const [k, x] of Object.entries(v)) {
        const c = atomOfChild(a, k) ?? { k: "untyped" as const };
        path.push(fieldPE(k));
        walkSet(x, c, path, b);
        if (x === null || (isMap(x) && Object.keys(x).length === 0) || (a.k === "map" && !(a.deduced && isMap(x)))) b.insert(path);
        path.pop();
      }
    }
  }
}

// ---- comparison (Compare) -----------------------------------------------------------------

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/** The fields rhs adds to lhs, changes, and removes from it. */
export function compare(lhs: unknown, rhs: unknown, expr: string): Comparison {
  cmp(lhs, rhs, resolve(expr), true);
  const out = { added: rAdded ?? emptySet, modified: rModified ?? emptySet, removed: rRemoved ?? emptySet };
  rAdded = rModified = rRemoved = undefined;
  return out;
}

// What the walk below found at the node it just walked, built bottom-up: that path's node in
// each of the three sets, or undefined where it found nothing (registers: no object per node).
let rAdded: FieldSet | undefined, rModified: FieldSet | undefined, rRemoved: FieldSet | undefined;

type Building = { self: boolean; kids: Map<string, FieldSet>; asKid: undefined };
const building = (): Building => ({ self: false, kids: new Map(), asKid: undefined });

const emptyOrNull = (v: unknown) => v === undefined || v === null || (Array.isArray(v) ? v.length === 0 : isMap(v) && noKeys(v));

// The walks of compare read keys with for-in, not Object.keys: the same keys in the same order for
// the plain objects API values are (no enumerable inherited keys), without an array per object.
function noKeys(v: Record<string, unknown>): boolean {
  for (const _ in v) return false;
  return true;
}

const isAtomic = (a: Atom) => a.k === "scalar" || a.k === "untyped" || (a.k === "list" && a.rel === "atomic") || ((a.k === "struct" || a.k === "map") && a.atomic);

/**
 * compareWalker: leaves (scalars, atomic values, and containers empty on both sides) are added,
 * removed or modified; a container present on one side only is itself added or removed, besides
 * what it holds (so an Update that creates a map or list owns it, written "." in FieldsV1).
 */
function cmp(l: unknown, r: unknown, a: Atom, root: boolean): void {
  rAdded = rModified = rRemoved = undefined;
  // the same value on both sides (undefined on both included) adds, changes and removes nothing
  if (l === r) return;
  if (l === undefined) {
    rAdded = oneSided(r, a, root);
    return;
  }
  if (r === undefined) {
    rRemoved = oneSided(l, a, root);
    return;
  }
  const shapeless = a.k === "list" ? !Array.isArray(l) && !Array.isArray(r) : !isMap(l) && !isMap(r);
  if (isAtomic(a) || shapeless || (emptyOrNull(l) && emptyOrNull(r))) {
    if (!deepEqual(l, r)) rModified = leafSet;
    return;
  }
  let add: Building | undefined, mod: Building | undefined, rem: Building | undefined;
  if (a.k === "list") {
    const elem = elemOf(a);
    const paired = pairedKeys(a, l, r);
    if (paired !== undefined) {
      for (let i = 0; i < paired.length; i++) {
        const pe = paired[i];
        if (pe === undefined) continue;
        cmp((l as unknown[])[i], (r as unknown[])[i], elem, false);
        if (rAdded !== undefined) (add ??= building()).kids.set(pe, rAdded);
        if (rModified !== undefined) (mod ??= building()).kids.set(pe, rModified);
        if (rRemoved !== undefined) (rem ??= building()).kids.set(pe, rRemoved);
      }
      rAdded = add;
      rModified = mod;
      rRemoved = rem;
      return;
    }
    const lm = itemsByKey(a, l), rm = itemsByKey(a, r);
    for (const [pe, x] of lm) {
      cmp(x, rm.get(pe), elem, false);
      if (rAdded !== undefined) (add ??= building()).kids.set(pe, rAdded);
      if (rModified !== undefined) (mod ??= building()).kids.set(pe, rModified);
      if (rRemoved !== undefined) (rem ??= building()).kids.set(pe, rRemoved);
    }
    for (const [pe, x] of rm) {
      if (lm.has(pe)) continue;
      const k = oneSided(x, elem, false);
      if (k !== undefined) (add ??= building()).kids.set(pe, k);
    }
  } else if (a.k === "struct" || a.k === "map") {
    const lo = isMap(l) ? l : {}, ro = isMap(r) ? r : {};
    for (const k in lo) {
      const rk = Object.hasOwn(ro, k) ? ro[k] : undefined;
      // An object's top-level field equal on both sides (a status write's spec) is not walked by schema.
      if (root && sameJSON(lo[k], rk)) continue;
      const c = kidOf(a, k);
      cmp(lo[k], rk, c.atom, false);
      if (rAdded !== undefined) (add ??= building()).kids.set(c.pe, rAdded);
      if (rModified !== undefined) (mod ??= building()).kids.set(c.pe, rModified);
      if (rRemoved !== undefined) (rem ??= building()).kids.set(c.pe, rRemoved);
    }
    for (const k in ro) {
      if (Object.hasOwn(lo, k)) continue;
      const c = kidOf(a, k);
      const x = oneSided(ro[k], c.atom, false);
      if (x !== undefined) (add ??= building()).kids.set(c.pe, x);
    }
  }
  rAdded = add;
  rModified = mod;
  rRemoved = rem;
}

/**
 * cmp of a value against nothing (added, or removed on the other side): its leaves, and every
 * container below the top level, are members.
 */
function oneSided(v: unknown, a: Atom, root: boolean): FieldSet | undefined {
  if (v === undefined) return undefined;
  const shapeless = a.k === "list" ? !Array.isArray(v) : !isMap(v);
  if (isAtomic(a) || shapeless || emptyOrNull(v)) return leafSet;
  let node: Building | undefined;
  if (a.k === "list") {
    const elem = elemOf(a);
    let seen: Set<string> | undefined;
    for (const x of v as unknown[]) {
      const pe = itemKey(a, x);
      if (pe === undefined) continue;
      // the first item of a key stands for it
      if (seen === undefined) seen = new Set();
      else if (seen.has(pe)) continue;
      seen.add(pe);
      const k = oneSided(x, elem, false);
      if (k !== undefined) (node ??= building()).kids.set(pe, k);
    }
  } else if (a.k === "struct" || a.k === "map") {
    const o = v as Record<string, unknown>;
    for (const k in o) {
      const c = kidOf(a, k);
      const x = oneSided(o[k], c.atom, false);
      if (x !== undefined) (node ??= building()).kids.set(c.pe, x);
    }
  }
  if (root) return node;
  if (node === undefined) return leafSet;
  node.self = true;
  return node;
}

/**
 * When two short lists hold the same keys in the same order (most writes), the path element of
 * each index, undefined for an item without one and for a key seen before (the first item of a
 * key stands for it); else undefined, and the lists are matched by key.
 */
function pairedKeys(a: Atom & { k: "list" }, l: unknown, r: unknown): (string | undefined)[] | undefined {
  if (!Array.isArray(l) || !Array.isArray(r) || l.length !== r.length || l.length > 16) return undefined;
  const out: (string | undefined)[] = [];
  for (let i = 0; i < l.length; i++) {
    const pe = itemKey(a, l[i]);
    if (pe !== (l[i] === r[i] ? pe : itemKey(a, r[i]))) return undefined;
    out.push(pe !== undefined && out.includes(pe) ? undefined : pe);
  }
  return out;
}

/** A list's items by their path element, the first of each key (items without one left out). */
function itemsByKey(a: Atom & { k: "list" }, v: unknown): Map<string, unknown> {
  const m = new Map<string, unknown>();
  if (!Array.isArray(v)) return m;
  for (const x of v) {
    const pe = itemKey(a, x);
    if (pe !== undefined && !m.has(pe)) m.set(pe, x);
  }
  return m;
}

/** Equal as JSON (own keys only; a key holding undefined is absent): cmp of the two finds nothing. */
function sameJSON(x: unknown, y: unknown): boolean {
  if (x === y) return true;
  if (typeof x !== "object" || typeof y !== "object" || x === null || y === null) return false;
  if (Array.isArray(x)) {
    if (!Array.isArray(y) || x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!sameJSON(x[i], y[i])) return false;
    return true;
  }
  if (Array.isArray(y)) return false;
  let n = 0;
  for (const k in x) {
    const v = (x as Record<string, unknown>)[k];
    if (v === undefined) continue;
    n++;
    if (!Object.hasOwn(y, k) || !sameJSON(v, (y as Record<string, unknown>)[k])) return false;
  }
  for (const k in y) if ((y as Record<string, unknown>)[k] !== undefined) n--;
  return n === 0;
}

// Slices, maps and pointers whose JSON tag has no omitempty (the OpenAPI required marker in
// k8s.io/api v0.35.0): a new object's zero value holds them as null rather than leaving them out.
const nullWhenZero = new Set([
  "apps/v1.DaemonSetSpec.selector", "apps/v1.DeploymentSpec.selector", "apps/v1.ReplicaSetSpec.selector",
  "batch/v1.PodFailurePolicy.rules", "batch/v1.PodFailurePolicyOnExitCodesRequirement.values", "batch/v1.SuccessPolicy.rules",
  "core/v1.NodeSelector.nodeSelectorTerms", "core/v1.PodSpec.containers", "discovery/v1.Endpoint.addresses", "discovery/v1.EndpointSlice.endpoints",
]);

/**
 * The zero value of a type as the unstructured converter writes a new object (scheme.New): struct
 * fields as objects, slices, maps and pointers left out unless their tag keeps them (as null).
 * A create is compared against it.
 */
export function zeroValue(expr: string, depth = 0): unknown {
  const a = resolve(expr);
  if (a.k !== "struct" || depth > 20) return undefined;
  const out: Record<string, unknown> = {};
  for (const [f, t] of Object.entries(a.fields)) {
    if (nullWhenZero.has(`${a.key}.${f}`)) out[f] = null;
    else if (!t.startsWith("*") && !t.startsWith("[]") && !t.startsWith("map[")) {
      const c = resolve(t, a.key, f);
      if (c.k === "struct" && !c.atomic) out[f] = zeroValue(t, depth + 1);
    }
  }
  return out;
}

// ---- merge (Merge) ------------------------------------------------------------------------

/** The live value with the applied configuration merged in: rhs wins, granular maps and lists merge by key. */
export function merge(lhs: unknown, rhs: unknown, expr: string): unknown {
  return mergeValue(lhs, rhs, resolve(expr));
}

function mergeValue(l: unknown, r: unknown, a: Atom): unknown {
  if (r === undefined) return l;
  if (l === undefined || r === null || l === null) return r;
  switch (a.k) {
    case "scalar":
    case "untyped":
      return r;
    case "list":
      if (a.rel === "atomic" || !Array.isArray(l) || !Array.isArray(r)) return r;
      return mergeList(l, r, a);
    case "struct":
    case "map": {
      if (a.atomic || !isMap(l) || !isMap(r)) return r;
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(l)) setOwn(out, k, l[k]);
      for (const k of Object.keys(r)) {
        const c = atomOfChild(a, k) ?? { k: "untyped" as const };
        setOwn(out, k, mergeValue(Object.hasOwn(l, k) ? l[k] : undefined, r[k], c));
      }
      return out;
    }
  }
}

/** visitListItems: the live order, with the applied items merged in place and new ones placed by the applied order. */
function mergeList(l: unknown[], r: unknown[], a: Atom & { k: "list" }): unknown[] {
  const elem = elemOf(a);
  const pes = (xs: unknown[]) => xs.map((x) => { const p = itemPE(a, x); return "pe" in p ? p.pe : `?${JSON.stringify(x)}`; });
  const lPE = pes(l), rPE = pes(r);
  const lIdx = new Map<string, number>(), rIdx = new Map<string, number>();
  lPE.forEach((p, i) => { if (!lIdx.has(p)) lIdx.set(p, i); });
  rPE.forEach((p, i) => { if (!rIdx.has(p)) rIdx.set(p, i); });
  const sharedOrder = rPE.filter((p) => lIdx.has(p));
  let next: string | undefined = sharedOrder.shift();
  const merged = new Set<string>();
  const out: unknown[] = [];
  const mergeItem = (p: string) => {
    const lv = lIdx.has(p) ? l[lIdx.get(p)!] : undefined;
    out.push(mergeValue(lv, r[rIdx.get(p)!], elem));
  };
  let li = 0, ri = 0;
  while (li < l.length || ri < r.length) {
    if (li < l.length && ri < r.length) {
      const pe = lPE[li]!;
      if (pe === rPE[ri]) {
        merged.add(pe);
        mergeItem(pe);
        li++, ri++;
        next = sharedOrder.shift();
        continue;
      }
      if (rIdx.has(pe) && next !== undefined && next !== pe) {
        li++;
        continue;
      }
    }
    if (li < l.length) {
      const pe = lPE[li]!;
      if (!rIdx.has(pe)) {
        out.push(l[li]);
        li++;
        continue;
      } else if (merged.has(pe)) li++;
    }
    if (ri < r.length) {
      const pe = rPE[ri]!;
      merged.add(pe);
      mergeItem(pe);
      ri++;
      if (next !== undefined && next === pe) next = sharedOrder.shift();
    }
  }
  return out;
}

// ---- removal (RemoveItems, EnsureNamedFieldsAreMembers) -----------------------------------

/** The value without the members of `set` (a container emptied by it becomes absent). */
export function removeItems(v: unknown, set: FieldSet, expr: string): unknown {
  return remove(v, set, resolve(expr));
}

function remove(v: unknown, set: FieldSet, a: Atom): unknown {
  if (isEmpty(set)) return v;
  if (a.k === "list") {
    if (a.rel === "atomic" || !Array.isArray(v) || v.length === 0) return v;
    const elem = elemOf(a);
    const out: unknown[] = [];
    for (const item of v) {
      const p = itemPE(a, item);
      const sub = "pe" in p ? set.kids.get(p.pe) : undefined;
      if (sub?.self) continue;
      out.push(sub ? remove(item, sub, elem) : item);
    }
    return out.length > 0 ? out : undefined;
  }
  if ((a.k === "struct" || a.k === "map") && !a.atomic && isMap(v) && Object.keys(v).length > 0) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) {
      const sub = set.kids.get(fieldPE(k));
      if (sub?.self) continue;
      const c = atomOfChild(a, k) ?? { k: "untyped" as const };
      const x = sub ? remove(v[k], sub, c) : v[k];
      if (x !== undefined) setOwn(out, k, x);
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
  return v;
}

/** The set with each struct field that has members below it made a member too. */
export function ensureNamedFieldsAreMembers(set: FieldSet, expr: string): FieldSet {
  return ensure(set, resolve(expr));
}

function ensure(set: FieldSet, a: Atom): FieldSet {
  if (set.kids.size === 0) return set;
  const kids = new Map<string, FieldSet>();
  for (const [pe, sub] of set.kids) {
    let c: Atom = { k: "untyped" };
    let named = false;
    if (a.k === "struct" && pe.startsWith("f:")) {
      const ct = atomOfChild(a, pe.slice(2));
      if (ct) c = ct, named = true;
    } else if (a.k === "map" && pe.startsWith("f:")) c = elemOf(a);
    else if (a.k === "list") c = elemOf(a);
    const e = ensure(sub, c);
    kids.set(pe, named && !e.self ? { self: true, kids: e.kids } : e);
  }
  return { self: set.self, kids };
}

export { emptySet };
