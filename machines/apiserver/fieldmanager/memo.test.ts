// The field manager's fast paths against the straightforward computations, written here on their
// own: compare's bottom-up walk (one-sided values, lists paired by index) against a walk that
// inserts each member by its path, FieldsV1 emission (interned subtrees, memos on set nodes)
// against a plain recursive writer, and a list the field manager knows decoded against decoding
// a copy of it.

import { describe, expect, it } from "vitest";
import { deepFreeze } from "../../common/equal.js";
import { decodeManagedFields, resetFields, trackUpdate, updaterId } from "./fieldmanager.js";
import { comparePE, fieldPE, fieldsV1MaxDepth, fromFieldsV1, members, setOf, sharedWith, toFieldsV1, type FieldPath, type FieldSet } from "./fieldset.js";
import { compare, itemPE, resolve, zeroValue, type Atom } from "./typed.js";

// ---- the straightforward Compare: every member inserted by its full path ----------------------

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
const emptyOrNull = (v: unknown) => v === undefined || v === null || (Array.isArray(v) ? v.length === 0 : isMap(v) && Object.keys(v).length === 0);
const untyped: Atom = { k: "untyped" };

function childAtom(a: Atom, key: string): Atom {
  if (a.k === "map") return resolve(a.elem);
  if (a.k !== "struct") return untyped;
  return Object.hasOwn(a.fields, key) ? resolve(a.fields[key]!, a.key, key) : untyped;
}

function refCompare(l: unknown, r: unknown, expr: string): { added: string[][]; modified: string[][]; removed: string[][] } {
  const out = { added: [] as string[][], modified: [] as string[][], removed: [] as string[][] };
  const walk = (l: unknown, r: unknown, a: Atom, path: string[]): void => {
    if (l === r) return;
    const atomic = a.k === "scalar" || a.k === "untyped" || (a.k === "list" && a.rel === "atomic") || ((a.k === "struct" || a.k === "map") && a.atomic);
    const shapeless = a.k === "list" ? !Array.isArray(l) && !Array.isArray(r) : !isMap(l) && !isMap(r);
    if (atomic || shapeless || (emptyOrNull(l) && emptyOrNull(r))) {
      if (l === undefined) out.added.push([...path]);
      else if (r === undefined) out.removed.push([...path]);
      else if (JSON.stringify(l) !== JSON.stringify(r)) out.modified.push([...path]);
      return;
    }
    if (a.k === "list") {
      const byKey = (v: unknown) => {
        const m = new Map<string, unknown>();
        for (const x of Array.isArray(v) ? v : []) {
          const pe = itemPE(a, x);
          if ("pe" in pe && !m.has(pe.pe)) m.set(pe.pe, x);
        }
        return m;
      };
      const lm = byKey(l), rm = byKey(r);
      for (const [pe, x] of lm) walk(x, rm.get(pe), resolve(a.elem), [...path, pe]);
      for (const [pe, x] of rm) if (!lm.has(pe)) walk(undefined, x, resolve(a.elem), [...path, pe]);
    } else {
      const lo = isMap(l) ? l : {}, ro = isMap(r) ? r : {};
      for (const k of Object.keys(lo)) {
        const rk = Object.hasOwn(ro, k) ? ro[k] : undefined;
        if (path.length === 0 && JSON.stringify(lo[k]) === JSON.stringify(rk)) continue;
        walk(lo[k], rk, childAtom(a, k), [...path, fieldPE(k)]);
      }
      for (const k of Object.keys(ro)) if (!Object.hasOwn(lo, k)) walk(undefined, ro[k], childAtom(a, k), [...path, fieldPE(k)]);
    }
    if (path.length === 0) return;
    if (l === undefined) out.added.push([...path]);
    else if (r === undefined) out.removed.push([...path]);
  };
  walk(l, r, resolve(expr), []);
  return out;
}

const sorted = (paths: FieldPath[]) => paths.map((p) => JSON.stringify(p)).sort();
const asPaths = (s: FieldSet) => sorted(members(s));

