// The admission listers' memos (per version of the watch cache's map of a kind) against listing the
// cache again, written here on its own: through random creates, updates and deletes of
// LimitRanges, ResourceQuotas and PriorityClasses in a few namespaces.

import { OrderedMap } from "immutable";
import { describe, expect, it } from "vitest";
import { inNamespace, priorityClasses } from "./apiserver.logic.js";

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

type ByKind = OrderedMap<string, OrderedMap<string, any>>;

const listed = (byKind: ByKind, kind: string, ns: string | undefined) =>
  ns === undefined ? [] : [...(byKind.get(kind)?.values() ?? [])].filter((o) => o.metadata.namespace === ns).sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));

const classes = (byKind: ByKind) =>
  new Map([...(byKind.get("PriorityClass")?.values() ?? [])].map((pc) => [pc.metadata.name, { value: pc.value, globalDefault: pc.globalDefault === true, ...(pc.preemptionPolicy ? { preemptionPolicy: pc.preemptionPolicy } : {}) }]));

describe("the admission listers equal listing the watch cache again", () => {
  it("through random writes of LimitRanges, ResourceQuotas and PriorityClasses", () => {
    const rand = rng(5);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
    let byKind: ByKind = OrderedMap();
    let same = 0;
    for (let i = 0; i < 400; i++) {
      const before = byKind;
      const kind = pick(["LimitRange", "ResourceQuota", "PriorityClass", "ConfigMap"]);
      const ns = kind === "PriorityClass" ? undefined : pick(["default", "a", "b"]);
      const name = pick(["x", "y", "z", "w"]);
      const key = `${kind}/${ns ?? ""}/${name}`;
      const m = byKind.get(kind) ?? OrderedMap<string, any>();
      const r = rand();
      if (r < 0.25) byKind = byKind.set(kind, m.remove(key));
      else if (r < 0.35) { /* no write: the same version */ }
      else byKind = byKind.set(kind, m.set(key, { kind, metadata: { name, ...(ns ? { namespace: ns } : {}) }, value: i, ...(rand() < 0.3 ? { globalDefault: true } : {}), ...(rand() < 0.3 ? { preemptionPolicy: "Never" } : {}) }));
      const ctx = { cache: { byKind } } as any;
      for (const k of ["LimitRange", "ResourceQuota"]) {
        for (const n of ["default", "a", "b", "c", undefined]) {
          const got = inNamespace(ctx, k, n);
          expect(got).toEqual(listed(byKind, k, n));
          // asked again, of the same version: the same list
          expect(inNamespace({ cache: { byKind } } as any, k, n)).toBe(got);
        }
      }
      const pcs = priorityClasses(ctx);
      expect([...pcs]).toEqual([...classes(byKind)]);
      if (byKind.get("PriorityClass") === before.get("PriorityClass") && byKind.get("PriorityClass") !== undefined) {
        expect(priorityClasses({ cache: { byKind: before } } as any)).toBe(pcs);
        same++;
      }
    }
    expect(same).toBeGreaterThan(100);
  });
});
