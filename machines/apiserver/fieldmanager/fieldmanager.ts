// Server-side apply and field ownership, as kube-apiserver v1.35's field manager does it
// (k8s.io/apimachinery/pkg/util/managedfields/internal over sigs.k8s.io/structured-merge-diff):
// metadata.managedFields decoded into one field set per manager, an Update recording what a write
// changed for the manager that wrote it, an Apply merging a configuration into the live object with
// conflicts against the other managers, and the entries encoded back, sorted and capped.
// Pure functions: every input is left as it was.

import type { Status } from "kubernetes-types/meta/v1";
import { copyWith, getOwn, setOwn } from "../../common/own.js";
import { deepFreeze, isDeepFrozen, isMarkedFrozen } from "../../common/equal.js";
import {
  difference, emptySet, equalSets, fieldPE, fromFieldsV1, intersection, isEmpty, members, pathString,
  recursiveDifference, setOf, sharedWith, toFieldsV1, union, type FieldSet,
} from "./fieldset.js";
import { compare, ensureNamedFieldsAreMembers, merge, removeItems, toFieldSet, validate, zeroValue } from "./typed.js";
import { mutant } from "../../common/mutation.js";


export interface ManagerEntry {
  manager: string;
  operation: "Apply" | "Update";
  apiVersion: string;
  subresource?: string;
  /** RFC 3339, seconds */
  time?: string;
  set: FieldSet;
}

/** Manager identifier (BuildManagerIdentifier) -> its entry. */
export type Managed = ReadonlyMap<string, ManagerEntry>;

export const lastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration";
/** DefaultMaxUpdateManagers */
export const maxUpdateManagers = 10;
export const fieldManagerMaxLength = 128;

/** The JSON of the entry without its fields, type and time (and apiVersion for an applier), as json.Marshal orders it. */
export function managerId(e: { manager: string; operation: string; apiVersion?: string; subresource?: string }): string {
  const o: Record<string, string> = {};
  if (e.manager) o.manager = e.manager;
  if (e.operation) o.operation = e.operation;
  if (e.operation !== "Apply" && e.apiVersion) o.apiVersion = e.apiVersion;
  if (e.subresource) o.subresource = e.subresource;
  return JSON.stringify(o);
}

/** managerId of an Update by `manager` at `apiVersion` through `subresource` ("" for none). */
export function updaterId(manager: string, apiVersion: string, subresource: string): string {
  // every write asks it of one of a few writers: kept by its parts. Bounded: past `updaterIdCap` it starts over.
  let byVersion = updaterIds.get(manager);
  if (byVersion === undefined) {
    if (updaterIds.size >= updaterIdCap) updaterIds.clear();
    updaterIds.set(manager, (byVersion = new Map()));
  }
  // length-prefixed: no two pairs spell the same key
  const key = `${subresource.length}:${subresource}${apiVersion}`;
  let id = byVersion.get(key);
  if (id === undefined) {
    if (byVersion.size >= updaterIdCap) byVersion.clear();
    byVersion.set(key, (id = managerId({ manager, operation: "Update", apiVersion, subresource })));
  }
  return id;
}

/** managerId of an entry; an Update's is the one string updaterId keeps, not a copy per stored version. */
function entryId(e: ManagerEntry): string {
  return e.operation === "Update" ? updaterId(e.manager, e.apiVersion, e.subresource ?? "") : managerId(e);
}

const updaterIds = new Map<string, Map<string, string>>();
const updaterIdCap = 1024;

export class ManagedFieldsError extends Error {}

/** A memo that keeps the last `cap` keys it was given (first in, first out), by identity. */
class Recent<K, V> {
  private readonly m = new Map<K, V>();
  constructor(private readonly cap: number) {}
  get(k: K): V | undefined {
    return this.m.get(k);
  }
  set(k: K, v: V): void {
    if (!this.m.has(k) && this.m.size >= this.cap) this.m.delete(this.m.keys().next().value as K);
    this.m.set(k, v);
  }
}

const decodedCap = 512;

// A stored object's managedFields are a value the object's next write decodes again: decoded once,
// by identity (entries and sets are never changed in place), and stripped of the fields the API
// server owns once too. A memo only: results are the same without it. Bounded: kept for every
// stored version, the entries cost ~1.5 KiB per object for as long as the version lives, while
// the next write of an object comes soon after its last (a pod's binding and status writes) or
// not for a long time; past `decodedCap` lists the oldest goes, and a list met again after that
// decodes from its JSON, whose sets fromFieldsV1 keeps by the JSON's (shared) subtrees.
const decodedByList = new Recent<object, { decoded: ReadonlyMap<string, ManagerEntry>; stripped?: ReadonlyMap<string, ManagerEntry> }>(decodedCap);

/** DecodeManagedFields: the entries of metadata.managedFields, or ManagedFieldsError for what it refuses. */
export function decodeManagedFields(list: unknown): Map<string, ManagerEntry> {
  return new Map(decoded(list));
}

// What an absent list decodes to (every create's): one empty map, read only.
const noEntries: ReadonlyMap<string, ManagerEntry> = new Map();