// ---- the straightforward FieldsV1 writer ---------------------------------------------------

function refFieldsV1(s: FieldSet, top = true): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!top && s.self && s.kids.size > 0) out["."] = {};
  for (const k of [...s.kids.keys()].sort(comparePE)) out[k] = refFieldsV1(s.kids.get(k)!, false);
  return out;
}

// ---- values to compare: a pod and seeded variations of it ----------------------------------

function pod(): any {
  return {
    apiVersion: "v1", kind: "Pod",
    metadata: { name: "web-1", namespace: "default", labels: { app: "web", "pod-template-hash": "abc" }, ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "web", uid: "u1", controller: true }] },
    spec: {
      containers: [{ name: "app", image: "nginx", ports: [{ containerPort: 80, protocol: "TCP" }, { containerPort: 443 }], env: [{ name: "A", value: "1" }], resources: {} }],
      volumes: [{ name: "data", emptyDir: {} }], tolerations: [{ key: "k", operator: "Exists" }], nodeName: "n1", restartPolicy: "Always",
    },
    status: {
      phase: "Running", hostIP: "10.0.0.1", podIPs: [{ ip: "10.1.0.5" }],
      conditions: [{ type: "Ready", status: "True" }, { type: "PodScheduled", status: "True" }, { type: "Initialized", status: "True" }],
      containerStatuses: [{ name: "app", ready: true, restartCount: 0, state: { running: { startedAt: "2026-01-01T00:00:00Z" } }, image: "nginx", imageID: "x", started: true }],
    },
  };
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

// One random change somewhere in the value: a leaf changed, a key dropped or added, a list
// reordered, an item duplicated or dropped, a value made null or empty.
function mutate(v: any, rand: () => number): any {
  if (Array.isArray(v)) {
    const a = v.slice();
    const r = rand();
    if (a.length > 0 && r < 0.25) a.splice(Math.floor(rand() * a.length), 1);
    else if (a.length > 1 && r < 0.45) a.reverse();
    else if (a.length > 0 && r < 0.6) a.push(structuredClone(a[0]));
    else if (a.length > 0) {
      const i = Math.floor(rand() * a.length);
      a[i] = mutate(a[i], rand);
    }
    return a;
  }
  if (isMap(v)) {
    const o: Record<string, unknown> = { ...v };
    const keys = Object.keys(o);
    const r = rand();
    if (keys.length > 0 && r < 0.15) delete o[keys[Math.floor(rand() * keys.length)]!];
    else if (r < 0.25) o[`x${Math.floor(rand() * 3)}`] = rand() < 0.5 ? "new" : {};
    else if (keys.length > 0 && r < 0.32) o[keys[Math.floor(rand() * keys.length)]!] = rand() < 0.5 ? null : {};
    else if (keys.length > 0) {
      const k = keys[Math.floor(rand() * keys.length)]!;
      o[k] = mutate(o[k], rand);
    }
    return o;
  }
  if (typeof v === "string") return `${v}-${Math.floor(rand() * 3)}`;
  if (typeof v === "number") return v + 1;
  if (typeof v === "boolean") return !v;
  return "was-null";
}

function variants(n: number, seed: number): any[] {
  const rand = rng(seed);
  const out: any[] = [];
  let cur = pod();
  for (let i = 0; i < n; i++) {
    // mostly small steps from the last value, some from the start
    cur = mutate(rand() < 0.2 ? pod() : cur, rand);
    if (rand() < 0.5) cur = mutate(cur, rand);
    out.push(cur);
  }
  return out;
}

