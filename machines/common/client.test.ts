import { describe, it, expect } from "vitest";
import { OrderedMap } from "immutable";
import { onListed, onWatchEvent, newClient, startInformer, storeClaimCandidates, storeControlledBy, storeControlledCount, storeLabelCount, storeSelect, storeSelecting, type ClientState, type IndexKind, type Informer } from "./client.js";
import { Fx } from "./effects.js";
import { claimPods } from "./claim.js";
import fc from "fast-check";

// The index-backed lookups must return exactly what filtering the whole store would, in store order.
function pod(name: string, labels: Record<string, string>, owner?: string, ns = "default"): any {
  const metadata: any = { name, namespace: ns, labels, resourceVersion: "1" };
  if (owner) metadata.ownerReferences = [{ kind: "ReplicaSet", name: "rs", uid: owner, controller: true }];
  return { kind: "Pod", metadata };
}

function informer(pods: any[]): Informer {
  return { watchId: 1, group: "", resource: "pods", store: OrderedMap(pods.map((p) => [`${p.metadata.namespace}/${p.metadata.name}`, p] as [string, any])), resourceVersion: "1", synced: true };
}

// An informer started `indexed` and filled by a list, as a controller's is: lookups read its kept index.
function listed(pods: any[], indexed: boolean | readonly IndexKind[] = true): { c: ClientState; inf: () => Informer } {
  const c = newClient("t");
  startInformer(c, new Fx(), 1, { group: "", resource: "pods", indexed });
  onListed(c, new Fx(), c.informers.get(1)!, { kind: "PodList", apiVersion: "v1", metadata: { resourceVersion: "1" }, items: pods });
  return { c, inf: () => c.informers.get(1)! };
}

const names = (xs: any[]) => xs.map((p) => p.metadata.name);

describe("storeClaimCandidates", () => {
  const pods = [
    pod("a", { app: "web" }), pod("b", { app: "db" }, "u1"), pod("c", { app: "web" }, "u2"),
    pod("d", { app: "web", tier: "x" }), pod("e", { app: "web" }, undefined, "other"), pod("f", { app: "db" }),
  ];
  const rows: { name: string; selector: any; uid: string | undefined; want: string[] }[] = [
    { name: "pods matching matchLabels and pods the controller owns, in store order", selector: { matchLabels: { app: "web" } }, uid: "u1", want: ["a", "b", "c", "d"] },
    { name: "an empty selector selects the whole namespace", selector: {}, uid: undefined, want: ["a", "b", "c", "d", "f"] },
    { name: "a selector with only matchExpressions falls back to the namespace", selector: { matchExpressions: [{ key: "app", operator: "Exists" }] }, uid: undefined, want: ["a", "b", "c", "d", "f"] },
    { name: "a nil selector leaves only the owned pods", selector: undefined, uid: "u2", want: ["c"] },
    { name: "no pod matches: nothing but the owned pods", selector: { matchLabels: { app: "none" } }, uid: "u1", want: ["b"] },
  ];
  for (const r of rows) {
    it(r.name, () => {
      expect(names(storeClaimCandidates(informer(pods), "default", r.selector, r.uid))).toEqual(r.want);
      expect(names(storeClaimCandidates(listed(pods).inf(), "default", r.selector, r.uid))).toEqual(r.want);
    });
  }
});

