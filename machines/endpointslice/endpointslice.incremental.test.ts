// reconcileSlicesWithMemo against the full reconcile: random pod, node, Service and slice changes,
// and after every step the changes computed from the last sync's memo equal reconcileSlices over
// the same pods, nodes and cached slices. The changes are then written to the cached slices
// (all, some or none of them, as writes succeed or fail), and now and then someone else edits one.

import { describe, it, expect } from "vitest";
import fc from "fast-check";
import type { Node, Pod, Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { reconcileSlices, reconcileSlicesWithMemo, type SliceChanges, type SliceMemo } from "./endpointslice.logic.js";
import { matchesServiceSelector } from "../common/endpointutil.js";
import { makePod, makeService, podSpecs, svcSpecs, type PodSpec, type SvcSpec } from "../common/endpointtesting.js";
import { deepFreeze } from "../common/equal.js";

const podSpec = podSpecs({ maxIp: 8, nodes: true });
const svcSpec = svcSpecs();

type Op =
  | { kind: "add"; spec: PodSpec }
  | { kind: "update"; which: number; spec: PodSpec }
  | { kind: "ready"; which: number }
  | { kind: "ip"; which: number; ip: number | undefined }
  | { kind: "touch"; which: number }
  | { kind: "delete"; which: number }
  | { kind: "service"; spec: SvcSpec }
  | { kind: "zone"; node: number; zone: string }
  | { kind: "max"; max: number }
  | { kind: "many"; specs: PodSpec[] }
  | { kind: "edit"; which: number; drop: boolean }
  | { kind: "relist" }
  | { kind: "nothing" };

const op: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant("add" as const), spec: podSpec }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant("update" as const), which: fc.nat(), spec: podSpec }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant("ready" as const), which: fc.nat() }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant("ip" as const), which: fc.nat(), ip: fc.option(fc.integer({ min: 1, max: 8 }), { nil: undefined }) }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant("touch" as const), which: fc.nat() }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant("delete" as const), which: fc.nat() }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant("service" as const), spec: svcSpec }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant("zone" as const), node: fc.integer({ min: 0, max: 2 }), zone: fc.constantFrom("zone-a", "zone-b", "") }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant("max" as const), max: fc.integer({ min: 2, max: 6 }) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant("many" as const), specs: fc.array(podSpec, { minLength: 3, maxLength: 15 }) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant("edit" as const), which: fc.nat(), drop: fc.boolean() }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant("relist" as const) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant("nothing" as const) }), weight: 2 },
);

