// endpointsWithMemo against the full recompute: random pod and Service changes, and after every
// step the Endpoints built from the last sync's memo equal endpointsFor over the same pods.

import { describe, it, expect } from "vitest";
import fc from "fast-check";
import type { Pod, Service } from "kubernetes-types/core/v1";
import { endpointsFor, endpointsWithMemo, type EndpointsMemo } from "./endpoints.logic.js";
import { matchesServiceSelector } from "../common/endpointutil.js";
import { makePod, makeService, podSpecs, svcSpecs, type PodSpec, type SvcSpec } from "../common/endpointtesting.js";

const podSpec = podSpecs({ maxIp: 6, uids: true });
const svcSpec = svcSpecs({ portless: true });

type Op =
  | { kind: "add"; spec: PodSpec }
  | { kind: "update"; which: number; spec: PodSpec }
  | { kind: "ready"; which: number }
  | { kind: "ip"; which: number; ip: number | undefined }
  | { kind: "delete"; which: number }
  | { kind: "service"; spec: SvcSpec }
  | { kind: "many"; specs: PodSpec[] }
  | { kind: "relist" }
  | { kind: "nothing" };

const op: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant("add" as const), spec: podSpec }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant("update" as const), which: fc.nat(), spec: podSpec }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant("ready" as const), which: fc.nat() }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant("ip" as const), which: fc.nat(), ip: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant("delete" as const), which: fc.nat() }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant("service" as const), spec: svcSpec }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant("many" as const), specs: fc.array(podSpec, { minLength: 5, maxLength: 40 }) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant("relist" as const) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant("nothing" as const) }), weight: 1 },
);

/** A pod informer's store in miniature: insertion order kept, an update replaces in place. */
class Pods {
  private byName = new Map<string, { pod: Pod; spec: PodSpec; born: number }>();
  private gen = 0;
  add(spec: PodSpec): void {
    const name = `p${this.gen % 40}`;
    // A name still in use is deleted first (it then comes back at the end, as a new object would).
    this.byName.delete(name);
    const born = ++this.gen;
    this.byName.set(name, { pod: makePod(name, born, born, spec), spec, born });
  }
  names(): string[] {
    return [...this.byName.keys()];
  }
  change(which: number, f: (s: PodSpec) => PodSpec): void {
    const names = this.names();
    if (names.length === 0) return;
    const name = names[which % names.length]!;
    const { spec: was, born } = this.byName.get(name)!;
    const spec = f(was);
    this.byName.set(name, { pod: makePod(name, born, ++this.gen, spec), spec, born });
  }
  delete(which: number): void {
    const names = this.names();
    if (names.length > 0) this.byName.delete(names[which % names.length]!);
  }
  /** A relist: every pod comes back as another object of the same version (the memo knows pods by identity). */
  relist(): void {
    for (const [name, e] of this.byName) this.byName.set(name, { ...e, pod: makePod(name, e.born, Number(e.pod.metadata?.resourceVersion ?? 7), e.spec) });
  }
  /** The pods in store order: all of them, or those the selector picks (what selectedPods gives the controller). */
  list(service?: Service): Pod[] {
    const all = [...this.byName.values()].map((e) => e.pod);
    return service === undefined ? all : all.filter((p) => matchesServiceSelector(service.spec?.selector, p.metadata?.labels));
  }
}

describe("endpointsWithMemo equals endpointsFor after every change", () => {
  it("random pod adds, updates, readiness and IP changes, deletes and Service changes", () => {
    let incremental = 0;
    fc.assert(
      fc.property(svcSpec, fc.array(op, { minLength: 1, maxLength: 60 }), fc.boolean(), (first, ops, allPods) => {
        const pods = new Pods();
        let service = makeService(first);
        let memo: EndpointsMemo | undefined;
        for (const o of ops) {
          if (o.kind === "add") pods.add(o.spec);
          else if (o.kind === "update") pods.change(o.which, () => o.spec);
          else if (o.kind === "ready") pods.change(o.which, (s) => ({ ...s, ready: !s.ready }));
          else if (o.kind === "ip") pods.change(o.which, (s) => ({ ...s, ip: o.ip }));
          else if (o.kind === "delete") pods.delete(o.which);
          else if (o.kind === "service") service = makeService(o.spec);
          else if (o.kind === "many") for (const s of o.specs) pods.add(s);
          else if (o.kind === "relist") pods.relist();
          // The controller passes the selected pods; endpointsFor also copes with the whole namespace.
          const input = allPods ? pods.list() : pods.list(service);
          const trigger = o.kind === "nothing" ? {} : { lastChangeTriggerTime: 1_700_000_000_000 + ops.indexOf(o) };
          const before = memo;
          const got = endpointsWithMemo(memo, service, input, trigger);
          if (before !== undefined && got.memo !== undefined && before.service === service) incremental++;
          expect(got.endpoints).toEqual(endpointsFor(service, input.slice(), trigger));
          memo = got.memo;
        }
      }),
      { numRuns: 300 },
    );
    // The memo path ran (not only the fallback).
    expect(incremental).toBeGreaterThan(1000);
  });

  it("keeps the memo for pods from one template, and the very same memo for the very same pods", () => {
    const service = makeService({ named: true, twoPorts: false, publishNotReady: false, headless: false, noPorts: false, team: "a" });
    const spec: PodSpec = { ready: true, ip: 1, app: "web", deleting: false, phase: "Running", hostname: false, containerPort: 8080, noUid: false, node: undefined };
    const a = makePod("a", 1, 1, spec);
    const b = makePod("b", 2, 2, { ...spec, ip: 2, ready: false });
    const first = endpointsWithMemo(undefined, service, [a, b]);
    expect(first.memo).toBeDefined();
    expect(endpointsWithMemo(first.memo, service, [a, b]).memo).toBe(first.memo);
    // b turns ready: a's address stays where it was, b's moves to the ready ones.
    const b2 = makePod("b", 2, 3, { ...spec, ip: 2, ready: true });
    const second = endpointsWithMemo(first.memo, service, [a, b2]);
    expect(second.memo!.ready.map((x) => x.ip)).toEqual(["10.0.0.1", "10.0.0.2"]);
    expect(second.memo!.notReady).toEqual([]);
    expect(second.endpoints).toEqual(endpointsFor(service, [a, b2]));
  });
});