describe("storeControlledBy and the index under watch events", () => {
  it("finds the pods whose controller ownerReference has the uid, only in the namespace asked", () => {
    const inf = informer([pod("a", {}, "u1"), pod("b", {}, "u2"), pod("c", {}, "u1"), pod("d", {}, "u1", "other")]);
    expect(names(storeControlledBy(inf, "default", "u1"))).toEqual(["a", "c"]);
    expect(storeControlledBy(inf, "default", undefined)).toEqual([]);
  });

  it("follows watch events: a pod whose controller changes moves between owners, a deleted pod leaves", () => {
    const { c, inf } = listed([pod("a", {}, "u1"), pod("b", {}, "u1")]);
    expect(names(storeControlledBy(inf(), "default", "u1"))).toEqual(["a", "b"]);
    const fx = new Fx();
    onWatchEvent(c, fx, { type: "WatchEvent", watchId: 1, eventType: "MODIFIED", object: { ...pod("a", {}, "u2"), metadata: { ...pod("a", {}, "u2").metadata, resourceVersion: "2" } } } as any);
    onWatchEvent(c, fx, { type: "WatchEvent", watchId: 1, eventType: "DELETED", object: { ...pod("b", {}, "u1"), metadata: { ...pod("b", {}, "u1").metadata, resourceVersion: "3" } } } as any);
    expect(names(storeControlledBy(inf(), "default", "u1"))).toEqual([]);
    expect(names(storeControlledBy(inf(), "default", "u2"))).toEqual(["a"]);
  });

  it("a status-only update keeps the label index answering in store order", () => {
    const { c, inf } = listed([pod("a", { app: "web" }), pod("b", { app: "web" })]);
    expect(names(storeSelect(inf(), "default", { app: "web" }))).toEqual(["a", "b"]);
    onWatchEvent(c, new Fx(), { type: "WatchEvent", watchId: 1, eventType: "MODIFIED", object: { ...pod("a", { app: "web" }), metadata: { ...pod("a", { app: "web" }).metadata, resourceVersion: "2" }, status: { phase: "Running" } } } as any);
    const got = storeSelect(inf(), "default", { app: "web" });
    expect(names(got)).toEqual(["a", "b"]);
    expect(got[0].status.phase).toBe("Running");
  });
});

describe("storeClaimCandidates feeds ClaimPods", () => {
  // Candidates may be a superset (the smallest matchLabels pair's posting plus the owned objects):
  // ClaimPods over them must decide exactly as ClaimPods over the whole namespace in store order.
  const label = fc.constantFrom("a", "b", "c");
  const podArb = fc.record({
    labels: fc.dictionary(fc.constantFrom("app", "tier", "hash"), label, { maxKeys: 3 }),
    owner: fc.option(fc.constantFrom("u1", "u2"), { nil: undefined }),
    ns: fc.constantFrom("default", "other"),
  });
  const selectorArb = fc.option(fc.record({
    matchLabels: fc.option(fc.dictionary(fc.constantFrom("app", "tier", "hash"), label, { maxKeys: 3 }), { nil: undefined }),
  }, { requiredKeys: [] }), { nil: undefined });
  it("claims, adopts and releases the same pods either way", () => {
    fc.assert(fc.property(fc.array(podArb, { maxLength: 12 }), selectorArb, fc.constantFrom("u1", "u2"), (specs, selector, uid) => {
      const pods = specs.map((s, i) => pod(`p${i}`, s.labels, s.owner, s.ns));
      const owner = { metadata: { namespace: "default", uid, name: "rs" }, spec: { selector } };
      const ref = { apiVersion: "apps/v1", kind: "ReplicaSet", name: "rs", uid, controller: true };
      const whole = claimPods(owner as any, ref, pods.filter((p) => p.metadata.namespace === "default"));
      expect(claimPods(owner as any, ref, storeClaimCandidates(listed(pods).inf(), "default", selector, uid))).toEqual(whole);
      expect(claimPods(owner as any, ref, storeClaimCandidates(informer(pods), "default", selector, uid))).toEqual(whole);
    }), { numRuns: 300 });
  });
});