describe("compare equals the walk that inserts each member by its path", () => {
  it("over pods changed at random (leaves, keys, reordered, duplicated and dropped items, nulls, empty maps)", () => {
    const vs = [pod(), ...variants(400, 7)];
    let compared = 0;
    for (let i = 1; i < vs.length; i++) {
      for (const [l, r] of [[vs[i - 1], vs[i]], [vs[i], vs[i - 1]], [vs[0], vs[i]]]) {
        const got = compare(l, r, "core/v1.Pod");
        const want = refCompare(l, r, "core/v1.Pod");
        expect(asPaths(got.added)).toEqual(sorted(want.added));
        expect(asPaths(got.modified)).toEqual(sorted(want.modified));
        expect(asPaths(got.removed)).toEqual(sorted(want.removed));
        compared++;
      }
    }
    expect(compared).toBe(1200);
  });
  it("a value against nothing, and against a frozen copy of itself (shared subtrees)", () => {
    for (const v of [pod(), ...variants(100, 11)]) {
      for (const [l, r] of [[undefined, v], [v, undefined], [{}, v], [deepFreeze(structuredClone(v)), v]]) {
        const got = compare(l, r, "core/v1.Pod");
        const want = refCompare(l, r, "core/v1.Pod");
        expect(asPaths(got.added)).toEqual(sorted(want.added));
        expect(asPaths(got.modified)).toEqual(sorted(want.modified));
        expect(asPaths(got.removed)).toEqual(sorted(want.removed));
      }
    }
  });
});

describe("FieldsV1 equals the plain recursive writer", () => {
  it("for the field sets of the pods above, emitted in turn (interned subtrees and memos shared between them)", () => {
    for (const v of [pod(), ...variants(200, 13)]) {
      const c = compare(undefined, v, "core/v1.Pod");
      for (const s of [c.added, setOf(members(c.added))]) {
        const json = toFieldsV1(s);
        expect(JSON.stringify(json)).toBe(JSON.stringify(refFieldsV1(s)));
        // emitted again (the memo), and its copy decoded back: the same JSON
        expect(toFieldsV1(s)).toBe(json);
        expect(JSON.stringify(toFieldsV1(fromFieldsV1(structuredClone(json))))).toBe(JSON.stringify(json));
      }
    }
  });
  it("orders keys, values and indexes as comparePE does", () => {
    const s = setOf([["f:b"], ["f:a"], ['k:{"port":10}'], ['k:{"port":9}'], ['v:"x"'], ["v:2"], ["i:10"], ["i:2"], ['k:{"a":1,"b":"x"}']]);
    expect(Object.keys(toFieldsV1(s))).toEqual(Object.keys(refFieldsV1(s)));
  });
});

describe("a managedFields list the field manager wrote decodes as a copy of it does", () => {
  it("through a pod's create and status writes", () => {
    const wc = (manager: string, subresource: string, now: string) => ({ type: "core/v1.Pod", apiVersion: "v1", manager, subresource, now, reset: subresource === "status" ? setOf([["f:spec"]]) : setOf([["f:status"]]) });
    let live: any;
    const rand = rng(3);
    let obj = pod();
    for (let i = 0; i < 30; i++) {
      const sub = i === 0 ? "" : "status";
      const fields = trackUpdate(live, obj, wc(i === 0 ? "kube-controller-manager" : "kubelet", sub, `2026-01-01T00:00:${String(i).padStart(2, "0")}Z`));
      const known = decodeManagedFields(fields);
      const copy = decodeManagedFields(structuredClone(fields));
      expect([...known.keys()]).toEqual([...copy.keys()]);
      for (const [id, e] of known) {
        const d = copy.get(id)!;
        expect({ ...e, set: asPaths(e.set) }).toEqual({ ...d, set: asPaths(d.set) });
      }
      live = deepFreeze({ ...obj, metadata: { ...obj.metadata, managedFields: fields } });
      obj = { ...live, status: mutate(live.status, rand) };
    }
  });
});

// ---- the straightforward Update: member paths in plain sets, every step written out ----------

type RefEntry = { manager: string; operation: string; apiVersion: string; subresource?: string; time?: string; paths: Set<string> };

const refStrip = new Set([["f:apiVersion"], ["f:kind"], ["f:metadata"], ...["name", "namespace", "creationTimestamp", "selfLink", "uid", "clusterName", "generation", "managedFields", "resourceVersion"].map((f) => ["f:metadata", `f:${f}`])].map((p) => JSON.stringify(p)));