function decoded(list: unknown): ReadonlyMap<string, ManagerEntry> {
  if (list === undefined || list === null) return noEntries;
  if (!Array.isArray(list)) return decodeUncached(list);
  const hit = decodedByList.get(list);
  if (hit) return hit.decoded;
  const m = decodeUncached(list, isMarkedFrozen(list));
  decodedByList.set(list, { decoded: m });
  return m;
}

/** The decoded entries without the fields the API server owns (read only). */
function decodedStripped(list: unknown): ReadonlyMap<string, ManagerEntry> {
  const m = decoded(list);
  if (!Array.isArray(list)) return m.size === 0 ? m : stripped(m);
  const memo = decodedByList.get(list);
  // evicted while decoding (a cap of a few lists): stripped again, as without the memo
  if (memo === undefined) return m.size === 0 ? m : stripped(m);
  return (memo.stripped ??= stripped(m));
}

/**
 * The entries of a list (DecodeManagedFields). `stored`: the list is a stored version's
 * (deep-frozen), so an entry decoded from an element the encoder made keeps that element, as the
 * memo's entries do: a write that leaves the entry alone stores the very element (and list) again.
 */
function decodeUncached(list: unknown, stored = false): Map<string, ManagerEntry> {
  const out = new Map<string, ManagerEntry>();
  if (list === undefined || list === null) return out;
  if (!Array.isArray(list)) throw new ManagedFieldsError("managedFields must be a list");
  list.forEach((e: unknown, i) => {
    if (e === null || typeof e !== "object" || Array.isArray(e)) throw new ManagedFieldsError(`managed fields entry ${i} is not an object`);
    const get = (k: string) => getOwn(e as Record<string, unknown>, k);
    const operation = get("operation");
    if (operation !== "Apply" && operation !== "Update") throw new ManagedFieldsError("operation must be `Apply` or `Update`");
    const apiVersion = get("apiVersion");
    if (typeof apiVersion !== "string" || apiVersion.length < 1) throw new ManagedFieldsError("apiVersion must not be empty");
    const fieldsType = get("fieldsType");
    if (fieldsType === undefined || fieldsType === "") throw new ManagedFieldsError(`missing fieldsType in managed fields entry ${i}`);
    if (fieldsType !== "FieldsV1") throw new ManagedFieldsError(`invalid fieldsType ${JSON.stringify(String(fieldsType))} in managed fields entry ${i}`);
    const manager = get("manager") ?? "", subresource = get("subresource") ?? "", time = get("time");
    if (typeof manager !== "string" || typeof subresource !== "string" || (time !== undefined && time !== null && typeof time !== "string")) throw new ManagedFieldsError(`managed fields entry ${i} is malformed`);
    const fields = get("fieldsV1");
    let set: FieldSet;
    try {
      set = fields === undefined || fields === null ? emptySet : fromFieldsV1(fields);
    } catch (err) {
      throw new ManagedFieldsError(`error decoding versioned set: ${(err as Error).message}`);
    }
    const entry: ManagerEntry = { manager, operation, apiVersion, set };
    if (subresource) entry.subresource = subresource;
    if (typeof time === "string") entry.time = time;
    const id = entryId(entry);
    if (stored && isEncodedElement(e as Record<string, unknown>, entry)) encodedByEntry.set(entry, { manager, operation, apiVersion, time: entry.time, subresource: entry.subresource, set, el: e as Record<string, unknown>, decoded: entry, id });
    out.set(id, entry);
  });
  return out;
}

/** True when `el` is what encodedElement makes of `e`: its keys in that order, its values, its FieldsV1 the set's own. */
function isEncodedElement(el: Record<string, unknown>, e: ManagerEntry): boolean {
  if (asDecoded(e) !== e) return false;
  const keys = Object.keys(el);
  let i = 0;
  if (keys[i++] !== "manager" || keys[i++] !== "operation" || keys[i++] !== "apiVersion") return false;
  if (e.time && keys[i++] !== "time") return false;
  if (keys[i++] !== "fieldsType" || keys[i++] !== "fieldsV1") return false;
  if (e.subresource && keys[i++] !== "subresource") return false;
  return i === keys.length && el.fieldsV1 === toFieldsV1(e.set);
}

/**
 * EncodeObjectManagedFields (deep-frozen): the entries, Apply before Update, then by time, manager,
 * apiVersion, subresource. `remember`: the list is kept with what it decodes to (the entries with
 * the very sets they were encoded from), and also as its stripped entries when the caller says
 * every set is stripped already (`stripped`). `prior`: the list the entries were decoded from,
 * returned itself (deep-frozen) when the encoding is its very elements in its order.
 */
