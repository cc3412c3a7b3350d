// `podflow explore`: breadth-first exploration of every interleaving of a small scenario.
// A state is the whole runtime; a transition delivers the head of one ready channel (or,
// when none is ready, fires the next work timer). Each branch runs on a fork (Runtime.fork: every
// machine's snapshot is a value, shared as it is, and so are the queued messages), which is
// cheaper than re-executing the prefix from the root. States are hashed and
// deduplicated on all that decides what can happen next: the clock, actor values and contexts,
// the ready channels, every queued message and every pending timer; what never changes (value
// snapshots, messages between value machines, frozen stored objects) is hashed once, by identity.
// The first violation found is at the least depth, so its path is a shortest counterexample.

import { createCluster, type Cluster } from "../runtime/cluster.js";
import { newStepMemo, Runtime } from "../runtime/runtime.js";
import { summarize } from "../runtime/summary.js";
import type { TraceEntry } from "../runtime/docs/trace-types.js";
import { Monitor, allocatableNeverExceeded, neverRunningWithoutNodeName, type Violation } from "./invariants/core.js";
import { internalErrorViolations, worldOf } from "./invariants/index.js";
import { footprint, footprintDiff } from "./invariants/deletion.js";
import { exampleObjects, randomObject } from "./run.js";
import { resourceForKind } from "../machines/apiserver/resources.js";
import { Rng } from "../machines/common/prng.js";
import { isDeepFrozen } from "../machines/common/equal.js";

export interface ExploreOptions {
  scenario: string;
  depth: number;
  maxStates: number;
  seed?: number;
  /** change the root cluster before exploring (mutants) */
  prepare?: (rt: Runtime) => void;
  /** run only the actors a pod needs (default: when the scenario holds only Pods) */
  minimal?: boolean;
  /**
   * replay a step already taken from the same snapshot and message, and reuse the world checks of
   * a (parent, child) pair of worlds already checked (default true; false computes every one, for comparison)
   */
  memo?: boolean;
}

export interface ExploreReport {
  states: number;
  transitions: number;
  depth: number;
  ms: number;
  violation?: { violations: Violation[]; path: TraceEntry[] };
}

interface Node {
  /** dropped once the node's children exist: a path keeps only its steps, not every runtime on it */
  rt: Runtime;
  parent: Node | undefined;
  step: TraceEntry | undefined;
  depth: number;
}

/** A stable text of a runtime's state: the clock, actor contexts and values, ready channels, queued messages, pending timers. */
export function stateKey(rt: Runtime): string {
  const parts: string[] = [String(rt.now)];
  for (const a of rt.addresses().sort()) parts.push(a, actorText(rt.snapshot(a)));
  parts.push(JSON.stringify(rt.readyKeys()));
  parts.push(JSON.stringify(inFlight(rt), replacer));
  return parts.join("\u0000");
}

/**
 * What is in flight, as one value both the text key and the hash read: every channel holding
 * messages or a clog (by key), its messages in delivery order, and every timer that can still fire,
 * in firing order (the order breaks ties between timers due at once). Times are relative to now.
 */
export function inFlight(rt: Runtime): [channels: unknown[], timers: unknown[]] {
  const channels: unknown[] = [];
  for (const ch of rt.queuedChannels().sort(byKey)) {
    const stamped = !rt.isExternal(ch.to);
    channels.push([ch.key, ch.cloggedUntil === undefined ? null : ch.cloggedUntil - rt.now, stamped ? ch.messages.map(unstamped) : ch.messages]);
  }
  const timers: unknown[] = [];
  for (const t of rt.pendingTimers()) {
    // A runtime callback (a fault hook) has no event; its key only numbers it.
    if (t.callback) timers.push([t.owner, null, t.at - rt.now, t.background, null]);
    else timers.push([t.owner, t.key, t.at - rt.now, t.background, rt.isExternal(t.owner) ? t.event : unstamped(t.event)]);
  }
  return [channels, timers];
}