function refId(e: { manager: string; operation: string; apiVersion: string; subresource?: string }): string {
  const o: Record<string, string> = {};
  if (e.manager) o.manager = e.manager;
  o.operation = e.operation;
  if (e.operation !== "Apply") o.apiVersion = e.apiVersion;
  if (e.subresource) o.subresource = e.subresource;
  return JSON.stringify(o);
}

function refMembers(json: any, prefix: string[], out: Set<string>): Set<string> {
  for (const [k, v] of Object.entries(json)) {
    if (k === ".") out.add(JSON.stringify(prefix));
    else if (Object.keys(v as object).length === 0) out.add(JSON.stringify([...prefix, k]));
    else refMembers(v, [...prefix, k], out);
  }
  return out;
}

function refDecode(list: any[] | undefined): Map<string, RefEntry> {
  const out = new Map<string, RefEntry>();
  for (const el of JSON.parse(JSON.stringify(list ?? []))) {
    const paths = new Set([...refMembers(el.fieldsV1, [], new Set())].filter((p) => !refStrip.has(p)));
    if (paths.size === 0) continue;
    const e: RefEntry = { manager: el.manager, operation: el.operation, apiVersion: el.apiVersion, paths };
    if (el.subresource) e.subresource = el.subresource;
    if (el.time) e.time = el.time;
    out.set(refId(e), e);
  }
  return out;
}

const withoutManagedRef = (o: any) => (o?.metadata?.managedFields === undefined ? o : { ...o, metadata: Object.fromEntries(Object.entries(o.metadata).filter(([k]) => k !== "managedFields")) });

/** FieldManager.Update as the rules say it: the changed fields go to the writer, taken from everyone else; removed ones leave every set. */
function refTrack(live: any, obj: any, manager: string, subresource: string, now: string, type = "core/v1.Pod", hasStatus = true): any[] {
  const managed = refDecode(live?.metadata?.managedFields);
  const c = refCompare(withoutManagedRef(live ?? zeroValue(type)), withoutManagedRef(obj), type);
  const reset = !hasStatus ? undefined : subresource === "status" ? "f:spec" : "f:status";
  const changed = new Set([...c.added, ...c.modified].filter((p) => p[0] !== reset).map((p) => JSON.stringify(p)));
  const removed = new Set(c.removed.map((p) => JSON.stringify(p)));
  const self = refId({ manager, operation: "Update", apiVersion: "v1", subresource });
  const next = new Map<string, RefEntry>();
  for (const [id, e] of managed) {
    const paths = new Set([...e.paths].filter((p) => !changed.has(p) && !removed.has(p)));
    if (paths.size > 0 || id === self) next.set(id, { ...e, paths });
  }
  const took = [...changed].filter((p) => !refStrip.has(p));
  if (took.length > 0) {
    const mine: RefEntry = { manager, operation: "Update", apiVersion: "v1", paths: new Set([...(next.get(self)?.paths ?? []), ...took]) };
    if (subresource) mine.subresource = subresource;
    mine.time = now;
    next.set(self, mine);
  } else if (next.get(self)?.paths.size === 0) next.delete(self);
  const secsOf = (t?: string) => (t ? Math.floor(Date.parse(t) / 1000) : 0);
  const entries = [...next.values()].filter((e) => e.paths.size > 0);
  entries.sort((p, q) => (p.operation !== q.operation ? (p.operation < q.operation ? -1 : 1) : secsOf(p.time) - secsOf(q.time) || (p.manager < q.manager ? -1 : p.manager > q.manager ? 1 : 0) || (p.apiVersion < q.apiVersion ? -1 : p.apiVersion > q.apiVersion ? 1 : 0) || ((p.subresource ?? "") < (q.subresource ?? "") ? -1 : (p.subresource ?? "") > (q.subresource ?? "") ? 1 : 0)));
  return entries.map((e) => {
    const el: Record<string, unknown> = { manager: e.manager, operation: e.operation, apiVersion: e.apiVersion };
    if (e.time) el.time = e.time;
    el.fieldsType = "FieldsV1";
    el.fieldsV1 = refFieldsV1(setOf([...e.paths].map((p) => JSON.parse(p))));
    if (e.subresource) el.subresource = e.subresource;
    return el;
  });
}

