// A list at resourceVersionMatch=Exact (API concepts, "Semantics for get and list"): the data as it
// was at exactly that resourceVersion, not the latest; NotOlderThan may answer with newer data.

import { describe, expect, it } from "vitest";
import { createCluster } from "../../runtime/cluster.js";

describe("a list with resourceVersionMatch=Exact", () => {
  it("answers the objects as they were at that resourceVersion, after later writes", async () => {
    const c = createCluster({ nodes: 1, seed: 1, clock: "simulated" });
    try {
      await c.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: "exact" } });
      await c.apply({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cm", namespace: "exact", labels: { app: "x" } }, data: { v: "1" } });
      await c.settle();
      const list = async (extra: Record<string, unknown> = {}) => {
        const r = await c.request({ verb: "list", group: "", resource: "configmaps", namespace: "exact", labelSelector: "app=x", ...extra });
        if (!r.ok) throw new Error(`list failed: ${JSON.stringify(r)}`);
        return r.object as { metadata: { resourceVersion: string }; items: Array<{ metadata: { name: string }; data?: Record<string, string> }> };
      };
      const before = await list();
      await c.apply({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cm", namespace: "exact", labels: { app: "x" } }, data: { v: "2" } });
      await c.apply({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "later", namespace: "exact", labels: { app: "x" } } });
      await c.settle();
      const exact = await list({ resourceVersion: before.metadata.resourceVersion, resourceVersionMatch: "Exact" });
      expect(exact.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
      expect(exact.items.map((o) => [o.metadata.name, o.data?.v])).toEqual([["cm", "1"]]);
      const notOlder = await list({ resourceVersion: before.metadata.resourceVersion, resourceVersionMatch: "NotOlderThan" });
      expect(notOlder.items.map((o) => [o.metadata.name, o.data?.v])).toEqual([["cm", "2"], ["later", undefined]]);
    } finally {
      await c.stop();
    }
  });
});