function byKey(a: { key: string }, b: { key: string }): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/** A message or timer event without the `from` and `now` the runtime writes over when it delivers to an actor (a forwarded message may still hold old ones). */
function unstamped(m: any): unknown {
  if (m === null || typeof m !== "object" || (!Object.hasOwn(m, "from") && !Object.hasOwn(m, "now"))) return m;
  const { from: _from, now: _now, ...rest } = m;
  return rest;
}

function actorText(s: any): string {
  return JSON.stringify(s.value) + "\u0000" + JSON.stringify(s.context, replacer);
}

// Per-actor hashes of snapshots (never mutated: each step makes a new one): forks share them, so
// each is hashed once.
const frozenHashes = new WeakMap<object, number>();

/** The hash of stateKey(rt) (equal keys, equal hashes; different keys apart up to collisions), hashing only the actors that ran since the fork they came from. */
export function stateHash(rt: Runtime): number {
  let ha = SEED_A;
  let hb = SEED_B;
  const add = (x: number): void => {
    const hi = Math.floor(x / 0x200000) | 0;
    const lo = x % 0x200000;
    ha = mixA(mixA(ha, hi), lo);
    hb = mixB(mixB(hb, hi), lo);
  };
  add(hashKey(String(rt.now) + "\u0000" + rt.readyKeys().join(",")));
  for (const a of rt.addresses().sort()) {
    const snap = rt.snapshot(a);
    let x = frozenHashes.get(snap);
    if (x === undefined) {
      // A context shares what a step did not change with the snapshot before it: those parts are
      // hashed once, by identity.
      values = true;
      x = actorHash(a, snap);
      values = false;
      frozenHashes.set(snap, x);
    }
    // Both lanes of every actor's hash go into both lanes of the state's: all 53 bits count.
    add(x);
  }
  // Messages in flight and pending timers: frozen stored objects inside them, and messages between
  // value machines (forks share them), are hashed once (cached).
  hashInFlight(rt);
  add(pack());
  return (fmix(ha) >>> 0) * 0x200000 + ((fmix(hb) >>> 0) & 0x1fffff);
}

/**
 * hashValue(inFlight(rt)), computed without building inFlight's arrays: a message or timer event
 * between value machines never changes, so its hash (without the stamp) is remembered by identity
 * and forks, which share their queued messages, hash each one once.
 */
function hashInFlight(rt: Runtime): void {
  const now = rt.now;
  const chans = rt.queuedChannels();
  if (chans.length > 1) chans.sort(byKey);
  let a = SEED_A ^ T_ARR;
  let b = SEED_B ^ T_ARR;
  for (const ch of chans) {
    const stamped = !rt.isExternal(ch.to);
    values = rt.runsAsValue(ch.from) && rt.runsAsValue(ch.to);
    // [key, clog, messages], as hashArray hashes it
    let ea = SEED_A ^ T_ARR;
    let eb = SEED_B ^ T_ARR;
    hashString(ch.key);
    ea = mixA(ea, HA);
    eb = mixB(eb, HB);
    if (ch.cloggedUntil === undefined) HA = HB = T_NULL;
    else hashNumber(ch.cloggedUntil - now);
    ea = mixA(ea, HA);
    eb = mixB(eb, HB);
    let ma = SEED_A ^ T_ARR;
    let mb = SEED_B ^ T_ARR;
    const msgs = ch.messages;
    for (let i = 0; i < msgs.length; i++) {
      if (stamped) hashUnstamped(msgs[i]);
      else hashValue(msgs[i]);
      ma = mixA(ma, HA);
      mb = mixB(mb, HB);
    }
    endComposite(ma, mb, msgs.length);
    ea = mixA(ea, HA);
    eb = mixB(eb, HB);
    endComposite(ea, eb, 3);
    values = false;
    a = mixA(a, HA);
    b = mixB(b, HB);
  }
  endComposite(a, b, chans.length);
  const ca = HA;
  const cb = HB;
  const timers = rt.pendingTimers();
  a = SEED_A ^ T_ARR;
  b = SEED_B ^ T_ARR;
  for (const t of timers) {
    // [owner, key, due in, background, event], or [owner, null, due in, background, null] for a runtime callback
    let ea = SEED_A ^ T_ARR;
    let eb = SEED_B ^ T_ARR;
    hashString(t.owner);
    ea = mixA(ea, HA);
    eb = mixB(eb, HB);
    if (t.callback) HA = HB = T_NULL;
    else hashString(t.key);
    ea = mixA(ea, HA);
    eb = mixB(eb, HB);
    hashNumber(t.at - now);
    ea = mixA(ea, HA);
    eb = mixB(eb, HB);
    HA = HB = t.background ? T_TRUE : T_FALSE;
    ea = mixA(ea, HA);
    eb = mixB(eb, HB);
    if (t.callback) HA = HB = T_NULL;
    else {
      values = rt.runsAsValue(t.owner);
      if (rt.isExternal(t.owner)) hashValue(t.event);
      else hashUnstamped(t.event);
      values = false;
    }
    ea = mixA(ea, HA);
    eb = mixB(eb, HB);
    endComposite(ea, eb, 5);
    a = mixA(a, HA);
    b = mixB(b, HB);
  }
  endComposite(a, b, timers.length);
  const ta = HA;
  const tb = HB;
  endComposite(mixA(mixA(SEED_A ^ T_ARR, ca), ta), mixB(mixB(SEED_B ^ T_ARR, cb), tb), 2);
}

