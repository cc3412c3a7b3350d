// A set of field paths (sigs.k8s.io/structured-merge-diff's fieldpath.Set): a tree keyed by path
// elements in their FieldsV1 spelling ("f:name", "k:{...}", "v:...", "i:0"), each node a member of
// the set or not. Sets are values: no operation changes its inputs; one returns an input itself
// when the result equals it.

import { deepFreeze, isMarkedFrozen } from "../../common/equal.js";
import { maxCustomDepth } from "../schema/depth.js";

export interface FieldSet {
  /** the path to this node is itself a member */
  readonly self: boolean;
  readonly kids: ReadonlyMap<string, FieldSet>;
  /** a memo of toFieldsV1, not part of the value: this node's FieldsV1 as a child, once emitted */
  asKid?: Emitted;
}

/** A subtree's FieldsV1 (deep-frozen) and its identity among the interned subtrees. */
export interface Emitted {
  readonly json: Record<string, unknown>;
  readonly id: number;
}

/** A path: its elements in FieldsV1 spelling. */
export type FieldPath = readonly string[];

// One shared empty map for every leaf: most nodes of a set are leaves.
const noKids: ReadonlyMap<string, FieldSet> = new Map();
export const emptySet: FieldSet = Object.freeze({ self: false, kids: noKids });
const leaf: FieldSet = Object.freeze({ self: true, kids: noKids });
/** The set whose one member is the path to it (shared: most nodes of a set are leaves). */
export const leafSet = leaf;

export function isEmpty(s: FieldSet): boolean {
  return !s.self && s.kids.size === 0;
}

function node(self: boolean, kids: Map<string, FieldSet>): FieldSet {
  if (kids.size > 0) return { self, kids, asKid: undefined };
  return self ? leaf : emptySet;
}

/** A builder for one set: the walkers insert paths, then take the value. */
export class SetBuilder {
  private readonly root: { self: boolean; kids: Map<string, any>; asKid: undefined } = { self: false, kids: noKids as Map<string, any>, asKid: undefined };
  insert(path: FieldPath): void {
    let n = this.root;
    for (const pe of path) {
      let k = n.kids.get(pe);
      if (!k) {
        if (n.kids === noKids) n.kids = new Map();
        n.kids.set(pe, (k = { self: false, kids: noKids, asKid: undefined }));
      }
      n = k;
    }
    n.self = true;
  }
  build(): FieldSet {
    return this.root as FieldSet;
  }
}

export function setOf(paths: readonly FieldPath[]): FieldSet {
  const b = new SetBuilder();
  for (const p of paths) b.insert(p);
  return b.build();
}

// union, difference and recursiveDifference return an input itself when the result equals it, so
// a manager's set that a write leaves alone stays the same value (and its FieldsV1 is not emitted again).
export function union(a: FieldSet, b: FieldSet): FieldSet {
  if (isEmpty(a)) return b;
  if (isEmpty(b)) return a;
  let kids: Map<string, FieldSet> | undefined;
  for (const [k, v] of b.kids) {
    const x = a.kids.get(k);
    const u = x ? union(x, v) : v;
    if (u === x) continue;
    kids ??= new Map(a.kids);
    kids.set(k, u);
  }
  const self = a.self || b.self;
  if (kids === undefined && self === a.self) return a;
  return node(self, kids ?? new Map(a.kids));
}

/**
 * The kids of `a` with each replaced by what `f` makes of it (dropped when empty), or undefined
 * when `f` left every kid as it was.
 */
function mapKids(a: FieldSet, f: (k: string, v: FieldSet) => FieldSet): Map<string, FieldSet> | undefined {
  let kids: Map<string, FieldSet> | undefined;
  let same = 0;
  for (const [k, v] of a.kids) {
    const d = f(k, v);
    if (kids === undefined) {
      if (d === v) {
        same++;
        continue;
      }
      kids = new Map();
      let i = 0;
      for (const [k2, v2] of a.kids) {
        if (i++ === same) break;
        kids.set(k2, v2);
      }
    }
    if (!isEmpty(d)) kids.set(k, d);
  }
  return kids;
}

/**
 * `next` with every subtree equal to the one at its path in `prev` replaced by prev's (prev itself
 * when they are equal): the same set, whose unchanged parts keep the FieldsV1 emitted for them.
 */