describe("a watch stream that ends without an event (reflector.watch)", () => {
  // client-go's StreamWatcher reads a broken connection as the end of the stream, and the
  // reflector watches again from the last resourceVersion it saw (not a re-list); only a 410 for
  // that resourceVersion makes it re-list.
  it("CLOSED: the informer watches again from its last event's resourceVersion and keeps its store", () => {
    const { c, inf } = listed([pod("a", {})]);
    const fx = new Fx();
    onWatchEvent(c, fx, { type: "WatchEvent", watchId: 1, eventType: "MODIFIED", object: { ...pod("a", { x: "1" }), metadata: { ...pod("a", { x: "1" }).metadata, resourceVersion: "7" } } } as any);
    const got = onWatchEvent(c, fx, { type: "WatchEvent", watchId: 1, eventType: "CLOSED", object: undefined } as any);
    expect(got).toBeUndefined();
    expect(fx.sends.map((s) => [s.to, s.msg.verb, s.msg.resource, s.msg.resourceVersion])).toEqual([["apiserver", "watch", "pods", "7"]]);
    expect(names([...inf().store.values()])).toEqual(["a"]);
  });

  it("a 410 on the resumed watch (its resourceVersion compacted meanwhile) re-lists", () => {
    const { c } = listed([pod("a", {})]);
    const fx = new Fx();
    onWatchEvent(c, fx, { type: "WatchEvent", watchId: 1, eventType: "CLOSED", object: undefined } as any);
    const got = onWatchEvent(c, fx, { type: "WatchEvent", watchId: 1, eventType: "ERROR", object: { kind: "Status", code: 410, reason: "Expired" } } as any);
    expect(got).toBe("relisted");
    expect(fx.sends.map((s) => [s.msg.verb, s.msg.resourceVersion ?? ""])).toEqual([["watch", "1"], ["list", expect.any(String)]]);
  });
});