// The hashes of unstamped messages and timer events between value machines, by identity.
const unstampedHashes = new WeakMap<object, number>();

/** hashValue(unstamped(m)), remembered by identity while hashing values (`values` is set). */
function hashUnstamped(m: unknown): void {
  if (m === null || typeof m !== "object") return hashValue(m);
  if (values) {
    const known = unstampedHashes.get(m);
    if (known !== undefined) return unpack(known);
  }
  hashValue(unstamped(m));
  if (values) unstampedHashes.set(m, pack());
}

/** A 53-bit hash of an actor's address, state value and context that is equal exactly when actorText is (up to collisions). */
function actorHash(address: string, s: any): number {
  hashValue(address);
  let a = mixA(SEED_A, HA);
  let b = mixB(SEED_B, HB);
  hashValue(s.value);
  a = mixA(a, HA);
  b = mixB(b, HB);
  hashValue(s.context);
  a = fmix(mixA(a, HA));
  b = fmix(mixB(b, HB));
  return (a >>> 0) * 0x200000 + ((b >>> 0) & 0x1fffff);
}

// A structural hash of a value as JSON.stringify(v, replacer) sees it (Maps as {m: entries}, Sets as
// {s: values}, undefined keys dropped, key order kept), computed bottom-up so that a deeply frozen
// object, which forks share by reference, is hashed once. The two 32-bit lanes of the last value hashed
// are left in HA and HB (a pair without an allocation).
let HA = 0;
let HB = 0;
const SEED_A = 0x9747b28c;
const SEED_B = 0x5bd1e995;
const T_NULL = 1, T_TRUE = 2, T_FALSE = 3, T_INT = 4, T_NUM = 5, T_STR = 6, T_ARR = 7, T_OBJ = 8;
const objectHashes = new WeakMap<object, number>();
// While hashing a value (a value machine's snapshot, a message between value machines), every
// object in it is immutable: its hash is remembered by identity, so what a step shares with the
// state before it is not hashed again.
let values = false;
const valueHashes = new WeakMap<object, number>();
// Objects hashed so far, counted to tell a large object (worth remembering) from a small one.
let visited = 0;
const rememberFrom = 8;
const stringHashes = new Map<string, number>();
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

function hashValue(v: unknown): void {
  switch (typeof v) {
    case "string":
      return hashString(v);
    case "number":
      return hashNumber(v);
    case "boolean":
      HA = HB = v ? T_TRUE : T_FALSE;
      return;
    case "object":
      if (v === null) {
        HA = HB = T_NULL;
        return;
      }
      return hashObject(v);
    default:
      // undefined, functions and symbols: what JSON writes for them in an array
      HA = HB = T_NULL;
  }
}

