import { describe, expect, it } from "vitest";
import { createCluster } from "../../runtime/cluster.js";
import { exampleObjects } from "../run.js";
import { pvcBoundToAtMostOnePV } from "./storage.js";

const pv = (name: string, claimUid: string | undefined, phase: string) => ({ metadata: { name }, spec: { claimRef: claimUid ? { namespace: "default", name: "c", uid: claimUid } : undefined }, status: { phase } });
const pvc = (name: string, uid: string, volumeName: string | undefined, phase: string) => ({ metadata: { name, namespace: "default", uid }, spec: { volumeName }, status: { phase } });
const view = (pvs: any[], pvcs: any[]) => ({ list: (kind: string) => (kind === "PersistentVolume" ? pvs : kind === "PersistentVolumeClaim" ? pvcs : []) });

describe("pvcBoundToAtMostOnePV", () => {
  it("holds at every step of the storage scenario: static binding, a pod using it, a WaitForFirstConsumer claim provisioned, all deleted (seeds 1, 2)", async () => {
    for (const seed of [1, 2]) {
      const c = createCluster({ nodes: 2, seed });
      const violations: string[] = [];
      let bound = 0;
      c.runtime.observers.push(() => {
        for (const v of pvcBoundToAtMostOnePV(c)) violations.push(v.message);
        bound = Math.max(bound, c.list("PersistentVolume").filter((p: any) => p.status?.phase === "Bound").length);
      });
      const objs = exampleObjects("storage");
      await c.apply(objs);
      await c.settle();
      for (const o of [...objs].reverse()) await c.delete(o.kind, o.metadata.name, o.kind === "PersistentVolume" ? undefined : "default");
      await c.settle();
      expect(violations).toEqual([]);
      // both claims were bound for the check to judge
      expect(bound).toBe(2);
      await c.stop();
    }
  });
  it("names two Bound PVs with the same claim uid", () => {
    expect(pvcBoundToAtMostOnePV(view([pv("a", "u1", "Bound"), pv("b", "u1", "Bound")], [])).map((v) => v.message))
      .toEqual(["the claim with uid u1 is bound to 2 PersistentVolumes: a, b"]);
  });
  it("names a Bound PV claiming a claim that is bound to another volume", () => {
    expect(pvcBoundToAtMostOnePV(view([pv("a", "u1", "Bound")], [pvc("c", "u1", "b", "Bound")])).map((v) => v.message))
      .toEqual(["PersistentVolumeClaim default/c is bound to b, but PersistentVolume a is Bound to it too"]);
  });
  it("does not judge a Released PV, a PV pre-bound without uid, or a claim not Bound yet", () => {
    expect(pvcBoundToAtMostOnePV(view([pv("a", "u1", "Released"), pv("b", undefined, "Available"), pv("c", "u1", "Bound")], [pvc("c", "u1", "c", "Bound"), pvc("d", "u2", undefined, "Pending")]))).toEqual([]);
  });
});