describe("storeLabelCount: a count kept with the label index as watch events change it", () => {
  // The count must be what summing over the store gives at every moment: the objects of the
  // namespace carrying the selector's pair fewest objects carry (the first of equals), or
  // undefined when some pair has no object. Asked between events, so kept counts are moved by
  // each event rather than summed afresh.
  const count = { id: "count,ready,weight", of: (o: any) => [1, o.status?.ready ? 1 : 0, o.status?.weight ?? 0] };
  const other = { id: "owned-by-u1", of: (o: any) => [o.metadata.ownerReferences?.[0]?.uid === "u1" ? 1 : 0] };
  const labelsArb = fc.dictionary(fc.constantFrom("app", "tier"), fc.constantFrom("a", "b"), { maxKeys: 2 });
  const eventArb = fc.record({
    type: fc.constantFrom("ADDED", "MODIFIED", "MODIFIED", "DELETED"),
    name: fc.constantFrom("p0", "p1", "p2", "p3", "p4", "p5"),
    ns: fc.constantFrom("default", "other"),
    labels: labelsArb,
    owner: fc.option(fc.constantFrom("u1", "u2"), { nil: undefined }),
    ready: fc.boolean(),
    weight: fc.integer({ min: 0, max: 5 }),
  });
  const selectorArb = fc.dictionary(fc.constantFrom("app", "tier"), fc.constantFrom("a", "b"), { minKeys: 1, maxKeys: 2 });

  function expected(objects: Iterable<any>, ns: string, sel: Record<string, string>, of: (o: any) => number[]): number[] | undefined {
    const store = [...objects];
    let best: any[] | undefined;
    for (const [k, v] of Object.entries(sel)) {
      const objs = store.filter((o) => o.metadata.namespace === ns && o.metadata.labels?.[k] === v);
      if (objs.length === 0) return undefined;
      if (best === undefined || objs.length < best.length) best = objs;
    }
    return best!.map(of).reduce((a, b) => a.map((x, i) => x + b[i]!));
  }

  it("equals the sum over the store after every event", () => {
    fc.assert(fc.property(fc.array(eventArb, { maxLength: 40 }), fc.array(selectorArb, { minLength: 1, maxLength: 3 }), (events, selectors) => {
      const { c, inf } = listed([pod("p0", { app: "a" }), pod("p1", { app: "a", tier: "b" }, "u1")]);
      let rv = 10;
      const check = () => {
        for (const sel of selectors) for (const ns of ["default", "other"]) for (const k of [count, other]) {
          expect(storeLabelCount(inf(), ns, sel, k)).toEqual(expected(inf().store.values(), ns, sel, k.of));
        }
      };
      check();
      for (const e of events) {
        const o = pod(e.name, e.labels, e.owner, e.ns);
        o.metadata.resourceVersion = String(rv++);
        o.status = { ready: e.ready, weight: e.weight };
        const key = `${e.ns}/${e.name}`;
        const has = inf().store.has(key);
        // events as a watch delivers them: ADDED for a new key, MODIFIED or DELETED for a kept one
        const type = !has ? "ADDED" : e.type === "ADDED" ? "MODIFIED" : e.type;
        onWatchEvent(c, new Fx(), { type: "WatchEvent", watchId: 1, eventType: type, object: o } as any);
        check();
      }
    }), { numRuns: 200 });
  });

  it("stays right for every informer value when histories fork (a value asked after its successors were made, a branch from an earlier one)", () => {
    // Contexts are values and explore forks share them: an informer value taken before some events
    // must keep answering for its own store, and a branch from it must count its own objects.
    fc.assert(fc.property(fc.array(eventArb, { maxLength: 20 }), fc.array(eventArb, { maxLength: 20 }), fc.nat(), fc.nat(), selectorArb, (trunk, branch, at, askAt, sel) => {
      const { c, inf } = listed([pod("p0", { app: "a" }), pod("p1", { app: "a", tier: "b" }, "u1")]);
      let rv = 10;
      const apply = (cl: ClientState, e: (typeof trunk)[number]) => {
        const o = pod(e.name, e.labels, e.owner, e.ns);
        o.metadata.resourceVersion = String(rv++);
        o.status = { ready: e.ready, weight: e.weight };
        const has = cl.informers.get(1)!.store.has(`${e.ns}/${e.name}`);
        const type = !has ? "ADDED" : e.type === "ADDED" ? "MODIFIED" : e.type;
        onWatchEvent(cl, new Fx(), { type: "WatchEvent", watchId: 1, eventType: type, object: o } as any);
      };
      const check = (i: Informer) => {
        for (const ns of ["default", "other"]) {
          for (const k of [count, other]) expect(storeLabelCount(i, ns, sel, k)).toEqual(expected(i.store.values(), ns, sel, k.of));
          const want = [...i.store.values()].filter((o) => o.metadata.namespace === ns && Object.entries(sel).every(([lk, lv]) => o.metadata.labels?.[lk] === lv));
          expect(storeSelect(i, ns, sel)).toEqual(want);
        }
      };
      const values: Informer[] = [inf()];
      for (const [j, e] of trunk.entries()) {
        apply(c, e);
        values.push(inf());
        // counts asked on some values only: later values may be made from one that kept none
        if (j === askAt % (trunk.length + 1)) check(inf());
      }
      // a value from the middle of the trunk, asked now (its successors made), then a branch from it
      const from = values[at % values.length]!;
      check(from);
      const fork: ClientState = { ...c, informers: c.informers.set(1, from) };
      for (const e of branch) {
        apply(fork, e);
        check(fork.informers.get(1)!);
      }
      for (const v of values) check(v);
    }), { numRuns: 200 });
  });
});