function hashString(s: string): void {
  const long = s.length > 12;
  if (long) {
    const x = stringHashes.get(s);
    if (x !== undefined) return unpack(x);
  }
  let a = SEED_A ^ T_STR ^ s.length;
  let b = SEED_B ^ T_STR ^ s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  HA = fmix(a);
  HB = fmix(b ^ 0x2545f491) & 0x1fffff;
  if (long) {
    if (stringHashes.size > 100_000) stringHashes.clear();
    stringHashes.set(s, pack());
  }
}

function hashNumber(n: number): void {
  if ((n | 0) === n) {
    HA = fmix(mixA(T_INT, n));
    HB = fmix(mixB(T_INT, n)) & 0x1fffff;
  } else if (!Number.isFinite(n)) {
    HA = HB = T_NULL;
  } else {
    f64[0] = n;
    HA = fmix(mixA(mixA(T_NUM, u32[0]!), u32[1]!));
    HB = fmix(mixB(mixB(T_NUM, u32[0]!), u32[1]!)) & 0x1fffff;
  }
}

function hashObject(o: object): void {
  visited++;
  // Only a frozen object or a value can have a remembered hash: skip the lookup for the mutable ones.
  const frozen = Object.isFrozen(o);
  const value = values && !frozen;
  if (frozen || value) {
    const known = (value ? valueHashes : objectHashes).get(o);
    if (known !== undefined) return unpack(known);
  }
  const from = visited;
  const proto = Object.getPrototypeOf(o);
  if (proto === Object.prototype) hashPlain(o as Record<string, unknown>, false);
  else if (proto === Array.prototype) hashArray(o as unknown[]);
  else if (o instanceof Map) hashMapAsJson(o);
  else if (o instanceof Set) hashSetAsJson(o);
  else if (typeof (o as { toJSON?: unknown }).toJSON === "function") hashValue((o as { toJSON: () => unknown }).toJSON());
  else hashPlain(o as Record<string, unknown>, true);
  // a small value is hashed again sooner than remembered (a WeakMap entry costs more); a stored
  // object (deeply frozen) is met in so many states that it is always remembered
  if (value) {
    if (visited - from >= rememberFrom) valueHashes.set(o, pack());
  } else if (frozen && (proto === Object.prototype || proto === Array.prototype) && isDeepFrozen(o)) objectHashes.set(o, pack());
}

/** An array's hash, from each element's (`each` leaves it in HA/HB: hashValue, or a variant of it). */
function hashArray(xs: readonly unknown[], each: (x: unknown) => void = hashValue): void {
  let a = SEED_A ^ T_ARR;
  let b = SEED_B ^ T_ARR;
  for (let i = 0; i < xs.length; i++) {
    each(xs[i]);
    a = mixA(a, HA);
    b = mixB(b, HB);
  }
  endComposite(a, b, xs.length);
}

/** An object's own enumerable keys, in order; a plain object (inherited is false) has no others for `for in` to find. */
function hashPlain(o: Record<string, unknown>, inherited: boolean): void {
  let a = SEED_A ^ T_OBJ;
  let b = SEED_B ^ T_OBJ;
  let n = 0;
  for (const k in o) {
    if (inherited && !Object.hasOwn(o, k)) continue;
    const v = o[k];
    if (v === undefined || typeof v === "function" || typeof v === "symbol") continue;
    n++;
    hashString(k);
    a = mixA(a, HA);
    b = mixB(b, HB);
    hashValue(v);
    a = mixA(a, HA);
    b = mixB(b, HB);
  }
  endComposite(a, b, n);
}

/** A Map hashes as the object {m: [[key, value], ...]} the state key's replacer writes for it. */
function hashMapAsJson(m: Map<unknown, unknown>): void {
  let a = SEED_A ^ T_ARR;
  let b = SEED_B ^ T_ARR;
  for (const [k, v] of m) {
    hashValue(k);
    let pa = mixA(SEED_A ^ T_ARR, HA);
    let pb = mixB(SEED_B ^ T_ARR, HB);
    hashValue(v);
    pa = mixA(pa, HA);
    pb = mixB(pb, HB);
    endComposite(pa, pb, 2);
    a = mixA(a, HA);
    b = mixB(b, HB);
  }
  endComposite(a, b, m.size);
  wrapInObject("m");
}