export function sharedWith(next: FieldSet, prev: FieldSet): FieldSet {
  if (next === prev) return prev;
  let same = next.self === prev.self && next.kids.size === prev.kids.size;
  let kids: Map<string, FieldSet> | undefined;
  for (const [k, v] of next.kids) {
    const p = prev.kids.get(k);
    const s = p === undefined ? v : sharedWith(v, p);
    if (s !== p) same = false;
    if (s !== v) (kids ??= new Map(next.kids)).set(k, s);
  }
  if (same) return prev;
  return kids === undefined ? next : node(next.self, kids);
}

/** Members of a that are not members of b (a member's children stay: fieldpath.Set.Difference). */
export function difference(a: FieldSet, b: FieldSet): FieldSet {
  if (isEmpty(a) || isEmpty(b)) return a;
  const kids = mapKids(a, (k, v) => {
    const y = b.kids.get(k);
    return y ? difference(v, y) : v;
  });
  const self = a.self && !b.self;
  if (kids === undefined && self === a.self) return a;
  return node(self, kids ?? new Map(a.kids));
}

/** Members of a that are neither members of b nor below one (fieldpath.Set.RecursiveDifference). */
export function recursiveDifference(a: FieldSet, b: FieldSet): FieldSet {
  if (isEmpty(a) || isEmpty(b)) return a;
  const kids = mapKids(a, (k, v) => {
    const y = b.kids.get(k);
    if (y?.self) return emptySet;
    return y ? recursiveDifference(v, y) : v;
  });
  return kids === undefined ? a : node(a.self, kids);
}

export function intersection(a: FieldSet, b: FieldSet): FieldSet {
  if (isEmpty(a) || isEmpty(b)) return emptySet;
  const kids = new Map<string, FieldSet>();
  for (const [k, v] of a.kids) {
    const y = b.kids.get(k);
    if (!y) continue;
    const i = intersection(v, y);
    if (!isEmpty(i)) kids.set(k, i);
  }
  return node(a.self && b.self, kids);
}

export function has(s: FieldSet, path: FieldPath): boolean {
  let n: FieldSet | undefined = s;
  for (const pe of path) {
    n = n.kids.get(pe);
    if (!n) return false;
  }
  return n.self;
}

/** The node at a path (its members below it), or the empty set. */
export function child(s: FieldSet, pe: string): FieldSet {
  return s.kids.get(pe) ?? emptySet;
}

/** Every member, in the set's order (fieldpath.Set.Iterate). */
export function members(s: FieldSet, prefix: string[] = [], out: string[][] = []): string[][] {
  if (s.self) out.push([...prefix]);
  for (const k of sortedKeys(s.kids)) {
    prefix.push(k);
    members(s.kids.get(k)!, prefix, out);
    prefix.pop();
  }
  return out;
}

export function equalSets(a: FieldSet, b: FieldSet): boolean {
  if (a.self !== b.self || a.kids.size !== b.kids.size) return false;
  for (const [k, v] of a.kids) {
    const y = b.kids.get(k);
    if (!y || !equalSets(v, y)) return false;
  }
  return true;
}

// ---- path elements ------------------------------------------------------------------------

const rank: Record<string, number> = { f: 0, k: 1, v: 2, i: 3 };

/** PathElement.Compare: field names, then keys, then values, then indexes. */
export function comparePE(a: string, b: string): number {
  const ra = rank[a[0]!] ?? 4, rb = rank[b[0]!] ?? 4;
  if (ra !== rb) return ra - rb;
  const x = a.slice(2), y = b.slice(2);
  if (a[0] === "f") return x < y ? -1 : x > y ? 1 : 0;
  if (a[0] === "i") return Number(x) - Number(y);
  if (a[0] === "k") return compareKeys(JSON.parse(x) as Record<string, unknown>, JSON.parse(y) as Record<string, unknown>);
  return compareValues(JSON.parse(x), JSON.parse(y));
}

/** The order of two list-map keys: by how many fields, then field by field, name then value. */
function compareKeys(kx: Record<string, unknown>, ky: Record<string, unknown>): number {
  const nx = Object.keys(kx), ny = Object.keys(ky);
  if (nx.length !== ny.length) return nx.length - ny.length;
  for (let i = 0; i < nx.length; i++) {
    if (nx[i] !== ny[i]) return nx[i]! < ny[i]! ? -1 : 1;
    const c = compareValues(kx[nx[i]!], ky[ny[i]!]);
    if (c !== 0) return c;
  }
  return 0;
}