export function encodeManagedFields(managed: Managed, remember = true, isStripped = false, prior?: unknown): any[] {
  const entries = [...managed.values()].filter((e) => !isEmpty(e.set));
  // each entry's time parsed once, not per comparison
  const at = new Map<ManagerEntry, number>();
  for (const e of entries) at.set(e, secs(e.time));
  entries.sort((p, q) => {
    if (p.operation !== q.operation) return p.operation < q.operation ? -1 : 1;
    if (at.get(p) !== at.get(q)) return at.get(p)! - at.get(q)!;
    if (p.manager !== q.manager) return p.manager < q.manager ? -1 : 1;
    if (p.apiVersion !== q.apiVersion) return p.apiVersion < q.apiVersion ? -1 : 1;
    const ps = p.subresource ?? "", qs = q.subresource ?? "";
    return ps < qs ? -1 : ps > qs ? 1 : 0;
  });
  // deep-frozen: admission shares it rather than copying it, so the next write decodes nothing
  if (!remember) return entries.length === 1 ? oneEntryList(entries[0]!) : deepFreeze(entries.map((e) => encodedElement(e)));
  const memos = entries.map(encodedEntry);
  // a write that changed no entry (a status write within the second that owns nothing new) keeps the list
  if (Array.isArray(prior) && prior.length === memos.length && memos.every((m, i) => m.el === prior[i]) && isDeepFrozen(prior)) return prior;
  const list = deepFreeze(memos.map((m) => m.el));
  rememberDecoded(list, memos, isStripped);
  return list;
}

/**
 * What decoding the list just encoded gives, kept by the list's identity: the entries as
 * decodeUncached builds them (decodedElement). A list with a set that has the empty path as a
 * member (which FieldsV1 cannot spell), or an entry decoding refuses, is left to be decoded.
 */
function rememberDecoded(list: readonly Record<string, unknown>[], memos: readonly EncodedMemo[], isStripped: boolean): void {
  const m = new Map<string, ManagerEntry>();
  for (const e of memos) {
    // what decodeUncached would refuse is left to it
    const d = e.decoded;
    if (d.set.self || (d.operation !== "Apply" && d.operation !== "Update") || typeof d.apiVersion !== "string" || d.apiVersion === "" || typeof d.manager !== "string") return;
    const back = decodedElement(e);
    m.set(back.id, back.entry);
  }
  decodedByList.set(list, isStripped ? { decoded: m, stripped: m } : { decoded: m });
}

// An element's decoded entry, made once per element (elements are shared by the versions that keep
// the entry), with the set its FieldsV1 decodes to (fromFieldsV1: one set per shared FieldsV1,
// not every writer's own); the entry keeps the element when encoded again.
const decodedByElement = new Recent<object, { entry: ManagerEntry; id: string }>(4 * decodedCap);

function decodedElement(memo: EncodedMemo): { entry: ManagerEntry; id: string } {
  let back = decodedByElement.get(memo.el);
  if (back === undefined) {
    const d = memo.decoded;
    const set = fromFieldsV1(memo.el.fieldsV1);
    const entry = set === d.set ? d : withSet(d, set);
    back = { entry, id: memo.id };
    decodedByElement.set(memo.el, back);
    if (entry !== d) encodedByEntry.set(entry, { ...memo, set, decoded: entry });
  }
  return back;
}

/** The entry as decoding its element makes it: the entry itself when it already is. */
function asDecoded(e: ManagerEntry): ManagerEntry {
  const sub = e.subresource, time = e.time;
  if (sub !== "" && time !== "") return e;
  const d: ManagerEntry = { manager: e.manager, operation: e.operation, apiVersion: e.apiVersion, set: e.set };
  if (sub) d.subresource = sub;
  if (time) d.time = time;
  return d;
}

// An entry a write left as it was (every manager's but the writer's) keeps its element, its
// decoded form and its identifier: by the entry's identity, checked against what they were made of. A memo only.
interface EncodedMemo {
  readonly manager: string;
  readonly operation: string;
  readonly apiVersion: string;
  readonly time: string | undefined;
  readonly subresource: string | undefined;
  readonly set: FieldSet;
  readonly el: Record<string, unknown>;
  readonly decoded: ManagerEntry;
  readonly id: string;
}
const encodedByEntry = new WeakMap<ManagerEntry, EncodedMemo>();

function encodedEntry(e: ManagerEntry): EncodedMemo {
  const hit = encodedByEntry.get(e);
  if (hit !== undefined && hit.set === e.set && hit.time === e.time && hit.manager === e.manager && hit.operation === e.operation && hit.apiVersion === e.apiVersion && hit.subresource === e.subresource) return hit;
  const decoded = asDecoded(e);
  const memo: EncodedMemo = { manager: e.manager, operation: e.operation, apiVersion: e.apiVersion, time: e.time, subresource: e.subresource, set: e.set, el: encodedElement(e), decoded, id: entryId(decoded) };
  encodedByEntry.set(e, memo);
  return memo;
}

function encodedElement(e: ManagerEntry, fieldsV1 = toFieldsV1(e.set)): Record<string, unknown> {
  const el: Record<string, unknown> = { manager: e.manager, operation: e.operation, apiVersion: e.apiVersion };
  if (e.time) el.time = e.time;
  el.fieldsType = "FieldsV1";
  el.fieldsV1 = fieldsV1;
  if (e.subresource) el.subresource = e.subresource;
  return el;
}

