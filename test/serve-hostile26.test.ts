// The twenty-sixth hostile round, each answer checked against kube-apiserver 1.35's source.
// Strategic merge patches of long lists: apimachinery's strategicpatch orders a merged list with
// sort.SliceStable, looking each element up in the order list (index()), and merges keyed lists and
// $patch: delete items by scanning. kube-apiserver runs each request on its own goroutine; podflow
// serves every client from one thread, so a 2 MiB patch of 100,000 finalizers once held the whole
// server for minutes. The answers are the merge's own: the $setElementOrder order, every deletion,
// every duplicate dropped.

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { raw, serve, type Served } from "./serve-helpers.js";

let s: Served;
const ns = "/api/v1/namespaces/default";
const send = (method: string, path: string, body?: unknown, contentType = "application/json") => {
  const text = body === undefined ? undefined : JSON.stringify(body);
  return raw(s, method, path, { token: s.cluster.adminToken, ...(text !== undefined ? { body: text } : {}), headers: text !== undefined ? { "Content-Type": contentType } : {} });
};
const smp = (path: string, body: unknown) => send("PATCH", path, body, "application/strategic-merge-patch+json");
const json = (r: { body: string }) => JSON.parse(r.body);

beforeAll(async () => {
  s = await serve({ nodes: 1 });
}, 40_000);
afterAll(async () => {
  await s?.stop();
});

async function configMap(name: string, metadata: Record<string, unknown> = {}): Promise<void> {
  const r = await send("POST", `${ns}/configmaps`, { metadata: { name, ...metadata } });
  expect(r.code).toBe(201);
}

describe("a strategic merge patch of long lists is merged as strategicpatch merges it, and the server serves on", () => {
  it("100,000 finalizers put in reverse order by $setElementOrder (a dry run): that order, and another client is answered", async () => {
    await configMap("order");
    const names = Array.from({ length: 100_000 }, (_, i) => `a/f${i}`);
    const reversed = [...names].reverse();
    // 2.4 MB, under the 3 MiB body limit; the dry run keeps the object from etcd's size limit
    const patching = smp(`${ns}/configmaps/order?dryRun=All`, { metadata: { "$setElementOrder/finalizers": reversed, finalizers: reversed } });
    const other = await send("GET", "/version");
    expect(other.code).toBe(200);
    const r = await patching;
    expect(r.code).toBe(200);
    expect(json(r).metadata.finalizers).toEqual(reversed);
  }, 120_000);

  it("finalizers merged with the stored ones: the union, each once (deduplicateScalars), the patch's in its order after the server's", async () => {
    const stored = Array.from({ length: 20_000 }, (_, i) => `example.com/s${i}`);
    await configMap("union", { finalizers: stored });
    // every stored finalizer again, then 20,000 new ones, each twice
    const fresh = Array.from({ length: 20_000 }, (_, i) => `example.com/n${i}`);
    const r = await smp(`${ns}/configmaps/union?dryRun=All`, { metadata: { finalizers: [...stored, ...fresh, ...fresh] } });
    expect(r.code).toBe(200);
    // mergeSlice: the patch's items in the patch's order; the stored ones are all in the patch too
    expect(json(r).metadata.finalizers).toEqual([...stored, ...fresh]);
  }, 120_000);

  it("ownerReferences merged by uid: 5,000 deletions and 5,000 additions with $setElementOrder, every one applied", async () => {
    const ref = (i: number) => ({ apiVersion: "v1", kind: "ConfigMap", name: `owner-${i}`, uid: `uid-${i}` });
    const stored = Array.from({ length: 5_000 }, (_, i) => ref(i));
    await configMap("owners", { ownerReferences: stored });
    const added = Array.from({ length: 5_000 }, (_, i) => ref(10_000 + i)).reverse();
    const deletions = stored.map((o) => ({ uid: o.uid, $patch: "delete" }));
    const r = await smp(`${ns}/configmaps/owners?dryRun=All`, { metadata: { "$setElementOrder/ownerReferences": added.map((o) => ({ uid: o.uid })), ownerReferences: [...deletions, ...added] } });
    expect(r.code).toBe(200);
    expect(json(r).metadata.ownerReferences).toEqual(added);
    // a dry run: the stored object keeps its references
    expect(json(await send("GET", `${ns}/configmaps/owners`)).metadata.ownerReferences).toHaveLength(5_000);
  }, 120_000);
});