describe("Updates recorded through the field manager's memos equal the straightforward recomputation", () => {
  it("over a pod written by several managers, on the main resource and on status, each write against the stored one", () => {
    const rand = rng(17);
    const wc = (manager: string, subresource: string, now: string) => ({ type: "core/v1.Pod", apiVersion: "v1", manager, subresource, now, reset: subresource === "status" ? setOf([["f:spec"]]) : setOf([["f:status"]]) });
    for (let run = 0; run < 6; run++) {
      let live: any;
      let obj: any = pod();
      for (let i = 0; i < 40; i++) {
        // a few times shared by several writes, so entries tie on time
        const now = `2026-01-01T00:0${Math.floor(i / 10)}:${String((i * 7) % 60).padStart(2, "0")}Z`;
        const who = i === 0 ? ["kube-controller-manager", ""] : rand() < 0.6 ? ["kubelet", "status"] : rand() < 0.5 ? ["kube-controller-manager", ""] : ["descheduler", ""];
        const got = trackUpdate(live, obj, wc(who[0]!, who[1]!, now));
        const want = refTrack(live, obj, who[0]!, who[1]!, now);
        expect(JSON.stringify(got)).toBe(JSON.stringify(want));
        live = deepFreeze({ ...obj, metadata: { ...obj.metadata, managedFields: got } });
        // the next write: the stored pod with one part changed (what is left alone stays shared, as a client's write keeps it)
        const r = rand();
        if (r < 0.5) obj = { ...live, metadata: { ...live.metadata }, status: mutate(live.status, rand) };
        else if (r < 0.8) obj = { ...live, spec: mutate(live.spec, rand) };
        else obj = { ...live, metadata: { ...live.metadata, labels: mutate(live.metadata.labels ?? {}, rand) } };
      }
    }
  });
});

describe("sharedWith is the set it is given, sharing the other's equal subtrees", () => {
  it("for the field sets of pods changed at random", () => {
    const vs = [pod(), ...variants(150, 23)];
    for (let i = 1; i < vs.length; i++) {
      const a = compare(undefined, vs[i], "core/v1.Pod").added, b = compare(undefined, vs[i - 1], "core/v1.Pod").added;
      const s = sharedWith(a, b);
      expect(asPaths(s)).toEqual(asPaths(a));
      if (JSON.stringify(asPaths(a)) === JSON.stringify(asPaths(b))) expect(s).toBe(b);
      // a copy of a set shares all of it
      expect(sharedWith(setOf(members(b)), b)).toBe(b);
    }
  });
});