/** The pod, node and slice caches in miniature: insertion order kept, an update replaces in place. */
class World {
  pods = new Map<string, { pod: Pod; spec: PodSpec; born: number }>();
  nodes: ReadonlyMap<string, Node> = new Map();
  slices: EndpointSlice[] = [];
  private gen = 0;
  constructor() {
    for (let i = 0; i < 3; i++) this.setZone(i, i === 2 ? "" : "zone-a");
  }
  setZone(i: number, zone: string): void {
    const next = new Map(this.nodes);
    next.set(`node-${i}`, deepFreeze({ metadata: { name: `node-${i}`, labels: zone ? { "topology.kubernetes.io/zone": zone } : {} } }));
    this.nodes = next;
  }
  add(spec: PodSpec): void {
    const name = `p${this.gen % 30}`;
    this.pods.delete(name);
    const born = ++this.gen;
    this.pods.set(name, { pod: makePod(name, born, born, spec), spec, born });
  }
  change(which: number, f: (s: PodSpec) => PodSpec): void {
    const names = [...this.pods.keys()];
    if (names.length === 0) return;
    const name = names[which % names.length]!;
    const { spec, born } = this.pods.get(name)!;
    const next = f(spec);
    this.pods.set(name, { pod: makePod(name, born, ++this.gen, next), spec: next, born });
  }
  delete(which: number): void {
    const names = [...this.pods.keys()];
    if (names.length > 0) this.pods.delete(names[which % names.length]!);
  }
  /** A relist: every pod comes back as another object of the same version (the memo knows pods by identity). */
  relist(): void {
    for (const [name, e] of this.pods) this.pods.set(name, { ...e, pod: makePod(name, e.born, Number(e.pod.metadata?.resourceVersion ?? 7), e.spec) });
  }
  selected(service: Service): Pod[] {
    return [...this.pods.values()].map((e) => e.pod).filter((p) => matchesServiceSelector(service.spec?.selector, p.metadata?.labels));
  }
  /** The first `n` writes of the changes land, as the API server would store them. */
  write(changes: SliceChanges, n: number): void {
    const writes = [...changes.create.map((s) => ["create", s] as const), ...changes.update.map((s) => ["update", s] as const), ...changes.delete.map((s) => ["delete", s] as const)].slice(0, n);
    for (const [action, s] of writes) {
      const rv = String(++this.gen);
      if (action === "create") this.slices = [...this.slices, deepFreeze({ ...s, metadata: { ...s.metadata, name: `web-${this.gen}`, resourceVersion: rv } })];
      else if (action === "update") this.slices = this.slices.map((x) => (x.metadata?.name === s.metadata?.name ? deepFreeze({ ...s, metadata: { ...s.metadata, resourceVersion: rv } }) : x));
      else this.slices = this.slices.filter((x) => x.metadata?.name !== s.metadata?.name);
    }
  }
  /** Someone else edits a slice: drops its last endpoint, or its labels. */
  edit(which: number, drop: boolean): void {
    if (this.slices.length === 0) return;
    const i = which % this.slices.length;
    const s = this.slices[i]!;
    const edited = drop ? { ...s, endpoints: s.endpoints.slice(0, -1) } : { ...s, metadata: { ...s.metadata, labels: { ...s.metadata?.labels, team: "edited" } } };
    this.slices = this.slices.map((x, j) => (j === i ? deepFreeze(edited) : x));
  }
}

describe("reconcileSlicesWithMemo equals reconcileSlices after every change", () => {
  it("random pod, node, Service, slice-size and slice changes, writes landing or not", () => {
    let reused = 0;
    fc.assert(
      fc.property(svcSpec, fc.array(fc.tuple(op, fc.integer({ min: 0, max: 8 })), { minLength: 1, maxLength: 50 }), (first, steps) => {
        const w = new World();
        let service = makeService(first);
        let max = 4;
        let memo: SliceMemo | undefined;
        for (const [o, landed] of steps) {
          if (o.kind === "add") w.add(o.spec);
          else if (o.kind === "update") w.change(o.which, () => o.spec);
          else if (o.kind === "ready") w.change(o.which, (s) => ({ ...s, ready: !s.ready }));
          else if (o.kind === "ip") w.change(o.which, (s) => ({ ...s, ip: o.ip }));
          else if (o.kind === "touch") w.change(o.which, (s) => s);
          else if (o.kind === "delete") w.delete(o.which);
          else if (o.kind === "service") service = makeService(o.spec);
          else if (o.kind === "zone") w.setZone(o.node, o.zone);
          else if (o.kind === "max") max = o.max;
          else if (o.kind === "many") for (const s of o.specs) w.add(s);
          else if (o.kind === "edit") w.edit(o.which, o.drop);
          else if (o.kind === "relist") w.relist();
          const nodes = w.nodes;
          const nodeNamed = (name: string) => nodes.get(name);
          const pods = w.selected(service);
          const slices = w.slices;
          const before = memo;
          const got = reconcileSlicesWithMemo(memo, service, pods, slices, { nodeNamed, nodeStore: nodes, maxEndpointsPerSlice: max });
          if (before !== undefined && before.desired === got.memo?.desired) reused++;
          expect(got.changes).toEqual(reconcileSlices(service, pods.slice(), slices.slice(), { nodes: [...nodes.values()], maxEndpointsPerSlice: max }));
          memo = got.memo;
          w.write(got.changes, landed);
        }
      }),
      { numRuns: 300 },
    );
    // The memo's desired endpoints were kept (not only recomputed).
    expect(reused).toBeGreaterThan(500);
  });
});