/** A Set hashes as the object {s: [value, ...]}. */
function hashSetAsJson(s: Set<unknown>): void {
  let a = SEED_A ^ T_ARR;
  let b = SEED_B ^ T_ARR;
  for (const v of s) {
    hashValue(v);
    a = mixA(a, HA);
    b = mixB(b, HB);
  }
  endComposite(a, b, s.size);
  wrapInObject("s");
}

/** The hash of {key: value} given the value's hash in HA/HB, as hashPlain computes it. */
function wrapInObject(key: string): void {
  const va = HA;
  const vb = HB;
  hashString(key);
  const a = mixA(mixA(SEED_A ^ T_OBJ, HA), va);
  const b = mixB(mixB(SEED_B ^ T_OBJ, HB), vb);
  endComposite(a, b, 1);
}

function endComposite(a: number, b: number, n: number): void {
  HA = fmix(a ^ n);
  HB = fmix(b ^ Math.imul(n, 0x27d4eb2d)) & 0x1fffff;
}

function pack(): number {
  return (HA >>> 0) * 0x200000 + HB;
}

function unpack(x: number): void {
  HA = Math.floor(x / 0x200000) | 0;
  HB = x % 0x200000;
}

// murmur3's block step, one per lane (different constants), and its finalizer.
function mixA(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  h ^= Math.imul(k, 0x1b873593);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function mixB(h: number, k: number): number {
  k = Math.imul(k, 0x85ebca6b);
  k = (k << 13) | (k >>> 19);
  h ^= Math.imul(k, 0xc2b2ae35);
  h = (h << 17) | (h >>> 15);
  return (Math.imul(h, 9) + 0x52dce729) | 0;
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

function replacer(_k: string, v: unknown): unknown {
  if (v instanceof Map) return { m: [...v.entries()] };
  if (v instanceof Set) return { s: [...v] };
  return v;
}

/** 53 bits of FNV-1a over two lanes: enough to keep a few million states apart. */
export function hashKey(s: string): number {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
  }
  return (h1 >>> 0) * 0x200000 + ((h2 >>> 0) & 0x1fffff);
}

/** The actors a scenario of only Pods needs: the rest are stopped in the root (with their watches). */
export const podActors = ["etcd", "apiserver", "scheduler", "kubelet/node-1", "cri/node-1", "cni/node-1"];

/** Stops every actor not in keep; each crash tells the API server at once, which ends their watches, so they cost nothing to explore. */
export function keepOnly(rt: Runtime, keep: readonly string[]): void {
  for (const a of rt.addresses()) if (!keep.includes(a)) rt.crash(a);
}

/**
 * The root: a one-node cluster whose start-up has settled (built once per scenario and seed, then
 * forked), with the scenario's objects sent as kubectl would. A scenario of only Pods runs just the
 * actors a pod needs.
 */
export function rootFor(scenario: string, seed = 1, opts: { minimal?: boolean } = {}): Runtime {
  const base = settledBase(seed);
  const objs = scenario === "random" ? [randomObject(new Rng(seed), 0)] : exampleObjects(scenario);
  const rt = base.runtime.fork();
  if (opts.minimal ?? objs.every((o) => o.kind === "Pod")) keepOnly(rt, podActors);
  const cluster = { runtime: rt, adminToken: base.adminToken };
  roots.set(rt, { objs, adminToken: base.adminToken, before: footprint(rt) });
  let id = 1_000_000;
  for (const obj of objs) {
    const r = resourceForKind(obj.kind)!;
    cluster.runtime.send("kubectl", "apiserver", { type: "ApiRequest", id: id++, token: cluster.adminToken, verb: "create", group: r.group, resource: r.resource, ...(r.namespaced ? { namespace: "default" } : {}), body: structuredClone(obj) });
  }
  return cluster.runtime;
}

/** Per root: what it created, as whom, and deletionReversesCreation's footprint before the creation. */
const roots = new WeakMap<Runtime, { objs: any[]; adminToken: string; before: ReturnType<typeof footprint> }>();

/**
 * deletionReversesCreation at a state where nothing more can happen: on a fork, delete what the
 * scenario created, settle (a simulated minute for graceful terminations), compare with the root.
 */
function deletionViolations(root: Runtime, end: Runtime): Violation[] {
  const r = roots.get(root);
  if (!r) return [];
  const rt = end.fork();
  let id = 2_000_000;
  for (const obj of [...r.objs].reverse()) {
    const res = resourceForKind(obj.kind)!;
    rt.send("kubectl", "apiserver", { type: "ApiRequest", id: id++, token: r.adminToken, verb: "delete", group: res.group, resource: res.resource, ...(res.namespaced ? { namespace: "default" } : {}), name: obj.metadata.name });
  }
  rt.settle();
  rt.advance(60_000);
  rt.settle();
  const out = footprintDiff(r.before, footprint(rt));
  rt.stopAll();
  return out;
}

const bases = new Map<number, Cluster>();

/** A one-node cluster after start-up, made once per seed: start-up is the same for every scenario. */
function settledBase(seed: number): Cluster {
  let c = bases.get(seed);
  if (!c) {
    c = createCluster({ nodes: 1, seed, trace: false });
    c.runtime.settle();
    bases.set(seed, c);
  }
  return c;
}

/**
 * What the world-reading invariants found, by what the world is read from in the parent and the
 * child: the API server's and etcd's snapshots, and each node runtime's snapshot and incarnation
 * (worldOf reads nothing else). Snapshots are never mutated, so equal identities read equal worlds;
 * a diamond's two orders meet the same pair again and again.
 */
interface WorldChecks {
  /** the node runtimes' addresses (cri/<node>) */
  cri: string[];
  /** undefined: check every pair */
  found: Map<string, Violation[]> | undefined;
}

const snapshotIds = new WeakMap<object, number>();
let lastSnapshotId = 0;

function snapshotId(s: object | undefined): number {
  if (s === undefined) return 0;
  let id = snapshotIds.get(s);
  if (id === undefined) snapshotIds.set(s, (id = ++lastSnapshotId));
  return id;
}

/** What worldOf reads from a runtime, by identity. */
function worldKey(rt: Runtime, cri: readonly string[]): string {
  let k = `${snapshotId(rt.snapshot("apiserver"))},${snapshotId(rt.snapshot("etcd"))}`;
  for (const a of cri) k += `,${snapshotId(rt.snapshot(a))}:${rt.incarnation(a)}`;
  return k;
}

function violationsOf(parent: Runtime, child: Runtime, delivered: Violation[], parentChecked: boolean, checks: WorldChecks): Violation[] {
  // A fork starts with no internal errors counted: any it has were caught during this step.
  const always = [...delivered, ...internalErrorViolations(child)];
  // The other invariants read only the API server's objects and etcd's revision: a step that left
  // both snapshots as they were (the same never-mutated snapshot) cannot break one the parent kept.
  if (parentChecked && unchanged(parent, child, "apiserver") && unchanged(parent, child, "etcd")) return always;
  const key = checks.found === undefined ? "" : `${worldKey(parent, checks.cri)}|${worldKey(child, checks.cri)}`;
  let found = checks.found?.get(key);
  if (found === undefined) {
    const w = worldOf(child);
    const m = new Monitor();
    m.check(worldOf(parent));
    found = [...neverRunningWithoutNodeName(w), ...allocatableNeverExceeded(w), ...m.uniquePodIPs(w), ...m.nodeNameSetOnce(w), ...m.phasesOnlyMoveForward(w), ...m.etcdRevisionOnlyGrows(w)];
    checks.found?.set(key, found);
  }
  return [...always, ...found];
}

/** True when an actor's snapshot is the same never-mutated one in both runtimes. */
function unchanged(parent: Runtime, child: Runtime, address: string): boolean {
  const s = parent.snapshot(address);
  return s !== undefined && s === child.snapshot(address);
}

/** What a processed node holds instead of its runtime (never stepped). */
const released = new Runtime({ seed: 0, trace: false });

/** Successors of a state: one per ready channel, or the next work timer when none is ready. */
function successors(n: Node, checks: WorldChecks): Array<{ rt: Runtime; step: TraceEntry; violations: Violation[] }> {
  const out: Array<{ rt: Runtime; step: TraceEntry; violations: Violation[] }> = [];
  const width = n.rt.hasReady ? n.rt.readyKeys().length : n.rt.pendingWork > 0 ? 1 : 0;
  for (let i = 0; i < width; i++) {
    const rt = n.rt.fork();
    let step: TraceEntry | undefined;
    const delivered: Violation[] = [];
    rt.deliveryHooks.push((from, to, msg) => {
      step ??= { seq: n.depth, t: rt.now, kind: "deliver", from, to, type: msg.type, summary: summarize(msg) };
      if (to === "etcd" && from !== "apiserver") delivered.push({ invariant: "onlyApiServerTalksToEtcd", message: `${from} delivered ${msg.type} to etcd` });
    });
    if (n.rt.hasReady) {
      rt.choose = () => i;
      rt.step();
    } else {
      rt.fireNextTimer();
      step ??= { seq: n.depth, t: rt.now, kind: "fault", fault: "timer", detail: "the next timer fired" };
    }
    rt.choose = undefined;
    rt.deliveryHooks.length = 0;
    // the root's own state is checked with its first successors (it is no one's child)
    out.push({ rt, step: step!, violations: violationsOf(n.rt, rt, delivered, n.parent !== undefined, checks) });
  }
  return out;
}

/** Explores breadth-first up to a depth and a number of distinct states. */
export function explore(opts: ExploreOptions, progress?: (r: ExploreReport) => void): ExploreReport {
  const started = performance.now();
  const root = rootFor(opts.scenario, opts.seed ?? 1, opts.minimal === undefined ? {} : { minimal: opts.minimal });
  opts.prepare?.(root);
  // Branches deliver the same messages to the same snapshots again and again (a diamond's two
  // orders): each such step is taken once (forks share the memo).
  const memo = opts.memo ?? true;
  if (memo) root.stepMemo = newStepMemo();
  // explore spawns no actor: the root's node runtimes are all there are
  const checks: WorldChecks = { cri: root.addresses().filter((a) => a.startsWith("cri/")), found: memo ? new Map() : undefined };
  const seen = new Set<number>([stateHash(root)]);
  const report: ExploreReport = { states: 1, transitions: 0, depth: 0, ms: 0 };
  let frontier: Node[] = [{ rt: root, parent: undefined, step: undefined, depth: 0 }];
  while (frontier.length > 0 && report.depth < opts.depth) {
    const next: Node[] = [];
    for (const n of frontier) {
      const succ = successors(n, checks);
      if (succ.length === 0) {
        const left = deletionViolations(root, n.rt);
        if (left.length > 0) {
          report.violation = { violations: left, path: pathOf(n) };
          report.ms = performance.now() - started;
          return report;
        }
      }
      for (const s of succ) {
        report.transitions++;
        const child: Node = { rt: s.rt, parent: n, step: s.step, depth: n.depth + 1 };
        if (s.violations.length > 0) {
          report.violation = { violations: s.violations, path: pathOf(child) };
          report.ms = performance.now() - started;
          return report;
        }
        const h = stateHash(s.rt);
        if (seen.has(h)) {
          s.rt.stopAll();
          continue;
        }
        seen.add(h);
        report.states++;
        next.push(child);
        if (report.states >= opts.maxStates) {
          report.depth = child.depth;
          report.ms = performance.now() - started;
          return report;
        }
      }
      // The parent's runtime is no longer needed once its children exist (paths keep only steps):
      // letting it go keeps the live heap to the frontier, which the young generation's copying pays for.
      if (n.parent !== undefined) {
        n.rt.stopAll();
        n.rt = released;
      }
    }
    frontier = next;
    report.depth++;
    report.ms = performance.now() - started;
    progress?.(report);
  }
  report.ms = performance.now() - started;
  return report;
}

function pathOf(n: Node): TraceEntry[] {
  const out: TraceEntry[] = [];
  for (let c: Node | undefined = n; c?.step; c = c.parent) out.push(c.step);
  return out.reverse().map((e, i) => ({ ...e, seq: i }));
}