describe("a write that changes no entry keeps the entry and the list it was decoded from", () => {
  it("status writes within one second, the same fields or new ones, equal the straightforward recomputation", () => {
    const rand = rng(29);
    const wc = (manager: string, subresource: string, now: string) => ({ type: "core/v1.Pod", apiVersion: "v1", manager, subresource, now, reset: subresource === "status" ? setOf([["f:spec"]]) : setOf([["f:status"]]) });
    let kept = 0, changed = 0;
    for (let run = 0; run < 6; run++) {
      let live: any;
      let obj: any = pod();
      for (let i = 0; i < 40; i++) {
        // several writes a second, so the writer's entry is often the same value again
        const now = `2026-01-01T00:00:${String(Math.floor(i / 4)).padStart(2, "0")}Z`;
        const who = i === 0 ? ["kube-controller-manager", ""] : ["kubelet", "status"];
        const got = trackUpdate(live, obj, wc(who[0]!, who[1]!, now));
        const want = refTrack(live, obj, who[0]!, who[1]!, now);
        expect(JSON.stringify(got)).toBe(JSON.stringify(want));
        const prior = live?.metadata?.managedFields;
        if (prior !== undefined && JSON.stringify(prior) === JSON.stringify(want)) {
          expect(got).toBe(prior);
          kept++;
        } else changed++;
        live = deepFreeze({ ...obj, metadata: { ...obj.metadata, managedFields: got } });
        // the next status: a value changed in place (the same fields), or a field added or dropped
        const r = rand();
        const status = r < 0.6 ? { ...live.status, hostIP: `10.0.0.${i}` } : r < 0.8 ? { ...live.status, message: `m${i}` } : mutate(live.status, rand);
        obj = { ...live, status };
      }
    }
    expect(kept).toBeGreaterThan(50);
    expect(changed).toBeGreaterThan(20);
  });
  it("a list the writer's request carries (not frozen) is not returned as its own", () => {
    const wc = { type: "core/v1.Pod", apiVersion: "v1", manager: "kubelet", subresource: "status", now: "2026-01-01T00:00:00Z", reset: setOf([["f:spec"]]) };
    const first = trackUpdate(undefined, pod(), { ...wc, manager: "kube-controller-manager", subresource: "", reset: setOf([["f:status"]]) })!;
    const live = deepFreeze({ ...pod(), metadata: { ...pod().metadata, managedFields: first } });
    const loose = [...first];
    const got = trackUpdate(live, { ...live, metadata: { ...live.metadata, managedFields: loose } }, { ...wc, subresource: "" , manager: "kube-controller-manager", reset: setOf([["f:status"]]) })!;
    expect(JSON.stringify(got)).toBe(JSON.stringify(first));
    expect(got).not.toBe(loose);
    expect(Object.isFrozen(got)).toBe(true);
  });
});

describe("Event creates of one shape, manager and second share one list equal to the straightforward recomputation", () => {
  const event = (i: number, extra: Record<string, unknown> = {}) => ({
    apiVersion: "v1", kind: "Event", metadata: { name: `web.${i}`, namespace: "default" },
    involvedObject: { kind: "Pod", name: `web-${i}`, namespace: "default", uid: `u${i}` }, reason: i % 2 ? "Pulled" : "Started",
    message: `m${i}`, source: { component: "kubelet", host: `node-${i % 3}` }, firstTimestamp: "2026-01-01T00:00:00Z", count: 1, type: "Normal", ...extra,
  });
  it("over creates by a few managers, times and shapes", () => {
    const seen = new Map<string, any[]>();
    let shared = 0;
    for (let i = 0; i < 120; i++) {
      const manager = ["kubelet", "kube-scheduler", "kube-controller-manager"][i % 3]!;
      const now = `2026-01-01T00:00:${String(Math.floor(i / 20)).padStart(2, "0")}Z`;
      const obj = event(i, i % 5 === 0 ? { action: "Binding" } : i % 7 === 0 ? { source: { component: "kubelet" } } : {});
      const got = trackUpdate(undefined, obj, { type: "core/v1.Event", apiVersion: "v1", manager, subresource: "", now })!;
      const want = refTrack(undefined, obj, manager, "", now, "core/v1.Event", false);
      expect(JSON.stringify(got)).toBe(JSON.stringify(want));
      expect(Object.isFrozen(got) && Object.isFrozen(got[0])).toBe(true);
      const key = JSON.stringify(want);
      const before = seen.get(key);
      if (before === got) shared++;
      seen.set(key, got);
    }
    expect(shared).toBeGreaterThan(40);
  });
});

