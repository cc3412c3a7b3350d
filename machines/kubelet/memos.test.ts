// The kubelet's small memos against what they stand for: the objects a pod references read once
// per spec and namespace (objects.ts), and a Pull from idle taken once per idle context
// (lifecycles.ts), the containers a resize changes found once per spec and allocation and the
// comparisons of an allocation with what the runtime applied kept per pair (resize.ts), each
// compared with the answer computed afresh.

import { describe, expect, it } from "vitest";
import { transition } from "xstate";
import { deepFreeze } from "../common/equal.js";
import { Rng } from "../common/prng.js";
import { referencedObjects } from "./objects.js";
import { imagePullLifecycle, stepPull } from "./lifecycles.js";
import { imagePullerMachine } from "./imagepuller.machine.js";
import { adoptPod, newWorker } from "./podworkers.js";
import { handlePodResize, hasUnactuated, resizeAction, resizeState } from "./resize.js";
import { WorkerTable } from "./workertable.js";
import type { KubeletContext } from "./types.js";

describe("the objects a pod references, read once per spec", () => {
  const spec = deepFreeze({
    imagePullSecrets: [{ name: "pull" }],
    containers: [{ name: "c", image: "nginx", envFrom: [{ configMapRef: { name: "cm" } }], env: [{ name: "S", valueFrom: { secretKeyRef: { name: "sec", key: "k" } } }] }],
    volumes: [{ name: "v", configMap: { name: "vol" } }],
  });
  const podIn = (namespace: string | undefined, rv: string) => deepFreeze({ metadata: { name: "p", ...(namespace ? { namespace } : {}), resourceVersion: rv }, spec }) as any;
  const expectedIn = (ns: string) => [`secrets/${ns}/pull`, `configmaps/${ns}/cm`, `secrets/${ns}/sec`, `configmaps/${ns}/vol`];

  it("pods sharing a spec in other namespaces (or none) each get their own namespace's objects", () => {
    for (const [ns, want] of [["a", "a"], ["b", "b"], [undefined, "default"], ["a", "a"]] as const) {
      expect([...referencedObjects(podIn(ns, "1"))]).toEqual(expectedIn(want));
      // a later version of the pod (same spec) reads the same
      expect([...referencedObjects(podIn(ns, "2"))]).toEqual(expectedIn(want));
    }
  });

  it("a pod whose spec is not frozen is read as it is now", () => {
    const open = { metadata: { name: "p", namespace: "a" }, spec: { containers: [{ name: "c", envFrom: [{ secretRef: { name: "x" } }] }] } } as any;
    expect([...referencedObjects(open)]).toEqual(["secrets/a/x"]);
    open.spec.containers[0].envFrom[0].secretRef.name = "y";
    expect([...referencedObjects(open)]).toEqual(["secrets/a/y"]);
  });
});

describe("a Pull from idle, taken once per idle context", () => {
  it("gives what XState's transition gives at every time, from the start and after pulls and failures", () => {
    const rng = new Rng(11);
    for (let run = 0; run < 50; run++) {
      const w = newWorker({ metadata: { uid: `u${run}`, name: "p", namespace: "d" }, spec: { containers: [{ name: "c", image: "img" }] } } as any);
      let now = rng.int(1_000_000);
      for (let i = 0; i < 20; i++) {
        now += rng.int(400_000);
        const before = w.pulls.get("img") ?? imagePullLifecycle.start({ image: "img" }).snapshot;
        const r = rng.int(4);
        const event = r === 0 ? { type: "Pulled" as const } : r === 1 ? { type: "PullFailed" as const, now, error: "boom" } : { type: "Pull" as const, now };
        const got = stepPull(w, "img", event);
        // straight from XState, from the same state value and context
        const fresh = transition(imagePullerMachine, imagePullerMachine.resolveState({ value: before.value, context: before.context } as any), event)[0];
        expect({ value: got.value, context: got.context }).toEqual({ value: fresh.value, context: fresh.context });
        expect(w.pulls.get("img")).toBe(got);
      }
    }
  });

  it("a Pull in the back-off still reads its time: inside it stays, after it pulls", () => {
    const w = newWorker({ metadata: { uid: "u", name: "p", namespace: "d" }, spec: { containers: [{ name: "c", image: "img" }] } } as any);
    expect(stepPull(w, "img", { type: "Pull", now: 0 }).value).toBe("pulling");
    expect(stepPull(w, "img", { type: "PullFailed", now: 1_000, error: "boom" }).value).toBe("imagePullBackOff");
    const backingOff = w.pulls.get("img")!;
    expect(stepPull(w, "img", { type: "Pull", now: 2_000 }).value).toBe("imagePullBackOff");
    w.pulls = new Map(w.pulls).set("img", backingOff);
    expect(stepPull(w, "img", { type: "Pull", now: 11_000 }).value).toBe("pulling");
  });
});