/** value.Compare, for the scalars keys and set items hold: numbers by value, strings by bytes. */
function compareValues(a: unknown, b: unknown): number {
  const ta = typeRank(a), tb = typeRank(b);
  if (ta !== tb) return ta - tb;
  if (typeof a === "number" && typeof b === "number") return a - b;
  const x = typeof a === "string" ? a : JSON.stringify(a), y = typeof b === "string" ? b : JSON.stringify(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function typeRank(v: unknown): number {
  return v === null ? 0 : typeof v === "number" ? 1 : typeof v === "string" ? 2 : typeof v === "boolean" ? 3 : 4;
}

export function sortedKeys(m: ReadonlyMap<string, unknown>): string[] {
  const keys = [...m.keys()];
  if (keys.length < 2) return keys;
  // Field names only (a struct's or map's children, most nodes): comparePE is then the order of
  // the strings, what sort() gives without a comparator.
  let fields = true;
  for (const k of keys) {
    if (k.charCodeAt(0) !== 102 || k.charCodeAt(1) !== 58) {
      fields = false;
      break;
    }
  }
  if (fields) return keys.sort();
  // A short list's items come in the same keys write after write (a pod's conditions): their
  // order is remembered by the keys as they came. Bounded: past `orderCap` it starts over.
  const memoKey = keys.length <= 8 ? JSON.stringify(keys) : undefined;
  const known = memoKey === undefined ? undefined : sortedOrders.get(memoKey);
  if (known !== undefined) return known.slice();
  // keys and values parsed once per element rather than per comparison
  const orders = keys.map(peOrder);
  orders.sort(compareOrders);
  for (let i = 0; i < keys.length; i++) keys[i] = orders[i]!.pe;
  if (memoKey !== undefined) {
    if (sortedOrders.size >= orderCap) sortedOrders.clear();
    sortedOrders.set(memoKey, keys.slice());
  }
  return keys;
}

const sortedOrders = new Map<string, readonly string[]>();
const orderCap = 4096;

/** A path element with what comparePE reads of it, parsed when first needed. */
interface PEOrder {
  readonly pe: string;
  readonly rank: number;
  parsed?: { value: unknown };
}

const peOrder = (pe: string): PEOrder => ({ pe, rank: rank[pe[0]!] ?? 4 });

function parsedBody(o: PEOrder): unknown {
  return (o.parsed ??= { value: JSON.parse(o.pe.slice(2)) }).value;
}

/** comparePE of the two elements. */
function compareOrders(a: PEOrder, b: PEOrder): number {
  if (a.rank !== b.rank) return a.rank - b.rank;
  const c = a.pe[0];
  if (c === "f") return a.pe < b.pe ? -1 : a.pe > b.pe ? 1 : 0;
  if (c === "i") return Number(a.pe.slice(2)) - Number(b.pe.slice(2));
  if (c === "k") return compareKeys(parsedBody(a) as Record<string, unknown>, parsedBody(b) as Record<string, unknown>);
  return compareValues(parsedBody(a), parsedBody(b));
}

export const fieldPE = (name: string): string => `f:${name}`;
export const valuePE = (v: unknown): string => `v:${JSON.stringify(v)}`;
/** A list-map item's key: its key fields, sorted by name (fieldpath.KeyByFields). */
export function keyPE(fields: ReadonlyArray<[string, unknown]>): string {
  const sorted = [...fields].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `k:{${sorted.map(([n, v]) => `${JSON.stringify(n)}:${JSON.stringify(v)}`).join(",")}}`;
}

/** value.ToString: strings quoted as Go's %q would for the printable ASCII keys hold. */
function valueString(v: unknown): string {
  if (v === null) return "null";
  if (typeof v === "string") return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(valueString).join(",")}]`;
  if (typeof v === "object") return Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k}=${valueString(x)}`).join("");
  return String(v);
}

/** Path.String: ".spec.containers[name=\"app\"].image". */
export function pathString(path: FieldPath): string {
  return path.map((pe) => {
    const body = pe.slice(2);
    switch (pe[0]) {
      case "f": return `.${body}`;
      case "k": return `[${Object.entries(JSON.parse(body) as Record<string, unknown>).map(([k, v]) => `${k}=${valueString(v)}`).join(",")}]`;
      case "v": return `[=${valueString(JSON.parse(body))}]`;
      case "i": return `[${body}]`;
      default: return "{{invalid path element}}";
    }
  }).join("");
}

