// A paged list's ListMeta (k8s.io/apimachinery ListMeta.remainingItemCount; the etcd3 store's GetList):
// the count is of the items after this page, and it is only known for a list without selectors.

import { describe, expect, it } from "vitest";
import { createCluster } from "../../runtime/cluster.js";

/** A cluster with five labelled ConfigMaps in namespace paging, and its list request. */
async function pagedConfigMaps() {
  const c = createCluster({ nodes: 1, seed: 1, clock: "simulated" });
  await c.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: "paging" } });
  for (const name of ["c1", "c2", "c3", "c4", "c5"]) await c.apply({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: "paging", labels: { app: "x" } } });
  await c.settle();
  const list = async (extra: Record<string, unknown> = {}) => {
    const r = await c.request({ verb: "list", group: "", resource: "configmaps", namespace: "paging", ...extra });
    if (!r.ok) throw new Error(`list failed: ${JSON.stringify(r)}`);
    return r.object as { metadata: { continue?: string; remainingItemCount?: number }; items: Array<{ metadata: { name: string } }> };
  };
  return { c, list };
}

describe("a paged list's remainingItemCount", () => {
  it("counts the items after the page, not the page's own", async () => {
    const { c, list } = await pagedConfigMaps();
    const all = (await list()).items.length;
    const first = await list({ limit: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.metadata.remainingItemCount).toBe(all - 2);
    const second = await list({ limit: 2, continue: first.metadata.continue });
    expect(second.metadata.remainingItemCount).toBe(all - 4);
    await c.stop();
  });

  it("is left unset for a list with a label selector (the count would include objects that do not match)", async () => {
    const { c, list } = await pagedConfigMaps();
    const page = await list({ limit: 2, labelSelector: "app=x" });
    expect(page.items).toHaveLength(2);
    expect(page.metadata.continue).toBeTruthy();
    expect(page.metadata).not.toHaveProperty("remainingItemCount");
    await c.stop();
  });
});