// Creates not kept for decoding (Events) by one manager, of one shape and within one second,
// encode to equal lists: the last list of each manager is shared by the next equal one. A memo
// only (lists are deep-frozen values). Bounded: past `lastListCap` managers it starts over.
const lastList = new Map<string, readonly [ManagerEntry, Record<string, unknown>, any[]]>();
const lastListCap = 1024;

/** The deep-frozen list of one entry's element, not kept for decoding. */
function oneEntryList(e: ManagerEntry): any[] {
  const fieldsV1 = toFieldsV1(e.set);
  const hit = lastList.get(e.manager);
  if (hit !== undefined) {
    const [p, f, list] = hit;
    if (f === fieldsV1 && p.operation === e.operation && p.apiVersion === e.apiVersion && (p.time || undefined) === (e.time || undefined) && (p.subresource || undefined) === (e.subresource || undefined)) return list;
  }
  const list = deepFreeze([encodedElement(e, fieldsV1)]);
  if (lastList.size >= lastListCap) lastList.clear();
  lastList.set(e.manager, [e, fieldsV1, list]);
  return list;
}

// The fields the API server owns (stripMetaManager): never recorded for any manager.
const stripSet = setOf([["f:apiVersion"], ["f:kind"], ["f:metadata"], ...["name", "namespace", "creationTimestamp", "selfLink", "uid", "clusterName", "generation", "managedFields", "resourceVersion"].map((f) => ["f:metadata", fieldPE(f)])]);

function stripped(m: ReadonlyMap<string, ManagerEntry>): Map<string, ManagerEntry> {
  const out = new Map<string, ManagerEntry>();
  for (const [id, e] of m) {
    const set = difference(e.set, stripSet);
    if (!isEmpty(set)) out.set(id, set === e.set ? e : withSet(e, set));
  }
  return out;
}

/** The entry with another set. */
function withSet(e: ManagerEntry, set: FieldSet): ManagerEntry {
  const out: ManagerEntry = { manager: e.manager, operation: e.operation, apiVersion: e.apiVersion, set };
  if (e.subresource !== undefined) out.subresource = e.subresource;
  if (e.time !== undefined) out.time = e.time;
  return out;
}

/** The request's manager name: its fieldManager, else its User-Agent up to the first "/" (managerOrUserAgent). */
export function managerOrUserAgent(fieldManager: string | undefined, userAgent: string | undefined): string {
  if (fieldManager) return fieldManager;
  let out = "";
  for (const ch of (userAgent ?? "").split("/")[0]!) {
    if (!isPrintable(ch)) continue;
    if (Buffer.byteLength(out + ch) > fieldManagerMaxLength) break;
    out += ch;
  }
  return out;
}

/** unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
export function isPrintable(ch: string): boolean {
  return /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(ch);
}

/** What a write's options say of the manager and where it writes. */
export interface WriteContext {
  /** the object's type expression (schema/types.ts) */
  type: string;
  apiVersion: string;
  manager: string;
  /** "" for the main resource */
  subresource: string;
  /** RFC 3339 of the request */
  now: string;
  /** fields the endpoint resets (GetResetFields): never owned through it */
  reset?: FieldSet;
}

/** The fields an endpoint of a kind with a status subresource resets: status on the main resource, spec on status. */
export function resetFields(hasStatus: boolean, subresource: string): FieldSet | undefined {
  if (!hasStatus) return undefined;
  if (subresource === "") return statusSet;
  if (subresource === "status") return specSet;
  return undefined;
}

// sets are values: one of each serves every write
const statusSet = setOf([["f:status"]]);
const specSet = setOf([["f:spec"]]);

/** isResetManagedFields: an empty list (not absent), or one empty entry. */
function isReset(list: unknown): boolean {
  if (!Array.isArray(list)) return false;
  if (list.length === 0) return true;
  return list.length === 1 && list[0] !== null && typeof list[0] === "object" && Object.keys(list[0]).length === 0;
}

/**
 * decodeLiveOrNew: the request's own managedFields when it sets valid ones on the main resource,
 * else the live object's (stripped); `from`: the list they were decoded from.
 */
function managedForUpdate(live: any, obj: any, subresource: string): { managed: ReadonlyMap<string, ManagerEntry>; from?: unknown } {
  const fromLive = () => {
    const list = live?.metadata?.managedFields;
    try {
      return { managed: decodedStripped(list), from: list };
    } catch {
      return { managed: noEntries };
    }
  };
  if (subresource !== "") return fromLive();
  const mine = obj?.metadata?.managedFields;
  if (isReset(mine)) return { managed: noEntries };
  try {
    return decoded(mine).size > 0 ? { managed: decodedStripped(mine), from: mine } : fromLive();
  } catch {
    return fromLive();
  }
}

/**
 * FieldManager.UpdateNoErrors: `obj` (what a create, update or non-apply patch stores, defaulted)
 * with the managedFields that record the write for `wc.manager`. `live` is undefined on create.
 */
