// The node's other pods are counted once per (pod, allocation) value: an admission over the
// remembered objects decides exactly as one over pods made afresh from their allocations.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { Node, Pod } from "kubernetes-types/core/v1";
import { deepFreeze } from "../common/equal.js";
import { admitPod } from "./admission.js";
import { allocatedPod, allocationFromPod, podFromAllocation, type Allocation } from "./resize.js";

const cpu = fc.constantFrom("100m", "250m", "1", "1500m", "2");
const memory = fc.constantFrom("64Mi", "1Gi", "3Gi", "6Gi");
const requests = fc.record({ cpu, memory }, { requiredKeys: [] });

const pod = (i: number, containers: Array<{ cpu?: string; memory?: string }>, resized: boolean): Pod =>
  deepFreeze({
    metadata: { name: `p${i}`, namespace: "default", uid: `u${i}` },
    spec: { nodeName: "n1", containers: containers.map((r, j) => ({ name: `c${j}`, image: "nginx", resources: { requests: r } })) },
    status: {
      phase: "Running",
      // a resize in progress: the status reports what the runtime applied
      ...(resized ? { containerStatuses: containers.map((r, j) => ({ name: `c${j}`, image: "nginx", imageID: "", ready: true, restartCount: 0, resources: { requests: r } })) as never } : {}),
    },
  } as Pod);

const node: Node = deepFreeze({
  metadata: { name: "n1", labels: { "kubernetes.io/os": "linux" } },
  status: { allocatable: { cpu: "4", memory: "8Gi", pods: "6" }, capacity: { cpu: "4", memory: "8Gi", pods: "6" } },
} as Node);

describe("kubelet admission over remembered pods", () => {
  it("every verdict over the remembered (pod, allocation) objects equals the one over pods made afresh", () => {
    const shape = fc.record({ containers: fc.array(requests, { minLength: 1, maxLength: 2 }), resized: fc.boolean() });
    fc.assert(
      fc.property(fc.array(shape, { minLength: 2, maxLength: 6 }), fc.array(requests, { minLength: 1, maxLength: 3 }), fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat()), { minLength: 1, maxLength: 30 }), (shapes, allocs, steps) => {
        const pods = shapes.map((s, i) => pod(i, s.containers, s.resized));
        // each pod's allocations: its spec's, and others of the same container names
        const allocations: Allocation[][] = pods.map((p) => [
          Object.freeze(allocationFromPod(p)),
          ...allocs.map((r) => Object.freeze(Object.fromEntries((p.spec!.containers ?? []).map((c) => [c.name, { requests: r }])))),
        ]);
        // the node's admitted pods: index -> [pod, allocation]; each step replaces one and admits a candidate
        const admitted = new Map<number, [Pod, Allocation]>();
        for (const [which, alloc, candidate] of steps) {
          const i = which % pods.length;
          const list = allocations[i]!;
          admitted.set(i, [pods[i]!, list[alloc % list.length]!]);
          const c = candidate % pods.length;
          const others = [...admitted].filter(([k]) => k !== c).map(([, v]) => v);
          const remembered = admitPod(pods[c]!, node, others.map(([p, a]) => allocatedPod(p, a)));
          const fresh = admitPod(pods[c]!, node, others.map(([p, a]) => podFromAllocation(p, a)));
          expect(remembered).toEqual(fresh);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("the same pod and allocation give the same object; another allocation another pod", () => {
    const p = pod(0, [{ cpu: "1" }], false);
    const a = Object.freeze(allocationFromPod(p));
    const b = Object.freeze({ c0: { requests: { cpu: "2" } } });
    expect(allocatedPod(p, a)).toBe(allocatedPod(p, a));
    expect(allocatedPod(p, b).spec?.containers?.[0]?.resources?.requests?.cpu).toBe("2");
    expect(allocatedPod(p, a).spec?.containers?.[0]?.resources?.requests?.cpu).toBe("1");
  });
});