describe("a resize's changed containers, found once per spec and allocation", () => {
  // a node of 4 cpu and 4Gi with this one pod (TestHandlePodResourcesResize's node)
  const ctx = { workers: new WorkerTable(), given: { status: { allocatable: { cpu: "4", memory: "4Gi" } } }, now: 0 } as unknown as KubeletContext;
  const specOf = (cpu: string) => ({ containers: [{ name: "c", image: "img", resources: { requests: { cpu, memory: "1Gi" } } }] });
  const meta = (rv: number) => ({ uid: "u", name: "p", namespace: "d", resourceVersion: String(rv), generation: rv });

  it("a frozen spec met again under another allocation (memo) steps as an open copy read afresh does", () => {
    // one frozen spec object per cpu amount, met again later as a pod's later versions keep theirs
    const frozenSpecs = new Map<string, object>();
    const frozenSpec = (cpu: string) => frozenSpecs.get(cpu) ?? frozenSpecs.set(cpu, deepFreeze(specOf(cpu))).get(cpu)!;
    const frozen = newWorker(deepFreeze({ metadata: meta(1), spec: specOf("1") }) as any);
    const open = newWorker({ metadata: meta(1), spec: specOf("1") } as any);
    const steps: Array<[string, string, boolean]> = [];
    ["1", "2", "2", "1", "2", "5", "1"].forEach((cpu, i) => {
      adoptPod(frozen, deepFreeze({ metadata: meta(i + 2), spec: frozenSpec(cpu) }) as any);
      adoptPod(open, { metadata: meta(i + 2), spec: specOf(cpu) } as any);
      const shrank = handlePodResize(ctx, frozen);
      expect(handlePodResize(ctx, open)).toBe(shrank);
      expect(frozen.allocation).toEqual(open.allocation);
      expect(resizeState(frozen)).toBe(resizeState(open));
      steps.push([resizeState(frozen), (frozen.allocation as any).c.requests.cpu, shrank]);
    });
    // handlePodResourcesResize: a spec at the allocation asks nothing; one that fits is allocated
    // (in progress; true when it shrank the allocation); one beyond the node's 4 cpu is Infeasible
    expect(steps).toEqual([
      ["noResize", "1", false], ["inProgress", "2", false], ["inProgress", "2", false], ["inProgress", "1", true],
      ["inProgress", "2", false], ["pending.infeasible", "2", false], ["inProgress", "1", true],
    ]);
  });

  it("the comparison of an allocation with what the runtime applied is answered again for that pair only", () => {
    const spec = { name: "c", image: "img" };
    const applied = { requests: { cpu: "1" } };
    expect(resizeAction(spec, applied, applied)).toBe("none");
    expect(resizeAction(spec, applied, { requests: { cpu: "1000m" } })).toBe("none");
    expect(resizeAction(spec, applied, { requests: { cpu: "2" } })).toBe("update");
    expect(resizeAction(spec, applied, applied)).toBe("none");
    const w = newWorker(deepFreeze({ metadata: meta(1), spec: specOf("1") }) as any);
    const running = () => true;
    w.containers[0]!.actuated = applied;
    w.allocation = Object.freeze({ c: { requests: { cpu: "1" } } });
    expect(hasUnactuated(w, running)).toBe(false);
    w.allocation = Object.freeze({ c: { requests: { cpu: "3" } } });
    expect(hasUnactuated(w, running)).toBe(true);
  });
});