describe("creates of one shape share their sets, each equal to the straightforward recomputation", () => {
  // bodies without lists, changed at random (keys added and dropped, nulls, empty maps, scalars
  // turned to maps), each created as it is and again with every scalar changed (the same shape)
  const event = () => ({
    apiVersion: "v1", kind: "Event", metadata: { name: "web.1", namespace: "default", labels: { app: "web" } },
    involvedObject: { kind: "Pod", name: "web-1", namespace: "default", uid: "u1" }, reason: "Pulled",
    message: "m", source: { component: "kubelet", host: "node-1" }, firstTimestamp: "2026-01-01T00:00:00Z", count: 1, type: "Normal",
  });
  const rescalar = (v: any): any => (Array.isArray(v) ? v.map(rescalar) : isMap(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rescalar(x)])) : typeof v === "string" ? `${v}!` : typeof v === "number" ? v + 7 : typeof v === "boolean" ? !v : v);
  it("for Events and pods (with and without their lists) on endpoints with and without a status", () => {
    const rand = rng(41);
    let cur: any = event();
    for (let i = 0; i < 150; i++) {
      cur = mutate(rand() < 0.2 ? event() : cur, rand);
      const now = "2026-01-01T00:00:00Z";
      for (const obj of [cur, rescalar(cur), cur]) {
        const got = trackUpdate(undefined, obj, { type: "core/v1.Event", apiVersion: "v1", manager: "kubelet", subresource: "", now });
        expect(JSON.stringify(got ?? [])).toBe(JSON.stringify(refTrack(undefined, obj, "kubelet", "", now, "core/v1.Event", false)));
      }
    }
    const listless = (p: any) => ({ ...p, spec: { nodeName: p.spec?.nodeName, restartPolicy: "Always" }, status: { phase: "Pending" } });
    for (const v of [pod(), ...variants(60, 43)]) {
      for (const obj of [v, listless(v), rescalar(listless(v))]) {
        const wc = { type: "core/v1.Pod", apiVersion: "v1", manager: "kube-controller-manager", subresource: "", now: "2026-01-01T00:00:00Z", reset: resetFields(true, "") };
        expect(JSON.stringify(trackUpdate(undefined, obj, wc) ?? [])).toBe(JSON.stringify(refTrack(undefined, obj, "kube-controller-manager", "", wc.now)));
      }
    }
  });
});

describe("an Update's manager identifier, kept by its parts, is the JSON of the entry without its fields", () => {
  it("for managers, versions and subresources that could run together", () => {
    const parts = ["", "a", "a/b", "b", "b/c", "1:", "apps/v1", "v1", "status", 'q"uote', "ünï"];
    for (let round = 0; round < 2; round++) {
      for (const m of parts) for (const v of parts) for (const s of parts) {
        const o: Record<string, string> = {};
        if (m) o.manager = m;
        o.operation = "Update";
        if (v) o.apiVersion = v;
        if (s) o.subresource = s;
        expect(updaterId(m, v, s)).toBe(JSON.stringify(o));
      }
    }
  });
});

describe("a stored list the decoded memo has let go decodes and is written as one it still holds", () => {
  it("a pod's status writes after hundreds of other pods' writes equal the straightforward recomputation, and a write that changes no entry keeps the stored list", () => {
    const wc = (manager: string, subresource: string, now: string) => ({ type: "core/v1.Pod", apiVersion: "v1", manager, subresource, now, reset: subresource === "status" ? setOf([["f:spec"]]) : setOf([["f:status"]]) });
    const now = "2026-01-01T00:00:07Z";
    const base = pod();
    let live: any = deepFreeze({ ...base, metadata: { ...base.metadata, managedFields: trackUpdate(undefined, base, wc("kube-controller-manager", "", now)) } });
    const status = { ...live.status, hostIP: "10.0.0.9" };
    const first = trackUpdate(live, { ...live, status }, wc("kubelet", "status", now))!;
    live = deepFreeze({ ...live, status, metadata: { ...live.metadata, managedFields: first } });
    // other objects' writes, more than the memo keeps
    for (let i = 0; i < 1200; i++) {
      const other = pod();
      other.metadata.name = `other-${i}`;
      trackUpdate(undefined, other, wc("kube-controller-manager", "", now));
    }
    const copy = decodeManagedFields(structuredClone(first));
    const again = decodeManagedFields(first);
    expect([...again.keys()]).toEqual([...copy.keys()]);
    for (const [id, e] of again) expect({ ...e, set: asPaths(e.set) }).toEqual({ ...copy.get(id)!, set: asPaths(copy.get(id)!.set) });
    for (let i = 0; i < 1200; i++) trackUpdate(undefined, { ...pod(), metadata: { ...pod().metadata, name: `more-${i}` } }, wc("kube-controller-manager", "", now));
    // the same status again within the second: nothing changes, so the stored list itself
    const same = trackUpdate(live, { ...live, status: { ...status } }, wc("kubelet", "status", now));
    expect(JSON.stringify(same)).toBe(JSON.stringify(refTrack(live, { ...live, status }, "kubelet", "status", now)));
    expect(same).toBe(first);
    // a new field: recorded as the recomputation says
    const grown = { ...status, message: "m" };
    const next = trackUpdate(live, { ...live, status: grown }, wc("kubelet", "status", "2026-01-01T00:00:08Z"));
    expect(JSON.stringify(next)).toBe(JSON.stringify(refTrack(live, { ...live, status: grown }, "kubelet", "status", "2026-01-01T00:00:08Z")));
  });
});