export function trackUpdate(live: any, obj: any, wc: WriteContext): any[] | undefined {
  const { managed, from } = managedForUpdate(live, obj, wc.subresource);
  const newBody = withoutManaged(obj);
  const { changed, removed, took } = live === undefined ? createdFields(newBody, wc) : updatedFields(withoutManaged(live), newBody, wc);
  const next = new Map<string, ManagerEntry>();
  const self = updaterId(wc.manager, wc.apiVersion, wc.subresource);
  for (const [id, e] of managed) {
    // an Update never conflicts: it takes the fields it changed from every other manager. The
    // writer's own set loses only what was removed: what it changed it takes back below (took),
    // but for the stripped fields, which no live set holds.
    const set = id === self ? difference(e.set, removed) : difference(difference(e.set, changed), removed);
    if (!isEmpty(set) || id === self) next.set(id, set === e.set ? e : withSet(e, set));
  }
  if (!isEmpty(took)) {
    const prev = next.get(self);
    // what the writer owned before, where it owns the same again, stays the same set value
    const old = managed.get(self);
    const had = old?.set;
    const grown = union(prev?.set ?? emptySet, took);
    const set = had === undefined ? grown : sharedWith(grown, had);
    // The same set at the same time (a second write within the second that owns nothing new):
    // the entry it was, whose element is encoded already. The identifier fixes its manager,
    // operation, apiVersion and subresource.
    if (old !== undefined && set === had && old.time === wc.now) next.set(self, old);
    else {
      const mine: ManagerEntry = { manager: wc.manager, operation: "Update", apiVersion: wc.apiVersion, set };
      if (wc.subresource) mine.subresource = wc.subresource;
      mine.time = wc.now;
      next.set(self, mine);
    }
  } else if (next.has(self) && isEmpty(next.get(self)!.set)) next.delete(self);
  // An Event's create is not kept for decoding: Events are never written again (other objects'
  // creates are, a pod's by its first status write soon after). Every set is stripped: the live
  // ones were, and what the write took is.
  return encodeManagedFields(capUpdateManagers(next), live !== undefined || wc.type !== "core/v1.Event", true, from);
}

/** What a write changed (its modified and added fields less those the endpoint resets), removed, and took (changed less the stripped fields). */
interface WriteFields {
  readonly changed: FieldSet;
  readonly removed: FieldSet;
  readonly took: FieldSet;
}

function updatedFields(liveBody: unknown, newBody: unknown, wc: WriteContext): WriteFields {
  const cmp = compare(liveBody, newBody, wc.type);
  const changed = ignore(union(cmp.modified, cmp.added), wc.reset);
  return { changed, removed: cmp.removed, took: difference(changed, stripSet) };
}

// A create is compared against the kind's zero value, as scheme.New() converts it. That comparison
// reads of the body only its keys and what kind of value each holds (the zero value holds no
// scalar, and the walk pairs list items by their values, so bodies with a non-empty list are left
// out): creates of one shape (every Event of one reason) give equal sets, made once and shared,
// whose FieldsV1 is then emitted once too. A memo only: the sets are equal without it. Bounded:
// shapes past `shapeCap` characters are not kept, and past `createdCap` shapes it starts over.
const created = new Map<string, WriteFields>();
const createdCap = 1024;
const shapeCap = 4096;

function createdFields(newBody: unknown, wc: WriteContext): WriteFields {
  const sig = shapeOf(newBody);
  if (sig === undefined) return updatedFields(zeroOf(wc.type), newBody, wc);
  // the type and the reset set (one of two shared values, or none) are part of what a create's fields depend on
  const reset = wc.reset === undefined ? "-" : wc.reset === statusSet ? "s" : wc.reset === specSet ? "p" : undefined;
  if (reset === undefined) return updatedFields(zeroOf(wc.type), newBody, wc);
  const key = `${wc.type} ${reset} ${sig}`;
  let hit = created.get(key);
  if (hit === undefined) {
    hit = updatedFields(zeroOf(wc.type), newBody, wc);
    if (created.size >= createdCap) created.clear();
    created.set(key, hit);
  }
  return hit;
}

/**
 * A value's shape: its keys in order (length-prefixed, so no two shapes spell alike) and what each
 * holds: "u" undefined, "n" null, "s" a scalar, "a" an empty list, an object in braces; undefined
 * for a value with a non-empty list or a shape past `shapeCap`.
 */
function shapeOf(v: unknown): string | undefined {
  let out = "";
  const walk = (x: unknown): boolean => {
    if (x === undefined) out += "u";
    else if (x === null) out += "n";
    else if (typeof x !== "object") out += "s";
    else if (Array.isArray(x)) {
      if (x.length > 0) return false;
      out += "a";
    } else {
      out += "{";
      for (const k in x) {
        out += `${k.length}:${k}`;
        if (out.length > shapeCap || !walk((x as Record<string, unknown>)[k])) return false;
      }
      out += "}";
    }
    return true;
  };
  return walk(v) ? out : undefined;
}

// A kind's zero value, built once per type and frozen (compare only reads it).
const zeros = new Map<string, unknown>();
function zeroOf(type: string): unknown {
  let z = zeros.get(type);
  if (z === undefined) zeros.set(type, (z = deepFreeze(zeroValue(type) ?? {})));
  return z;
}