// ---- FieldsV1 -----------------------------------------------------------------------------

// Sets are values and a write keeps the sets it leaves alone (union/difference above), so their
// FieldsV1 is emitted once, by identity, and shared deep-frozen by every stored version after.
const emitted = new WeakMap<FieldSet, Record<string, unknown>>();

// Emitted FieldsV1 objects are deep-frozen values, so equal subtrees can be one object: every
// member is the one empty object, and a subtree is looked up by its children's identities before
// it is made. The pods of one template (and every Event) then share all of their FieldsV1 but the
// few fields that differ (an IP, an owner's uid), in etcd's history and the watch cache alike.
// A memo only: the JSON is the same without it. Bounded: past `internCap` subtrees it starts over.
// Looked up by a hash of the children's path elements and identities, then compared: no key
// string is built per subtree.
const memberJSON: Record<string, unknown> = deepFreeze({});
interface Interned extends Emitted {
  readonly self: boolean;
  readonly keys: readonly string[];
  readonly ids: readonly number[];
}
const interned = new Map<number, Interned | Interned[]>();
let internedCount = 0;
const internCap = 200_000;
let nextInternId = 1;
const member: Emitted = { json: memberJSON, id: 0 };
// A subtree's emitted form is kept on the set node it came from (asKid): union and difference keep
// the nodes a write leaves alone, so the next emission of a manager's set walks only what changed.

/** The FieldsV1 JSON object of a set (deep-frozen): members as {}, a member with children marked by ".". */
export function toFieldsV1(s: FieldSet): Record<string, unknown> {
  let out = emitted.get(s);
  if (out === undefined) {
    if (internedCount > internCap) {
      interned.clear();
      internedCount = 0;
    }
    out = emit(s, false).json;
    // kept by the set whether or not the caller keeps it: the creates of one shape share their set
    // (trackUpdate), emitted once. Decoding the FieldsV1 gives an equal set (fromFieldsV1's memo).
    emitted.set(s, out);
  }
  return out;
}

function emit(s: FieldSet, includeSelf: boolean): Emitted {
  const keys = sortedKeys(s.kids);
  const n = keys.length;
  const kids: Emitted[] = new Array(n);
  const ids: number[] = new Array(n);
  const self = includeSelf && s.self;
  let h = self ? 1 : 0;
  for (let i = 0; i < n; i++) {
    const k = keys[i]!;
    const kid = s.kids.get(k)!;
    let e = kid.kids.size > 0 ? kid.asKid : member;
    if (e === undefined) {
      e = emit(kid, true);
      if (Object.isExtensible(kid)) kid.asKid = e;
    }
    kids[i] = e;
    ids[i] = e.id;
    h = Math.imul(h ^ stringHash(k), 0x85ebca6b);
    h = Math.imul(h ^ e.id, 0xc2b2ae35) ^ (h >>> 13);
  }
  const bucket = interned.get(h);
  if (bucket !== undefined) {
    if (Array.isArray(bucket)) {
      for (const c of bucket) if (sameInterned(c, self, keys, ids)) return c;
    } else if (sameInterned(bucket, self, keys, ids)) return bucket;
  }
  const out: Record<string, unknown> = {};
  if (self && n > 0) out["."] = memberJSON;
  // a path element has a one-letter prefix ("f:", "k:", ...), so it is never "__proto__" nor an index
  for (let i = 0; i < n; i++) out[keys[i]!] = kids[i]!.json;
  const made: Interned = { json: deepFreeze(out), id: nextInternId++, self, keys, ids };
  if (bucket === undefined) interned.set(h, made);
  else if (Array.isArray(bucket)) bucket.push(made);
  else interned.set(h, [bucket, made]);
  internedCount++;
  return made;
}

/** FNV-1a over the UTF-16 code units: a path element's part of a subtree's hash. */
function stringHash(k: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < k.length; i++) h = Math.imul(h ^ k.charCodeAt(i), 0x01000193);
  return h;
}

function sameInterned(c: Interned, self: boolean, keys: readonly string[], ids: readonly number[]): boolean {
  if (c.self !== self || c.keys.length !== keys.length) return false;
  for (let i = 0; i < keys.length; i++) if (c.ids[i] !== ids[i] || c.keys[i] !== keys[i]) return false;
  return true;
}