describe("FieldsV1 just emitted decodes as a copy of it does", () => {
  it("for the field sets of pods changed at random, each decoding to the members of the set it came from", () => {
    for (const v of variants(200, 29)) {
      const s = compare(pod(), v, "core/v1.Pod").added;
      const json = toFieldsV1(s);
      const back = fromFieldsV1(json);
      expect(asPaths(back)).toEqual(asPaths(fromFieldsV1(structuredClone(json))));
      expect(asPaths(back)).toEqual(asPaths(s));
    }
  });
  it("a child that is no member and has none decodes as the member its JSON spells", () => {
    // FieldsV1 writes such a child as {}, which fieldpath.Set.FromJSON reads as a member
    const odd: FieldSet = { self: false, kids: new Map([["f:a", { self: false, kids: new Map() }], ["f:b", setOf([["f:c"]])]]) };
    const json = toFieldsV1(odd);
    expect(asPaths(fromFieldsV1(json))).toEqual(asPaths(fromFieldsV1(structuredClone(json))));
    expect(asPaths(fromFieldsV1(json))).toContain(JSON.stringify(["f:a"]));
  });
  it("a set nested past the bound is refused when its own FieldsV1 is decoded", () => {
    const path: string[] = [];
    for (let i = 0; i <= fieldsV1MaxDepth + 1; i++) path.push(`f:n${i}`);
    const json = toFieldsV1(setOf([path]));
    expect(() => fromFieldsV1(structuredClone(json))).toThrow("nested too deeply");
    expect(() => fromFieldsV1(json)).toThrow("nested too deeply");
  });
});

describe("stored FieldsV1 decode to sets that share what their JSON shares", () => {
  it("two lists with one shared subtree decode to one node for it, each set equal to decoding a copy", () => {
    const shared = deepFreeze({ "f:containers": { 'k:{"name":"app"}': { ".": {}, "f:image": {}, "f:name": {} } } });
    const a = deepFreeze({ "f:spec": shared, "f:status": { "f:podIP": {} } });
    const b = deepFreeze({ "f:spec": shared, "f:status": { "f:hostIP": {} } });
    const sa = fromFieldsV1(a), sb = fromFieldsV1(b);
    expect(sa.kids.get("f:spec")).toBe(sb.kids.get("f:spec"));
    expect(asPaths(sa)).toEqual(asPaths(fromFieldsV1(structuredClone(a))));
    expect(asPaths(sb)).toEqual(asPaths(fromFieldsV1(structuredClone(b))));
    // encoding the decoded set gives the stored JSON back
    expect(toFieldsV1(sa)).toBe(a);
  });
  it("a stored subtree decoded on its own is still refused when met nested past the bound", () => {
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 10; i++) deep = { [`f:d${i}`]: deep };
    deepFreeze(deep);
    fromFieldsV1(deep);
    let outer: Record<string, unknown> = deep;
    for (let i = 0; i < fieldsV1MaxDepth - 5; i++) outer = { [`f:o${i}`]: outer };
    expect(() => fromFieldsV1(structuredClone(outer))).toThrow("nested too deeply");
    expect(() => fromFieldsV1(deepFreeze(outer))).toThrow("nested too deeply");
  });
});