function ignore(set: FieldSet, reset: FieldSet | undefined): FieldSet {
  return reset ? recursiveDifference(set, reset) : set;
}

function withoutManaged(obj: any): any {
  if (obj === null || typeof obj !== "object" || !obj.metadata || !Object.hasOwn(obj.metadata, "managedFields")) return obj;
  // a copy by hand: an object rest and spread cost several times more (V8)
  const metadata: Record<string, unknown> = {};
  for (const k in obj.metadata) if (k !== "managedFields") setOwn(metadata, k, obj.metadata[k]);
  return copyWith(obj, { metadata });
}

/** An entry's time in whole seconds (0 when it has none or it does not parse). */
function secs(t?: string): number {
  if (!t) return 0;
  let n = parsedSecs.get(t);
  if (n === undefined) {
    if (parsedSecs.size >= 4096) parsedSecs.clear();
    parsedSecs.set(t, (n = Math.floor(Date.parse(t) / 1000) || 0));
  }
  return n;
}

// Entries' times are few (a write's time stamps every entry it changes): each parsed once. Bounded.
const parsedSecs = new Map<string, number>();

/** capUpdateManagers: past ten Update managers, the oldest are merged into "ancient-changes" per apiVersion. */
export function capUpdateManagers(managed: Map<string, ManagerEntry>): Map<string, ManagerEntry> {
  if (managed.size <= maxUpdateManagers) return managed;
  const updaters = [...managed.entries()].filter(([, e]) => e.operation === "Update");
  if (updaters.length <= maxUpdateManagers) return managed;
  updaters.sort(([ia, a], [ib, b]) => secs(a.time) - secs(b.time) || (ia < ib ? -1 : ia > ib ? 1 : 0));
  const out = new Map(managed);
  const firstOfVersion = new Map<string, string>();
  let length = updaters.length;
  for (let i = 0; i < updaters.length && length > maxUpdateManagers; i++) {
    const [id, e] = updaters[i]!;
    const bucket = managerId({ manager: "ancient-changes", operation: "Update", apiVersion: e.apiVersion });
    const first = firstOfVersion.get(e.apiVersion);
    if (first === undefined) {
      firstOfVersion.set(e.apiVersion, id);
      continue;
    }
    if (!out.has(bucket)) {
      const f = out.get(first)!;
      out.delete(first);
      out.set(bucket, { ...f, manager: "ancient-changes", operation: "Update" });
    }
    const b = out.get(bucket)!;
    out.set(bucket, { ...b, set: union(e.set, b.set), apiVersion: e.apiVersion, time: e.time });
    out.delete(id);
    length--;
  }
  return out;
}

// ---- apply --------------------------------------------------------------------------------

export interface Conflict {
  managerId: string;
  path: string[];
}

export type ApplyResult =
  | { ok: true; object: any; changed: boolean }
  | { ok: false; status: Status };

/** printManager: the manager as a conflict message names it. */
function printManager(id: string): string {
  let e: any;
  try {
    e = JSON.parse(id);
  } catch {
    return JSON.stringify(id);
  }
  let s = JSON.stringify(e.manager ?? "");
  if (e.subresource) s += ` with subresource ${JSON.stringify(e.subresource)}`;
  if (e.operation === "Update") return `${s} using ${e.apiVersion ?? ""}${typeof e.time === "string" ? ` at ${e.time}` : ""}`;
  return s;
}