describe("an informer keeping only some indexes", () => {
  // A controller names the indexes it reads; every lookup must still answer what filtering the
  // store gives, from the kept index or (for one it does not keep) an index built for the call.
  const kindsArb = fc.subarray(["labels", "selector", "owners"] as const);
  const eventArb = fc.record({
    type: fc.constantFrom("MODIFIED", "MODIFIED", "DELETED"),
    name: fc.constantFrom("p0", "p1", "p2", "p3"),
    ns: fc.constantFrom("default", "other"),
    labels: fc.dictionary(fc.constantFrom("app", "tier"), fc.constantFrom("a", "b"), { maxKeys: 2 }),
    selector: fc.option(fc.dictionary(fc.constantFrom("app", "tier"), fc.constantFrom("a", "b"), { maxKeys: 2 }), { nil: undefined }),
    owner: fc.option(fc.constantFrom("u1", "u2"), { nil: undefined }),
  });
  const sels: Record<string, string>[] = [{ app: "a" }, { app: "a", tier: "b" }, { tier: "a" }];
  const inNs = (i: Informer, ns: string) => [...i.store.values()].filter((o) => o.metadata.namespace === ns);
  const carries = (m: Record<string, string> | undefined, sel: Record<string, string>) => Object.entries(sel).every(([k, v]) => m?.[k] === v);

  it("answers every lookup as filtering the store does, whatever indexes it keeps", () => {
    fc.assert(fc.property(kindsArb, fc.array(eventArb, { maxLength: 25 }), (kinds, events) => {
      const c = newClient("t");
      startInformer(c, new Fx(), 1, { group: "", resource: "pods", indexed: kinds });
      onListed(c, new Fx(), c.informers.get(1)!, { kind: "PodList", apiVersion: "v1", metadata: { resourceVersion: "1" }, items: [pod("p0", { app: "a" }, "u1")] });
      const count = { id: "n", of: () => [1] };
      let rv = 10;
      for (const e of events) {
        const o = pod(e.name, e.labels, e.owner, e.ns);
        o.metadata.resourceVersion = String(rv++);
        if (e.selector !== undefined) o.spec = { selector: e.selector };
        const has = c.informers.get(1)!.store.has(`${e.ns}/${e.name}`);
        onWatchEvent(c, new Fx(), { type: "WatchEvent", watchId: 1, eventType: has ? e.type : "ADDED", object: o } as any);
        const i = c.informers.get(1)!;
        for (const ns of ["default", "other"]) {
          for (const sel of sels) {
            const want = inNs(i, ns).filter((x) => carries(x.metadata.labels, sel));
            expect(storeSelect(i, ns, sel)).toEqual(want);
            const counted = storeLabelCount(i, ns, sel, count);
            const sizes = Object.entries(sel).map(([k, v]) => inNs(i, ns).filter((x) => x.metadata.labels?.[k] === v).length);
            expect(counted).toEqual(sizes.includes(0) ? undefined : [Math.min(...sizes)]);
          }
          expect(storeSelecting(i, ns, { app: "a", tier: "b" })).toEqual(inNs(i, ns).filter((x) => x.spec?.selector && Object.keys(x.spec.selector).length > 0 && carries({ app: "a", tier: "b" }, x.spec.selector)));
          for (const uid of ["u1", "u2"]) {
            const owned = inNs(i, ns).filter((x) => x.metadata.ownerReferences?.[0]?.uid === uid);
            expect(storeControlledBy(i, ns, uid)).toEqual(owned);
            expect(storeClaimCandidates(i, ns, { matchLabels: { app: "a" } }, uid)).toEqual(inNs(i, ns).filter((x) => carries(x.metadata.labels, { app: "a" }) || owned.includes(x)));
          }
        }
        for (const uid of ["u1", "u2"]) expect(storeControlledCount(i, uid)).toBe([...i.store.values()].filter((x) => x.metadata.ownerReferences?.[0]?.uid === uid).length);
      }
    }), { numRuns: 200 });
  });
});

