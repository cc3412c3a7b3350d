import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { createCluster } from "../../runtime/cluster.js";
import { statefulSetOrderedReady } from "./statefulset.js";

const manifest = readFileSync(new URL("../../examples/statefulset.yaml", import.meta.url), "utf8");
const set = (policy?: string) => ({ metadata: { name: "web", namespace: "default", uid: "s1" }, spec: { ...(policy ? { podManagementPolicy: policy } : {}) } });
const ref = { kind: "StatefulSet", uid: "s1", controller: true };
const ready = [{ type: "Ready", status: "True" }];
const pod = (ordinal: number, isReady: boolean, uid = `p${ordinal}`) => ({ metadata: { name: `web-${ordinal}`, namespace: "default", uid, ownerReferences: [ref] }, status: isReady ? { phase: "Running", conditions: ready } : { phase: "Pending" } });

describe("statefulSetOrderedReady", () => {
  for (const seed of [1, 2]) {
    it(`holds at every step of a StatefulSet created, scaled up, rolled out and scaled down (seed ${seed})`, async () => {
      const c = createCluster({ nodes: 2, seed });
      const violations: string[] = [];
      let most = 0;
      c.runtime.observers.push(() => {
        for (const v of statefulSetOrderedReady(c)) violations.push(v.message);
        most = Math.max(most, c.list("Pod", { namespace: "default" }).filter((p: any) => !p.metadata.deletionTimestamp).length);
      });
      await c.apply(manifest);
      await c.settle();
      await c.apply(manifest.replace("replicas: 3", "replicas: 5").replace("nginx-slim:0.21", "nginx-slim:0.24"));
      await c.settle();
      await c.apply(manifest.replace("replicas: 3", "replicas: 1"));
      await c.settle();
      expect(violations).toEqual([]);
      // the run did reach five pods: the check had something to judge
      expect(most).toBe(5);
      await c.stop();
    });
  }

  it("reports web-1 created while web-0 had never been Running and Ready", () => {
    const c = { list: (k: string) => (k === "StatefulSet" ? [set()] : [pod(0, false), pod(1, false)]) };
    expect(statefulSetOrderedReady(c).map((v) => v.message)).toEqual(["StatefulSet default/web created pod web-1 before web-0 had been Running and Ready"]);
  });

  it("accepts web-1 once web-0 was seen Ready at an earlier step, and judges each pod once", () => {
    let pods = [pod(0, true)];
    const c = { list: (k: string) => (k === "StatefulSet" ? [set()] : pods) };
    expect(statefulSetOrderedReady(c)).toEqual([]);
    pods = [pod(0, false), pod(1, false)];
    expect(statefulSetOrderedReady(c)).toEqual([]);
    pods = [pod(0, false), pod(1, false), pod(2, false)];
    expect(statefulSetOrderedReady(c).map((v) => v.message)).toEqual(["StatefulSet default/web created pod web-2 before web-1 had been Running and Ready"]);
  });

  it("does not judge Parallel StatefulSets", () => {
    const c = { list: (k: string) => (k === "StatefulSet" ? [set("Parallel")] : [pod(0, false), pod(1, false)]) };
    expect(statefulSetOrderedReady(c)).toEqual([]);
  });
});