/** NewConflictError: 409 with a cause per conflicting field. */
export function conflictStatus(conflicts: readonly Conflict[]): Status {
  let message: string;
  if (conflicts.length === 1) message = `Apply failed with 1 conflict: conflict with ${printManager(conflicts[0]!.managerId)}: ${pathString(conflicts[0]!.path)}`;
  else {
    const by = new Map<string, string[][]>();
    for (const c of conflicts) by.set(c.managerId, [...(by.get(c.managerId) ?? []), c.path]);
    const lines: string[] = [];
    for (const m of [...by.keys()].sort()) {
      lines.push(`conflicts with ${printManager(m)}:`);
      for (const p of by.get(m)!) lines.push(`- ${pathString(p)}`);
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join("\n")}`;
  }
  return {
    kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason: "Conflict",
    details: { causes: conflicts.map((c) => ({ reason: "FieldManagerConflict", message: `conflict with ${printManager(c.managerId)}`, field: pathString(c.path) })) },
    code: 409,
  };
}

function badRequest(message: string): Status {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason: "BadRequest", code: 400 };
}

/** A plain error reaching the handler (ErrorToAPIStatus): 500 with its text and no reason. */
function plainError(message: string): Status {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, code: 500 };
}

/** objectGVKNN: "default/web; apps/v1, Kind=Deployment", from what the configuration says. */
function gvknn(obj: any): string {
  const str = (v: unknown) => (typeof v === "string" ? v : "");
  const gv = str(obj?.apiVersion);
  const md = obj?.metadata !== null && typeof obj?.metadata === "object" ? obj.metadata : {};
  return `${str(md.namespace)}/${str(md.name)}; ${gv.includes("/") ? gv : `/${gv}`}, Kind=${str(obj?.kind)}`;
}

/**
 * Unstructured.GetManagedFields is non-nil: the value is a list whose entries FromUnstructured reads
 * as ManagedFieldsEntry (objects whose string fields are strings, whose time is RFC 3339). A value of
 * another shape reads as nil, passes the apply's check and is refused as the typed patch it is.
 */
function readsAsManagedFields(v: unknown): boolean {
  if (!Array.isArray(v)) return false;
  return v.every((e) => {
    if (e === null || typeof e !== "object" || Array.isArray(e)) return false;
    const entry = e as Record<string, unknown>;
    const stringOrNull = (k: string) => !Object.hasOwn(entry, k) || entry[k] === null || typeof entry[k] === "string";
    const time = entry.time;
    const timeOk = time === undefined || time === null || (typeof time === "string" && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(time));
    return ["manager", "operation", "apiVersion", "fieldsType", "subresource"].every(stringOrNull) && timeOk;
  });
}

/**
 * schema.GroupVersionKind's String() of an unstructured object's apiVersion and kind as
 * FromAPIVersionAndKind reads them: a value that is no string is "", and an apiVersion of more than
 * one "/" parses to no group and version.
 */
function gvkString(apiVersion: unknown, kind: unknown): string {
  const av = typeof apiVersion === "string" ? apiVersion : "";
  const slashes = av.split("/").length - 1;
  const [group, version] = av === "" || av === "/" || slashes > 1 ? ["", ""] : slashes === 0 ? ["", av] : [av.slice(0, av.indexOf("/")), av.slice(av.indexOf("/") + 1)];
  return `${group}/${version}, Kind=${typeof kind === "string" ? kind : ""}`;
}

export interface ApplyContext extends WriteContext {
  kind: string;
  force: boolean;
}

/**
 * FieldManager.Apply: the live object (undefined to create one) with `config` applied by
 * `ac.manager`, its managedFields recorded; or the Status that refuses it (409 on conflicts).
 */
export function applyConfig(live: any, config: any, ac: ApplyContext): ApplyResult {
  if (config === null || typeof config !== "object" || Array.isArray(config)) return { ok: false, status: badRequest(`error decoding patch: json: cannot unmarshal ${Array.isArray(config) ? "array" : config === null ? "null" : typeof config === "string" ? "string" : typeof config} into Go value of type map[string]interface {}`) };
  // versionCheckManager, the outermost of the default chain: the applied object's group, version and
  // kind must be the endpoint's, else "invalid object type: <gvk>" (structuredmerge's own version check is never reached)
  const given = gvkString(getOwn(config, "apiVersion"), getOwn(config, "kind"));
  if (given !== gvkString(ac.apiVersion, ac.kind)) return { ok: false, status: badRequest(`invalid object type: ${given}`) };
  if (config.metadata !== null && typeof config.metadata === "object" && Object.hasOwn(config.metadata, "managedFields") && readsAsManagedFields(config.metadata.managedFields)) {
    return { ok: false, status: badRequest("metadata.managedFields must be nil") };
  }
  let managed: ReadonlyMap<string, ManagerEntry>;
  try {
    managed = decodedStripped(live?.metadata?.managedFields);
  } catch (err) {
    return { ok: false, status: plainError(`failed to decode managed fields: ${(err as Error).message}`) };
  }
  const errs = validate(config, ac.type);
  if (errs.length > 0) return { ok: false, status: plainError(`failed to create typed patch object (${gvknn(config)}): ${errs.length === 1 ? errs[0] : ["errors:", ...errs.map((e) => `  ${e}`)].join("\n")}`) };
  const liveBody = withoutManaged(live ?? {});
  const first = applyOnce(liveBody, config, managed, ac, ac.force);
  let res = first;
  if ("conflicts" in first && ac.manager === "kubectl") {
    // lastAppliedManager: conflicts only on what kubectl's client-side apply last applied, unchanged since, are taken over
    const allowed = allowedFromLastApplied(liveBody, ac);
    if (allowed) {
      const rest = first.conflicts.filter((c) => !members(allowed).some((p) => p.length === c.path.length && p.every((x, i) => x === c.path[i])));
      res = rest.length === 0 ? applyOnce(liveBody, config, managed, ac, true) : { conflicts: rest };
    }
  }
  if ("conflicts" in res) return { ok: false, status: conflictStatus(res.conflicts) };
  let object = res.object;
  const next = res.managed;
  // managedFieldsUpdater: the applier's time moves only when the object changed
  const changed = !deepEqualJson(object, liveBody) || live === undefined;
  const self = managerId({ manager: ac.manager, operation: "Apply", apiVersion: ac.apiVersion, subresource: ac.subresource });
  const mine = next.get(self);
  if (mine && changed) next.set(self, { ...mine, time: ac.now });
  // lastAppliedUpdater: kubectl's server-side apply keeps a client-side apply annotation in step
  if (ac.manager === "kubectl" && typeof object?.metadata?.annotations?.[lastAppliedAnnotation] === "string") {
    object = { ...object, metadata: { ...object.metadata, annotations: { ...object.metadata.annotations, [lastAppliedAnnotation]: buildLastApplied(config) } } };
  }
  const encoded = encodeManagedFields(capUpdateManagers(stripped(next)), true, true);
  return { ok: true, object: { ...object, metadata: { ...(object.metadata ?? {}), managedFields: encoded } }, changed };
}

function deepEqualJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(canon(a)) === JSON.stringify(canon(b));
}

function canon(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canon);
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canon((v as any)[k])]));
  return v;
}

/** buildLastApplied: the applied configuration as JSON, without its own annotation. */
function buildLastApplied(config: any): string {
  const ann = config?.metadata?.annotations;
  if (ann && typeof ann === "object" && Object.hasOwn(ann, lastAppliedAnnotation)) {
    const { [lastAppliedAnnotation]: _a, ...rest } = ann;
    config = { ...config, metadata: { ...config.metadata, annotations: rest } };
    if (Object.keys(rest).length === 0) delete config.metadata.annotations;
  }
  return JSON.stringify(config);
}

function allowedFromLastApplied(live: any, ac: ApplyContext): FieldSet | undefined {
  const text = live?.metadata?.annotations?.[lastAppliedAnnotation];
  if (typeof text !== "string" || text === "") return undefined;
  let last: any;
  try {
    last = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (last === null || typeof last !== "object" || last.apiVersion !== ac.apiVersion) return undefined;
  if (validate(last, ac.type).length > 0) return undefined;
  const set = toFieldSet(last, ac.type);
  const c = compare(last, live, ac.type);
  return difference(difference(difference(set, c.modified), c.added), c.removed);
}

/** Updater.Apply: merge, record the applier's set, prune what it stopped applying, then take ownership or report conflicts. */
function applyOnce(live: any, config: any, managed: ReadonlyMap<string, ManagerEntry>, ac: ApplyContext, force: boolean): { object: any; managed: Map<string, ManagerEntry> } | { conflicts: Conflict[] } {
  const self = managerId({ manager: ac.manager, operation: "Apply", apiVersion: ac.apiVersion, subresource: ac.subresource });
  const merged = merge(live, config, ac.type);
  const lastSet = managed.get(self)?.set;
  const set = ignore(toFieldSet(config, ac.type), ac.reset);
  const managers = new Map(managed);
  managers.set(self, { manager: ac.manager, operation: "Apply", apiVersion: ac.apiVersion, ...(ac.subresource ? { subresource: ac.subresource } : {}), set, ...(managed.get(self)?.time ? { time: managed.get(self)!.time } : {}) });
  const object = prune(merged, managers, lastSet, ac.type);
  // update(): the fields the apply changes, checked against every other manager; what the endpoint
  // resets is left out of the comparison (compare.ExcludeFields(IgnoredFields)): a manifest's status
  // applied to the main resource neither conflicts with nor takes the status writer's fields
  const cmp = compare(live, object, ac.type);
  // the mutant conflicts on every field the applier applies, not only those whose value it changes
  const changed = ignore(mutant("fieldmanager.apply-same-value-conflicts") ? union(union(cmp.modified, cmp.added), set) : union(cmp.modified, cmp.added), ac.reset);
  const removed = ignore(cmp.removed, ac.reset);
  const conflicts: Conflict[] = [];
  for (const [id, e] of managers) {
    if (id === self) continue;
    const c = intersection(e.set, changed);
    if (!isEmpty(c)) for (const p of members(c)) conflicts.push({ managerId: id, path: p });
  }
  if (!force && conflicts.length > 0) return { conflicts };
  const out = new Map<string, ManagerEntry>();
  for (const [id, e] of managers) {
    if (id === self) {
      out.set(id, e);
      continue;
    }
    const s = difference(mutant("fieldmanager.force-keeps-previous-owner") ? e.set : difference(e.set, changed), removed);
    if (!isEmpty(s)) out.set(id, equalSets(s, e.set) ? e : { ...e, set: s });
  }
  return { object, managed: out };
}

/** prune: what the applier applied last time and no longer does, and nobody else owns, leaves the object. */
function prune(merged: any, managers: Map<string, ManagerEntry>, lastSet: FieldSet | undefined, type: string): any {
  if (!lastSet || isEmpty(lastSet)) return merged;
  let owned: FieldSet = emptySet;
  // the mutant prunes what the applier dropped even when another manager still owns it
  for (const e of managers.values()) if (!mutant("fieldmanager.prune-ignores-other-owners")) owned = union(owned, e.set);
  const last = ensureNamedFieldsAreMembers(lastSet, type);
  const mergedSet = ensureNamedFieldsAreMembers(toFieldSet(merged, type), type);
  const toRemove = intersection(difference(last, ensureNamedFieldsAreMembers(owned, type)), mergedSet);
  if (isEmpty(toRemove)) return merged;
  return removeItems(merged, toRemove, type) ?? {};
}