describe("informers fed the same watch events share their store values (a shared informer)", () => {
  // Two controllers' informers of one resource, started alike, hold one store value after the same
  // events, whichever sees each event first; a third that listed something else keeps its own; a
  // fourth and fifth, started alike but indexing less or nothing, hold the same store value too. Each
  // store must be what the events say: a key set keeps its place, a deleted key leaves, an added
  // one goes last, as the reflector's store keeps them.
  const eventArb = fc.record({
    type: fc.constantFrom("ADDED", "MODIFIED", "MODIFIED", "DELETED"),
    name: fc.constantFrom("p0", "p1", "p2", "p3"),
    app: fc.constantFrom("a", "b"),
    owner: fc.constantFrom(undefined, "u1", "u2"),
    lagging: fc.boolean(),
  });

  const ones = { id: "ones", of: () => [1] };

  it("the same values as the events describe, shared between the informers that started alike", () => {
    fc.assert(fc.property(fc.array(eventArb, { maxLength: 30 }), (events) => {
      const a = listed([]);
      const b = listed([]);
      const seed = pod("p9", { app: "a" });
      const c = listed([seed]);
      const d = listed([], ["owners"]);
      const e0 = listed([], false);
      const want = new Map<string, any>();
      const wantC = new Map<string, any>([["default/p9", seed]]);
      const waiting: any[] = [];
      let rv = 10;
      const deliver = (to: { c: ClientState }, ev: any, expectOld: any) => {
        const d = onWatchEvent(to.c, new Fx(), ev) as any;
        expect(d.old).toBe(expectOld);
      };
      for (const e of events) {
        const o = pod(e.name, { app: e.app }, e.owner);
        o.metadata.resourceVersion = String(rv++);
        const key = `default/${e.name}`;
        const type = !want.has(key) ? "ADDED" : e.type === "ADDED" ? "MODIFIED" : e.type;
        const ev = { type: "WatchEvent", watchId: 1, eventType: type, object: o };
        const old = want.get(key);
        deliver(a, ev, old);
        deliver(d, ev, old);
        deliver(e0, ev, old);
        if (type === "DELETED") want.delete(key);
        else want.set(key, o);
        // b sometimes sees events later than a, as a controller whose channel is longer does
        waiting.push([ev, old]);
        if (!e.lagging) for (const [w, wo] of waiting.splice(0)) deliver(b, w, wo);
        const cOld = wantC.get(key);
        if (type !== "DELETED" || cOld !== undefined) {
          deliver(c, { ...ev, eventType: type === "DELETED" ? "DELETED" : cOld === undefined ? "ADDED" : "MODIFIED" }, cOld);
          if (type === "DELETED") wantC.delete(key);
          else wantC.set(key, o);
        }
        expect([...a.inf().store.entries()]).toEqual([...want.entries()]);
        expect([...c.inf().store.entries()]).toEqual([...wantC.entries()]);
        expect(d.inf().store).toBe(a.inf().store);
        expect(e0.inf().store).toBe(a.inf().store);
        // the owner postings are one value for the informers that index owners, whatever else they index
        expect(d.inf().index!.owners).toBe(a.inf().index!.owners);
        for (const uid of ["u1", "u2"]) {
          const owned = [...want.values()].filter((p) => p.metadata.ownerReferences?.[0]?.uid === uid);
          for (const i of [a, d, e0]) {
            expect(storeControlledCount(i.inf(), uid)).toBe(owned.length);
            expect(names(storeControlledBy(i.inf(), "default", uid))).toEqual(names(owned));
          }
        }
        for (const app of ["a", "b"]) {
          expect(names(storeSelect(a.inf(), "default", { app }))).toEqual([...want.values()].filter((p) => p.metadata.labels.app === app).map((p) => p.metadata.name));
          expect(names(storeSelect(d.inf(), "default", { app }))).toEqual([...want.values()].filter((p) => p.metadata.labels.app === app).map((p) => p.metadata.name));
          // counts kept for the shared store move once per event, whichever informer made it
          const n = [...want.values()].filter((p) => p.metadata.labels.app === app).length;
          for (const i of [a, d]) expect(storeLabelCount(i.inf(), "default", { app }, ones)).toEqual(n === 0 ? undefined : [n]);
          expect(names(storeSelect(c.inf(), "default", { app }))).toEqual([...wantC.values()].filter((p) => p.metadata.labels.app === app).map((p) => p.metadata.name));
        }
      }
      for (const [w, wo] of waiting.splice(0)) deliver(b, w, wo);
      expect(b.inf().store).toBe(a.inf().store);
      expect(b.inf().index).toBe(a.inf().index);
    }), { numRuns: 200 });
  });
});