export class FieldsV1Error extends Error {}

// fieldpath.Set.FromJSON reads what its JSON iterator takes (10,000 levels); podflow field-manages
// nothing deeper than a custom resource it keeps (maxCustomDepth), whose FieldsV1 nests as deep
const maxDepth = maxCustomDepth;

/** How deep a FieldsV1 object may nest (the root at 0) before fromFieldsV1 refuses it. */
export const fieldsV1MaxDepth = maxDepth;

/** A set from its FieldsV1 JSON, or FieldsV1Error for what fieldpath.Set.FromJSON refuses. */
export function fromFieldsV1(json: unknown): FieldSet {
  const set = parse(json, 0).set;
  // a stored FieldsV1 encodes back to itself: the next write that leaves the set alone emits nothing
  if (!set.self && isMarkedFrozen(json as object) && !emitted.has(set)) emitted.set(set, json as Record<string, unknown>);
  return set;
}

// A stored FieldsV1 is deep-frozen and interned per subtree (emit: equal subtrees are one object,
// shared by every pod of a template), so its decoded set is kept by each subtree it came from:
// the pods then share the nodes of their decoded sets as they share their JSON, and only what is
// a pod's own (its IP, its containers' ids) is decoded per pod. Sets are values, so a shared node
// is the same set decoding would make again; `height`: how deep the subtree nests below it, so a
// subtree met again deeper down is refused by the same bound. A memo only, kept while the JSON lives.
interface Parsed {
  readonly set: FieldSet;
  readonly height: number;
}
const parsed = new WeakMap<object, Parsed>();

function parse(json: unknown, depth: number): Parsed {
  if (depth > maxDepth) throw new FieldsV1Error("FieldsV1 nested too deeply");
  if (json === null || typeof json !== "object" || Array.isArray(json)) throw new FieldsV1Error("expected an object");
  const frozen = isMarkedFrozen(json);
  if (frozen) {
    const hit = parsed.get(json);
    if (hit !== undefined) {
      if (depth + hit.height > maxDepth) throw new FieldsV1Error("FieldsV1 nested too deeply");
      return hit;
    }
  }
  let self = false;
  let height = 0;
  const kids = new Map<string, FieldSet>();
  for (const [k, v] of Object.entries(json as Record<string, unknown>)) {
    if (k === ".") {
      self = true;
      continue;
    }
    const pe = canonicalPE(k);
    const sub = parse(v, depth + 1);
    if (sub.height + 1 > height) height = sub.height + 1;
    // "k": {} is a member; "k": {".": {}, ...} a member with children; "k": {children} only children
    const empty = v !== null && typeof v === "object" && Object.keys(v as object).length === 0;
    kids.set(pe, empty ? leaf : sub.set);
  }
  const out: Parsed = { set: node(self, kids), height };
  if (frozen) parsed.set(json, out);
  return out;
}

/** A path element as written in FieldsV1, checked and in the canonical spelling. */
function canonicalPE(k: string): string {
  const colon = k.indexOf(":");
  if (colon !== 1) throw new FieldsV1Error(`parsing JSON: unknown path element prefix in ${JSON.stringify(k)}`);
  const body = k.slice(2);
  switch (k[0]) {
    case "f": return k;
    case "i": {
      if (!/^-?\d+$/.test(body)) throw new FieldsV1Error(`parsing JSON: invalid index ${JSON.stringify(body)}`);
      return `i:${Number(body)}`;
    }
    case "v": {
      let v: unknown;
      try {
        v = JSON.parse(body);
      } catch {
        throw new FieldsV1Error(`parsing JSON: invalid value ${JSON.stringify(body)}`);
      }
      return valuePE(v);
    }
    case "k": {
      let v: unknown;
      try {
        v = JSON.parse(body);
      } catch {
        throw new FieldsV1Error(`parsing JSON: invalid key ${JSON.stringify(body)}`);
      }
      if (v === null || typeof v !== "object" || Array.isArray(v)) throw new FieldsV1Error("parsing JSON: key must be an object");
      return keyPE(Object.entries(v as Record<string, unknown>));
    }
    default:
      throw new FieldsV1Error(`parsing JSON: unknown path element prefix in ${JSON.stringify(k)}`);
  }
}
