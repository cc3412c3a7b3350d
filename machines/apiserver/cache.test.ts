import { describe, it, expect } from "vitest";
import { addWatch, applyEtcdEvents, historyAt, historySince, newWatchCache, oldestResumable, removeWatch, slideHistory, withoutWatches, type WatchCache } from "./cache.js";
import { freezeContext } from "../common/freeze.js";
import { parseFieldSelector } from "../common/labels.js";
import { resourceForKind } from "./resources.js";
import { Fx } from "../common/effects.js";

// The bounded history keeps the newest historyLimit entries, as a splice after every event would leave them.
function put(c: WatchCache, rev: number): WatchCache {
  const value = { kind: "ConfigMap", metadata: { name: `cm-${rev}`, namespace: "default" } };
  return applyEtcdEvents(c, [{ type: "PUT", kv: { key: `/registry/configmaps/default/cm-${rev}`, value, createRevision: rev, modRevision: rev, version: 1 } } as any], new Fx());
}

describe("watch cache history window", () => {
  const rows = [
    { name: "fewer events than the limit: every event is kept", limit: 5, events: 3 },
    { name: "exactly the limit: every event is kept", limit: 5, events: 5 },
    { name: "one past the limit: the oldest is dropped", limit: 5, events: 6 },
    { name: "many times the limit: only the newest limit remain", limit: 5, events: 23 },
  ];
  for (const r of rows) {
    it(r.name, () => {
      let c = newWatchCache(r.limit);
      for (let rev = 2; rev < 2 + r.events; rev++) c = put(c, rev);
      const last = 1 + r.events;
      const first = Math.max(2, last - r.limit + 1);
      expect(historyAt(c, 0)?.revision).toBe(first);
      expect(historySince(c, 0).map((h) => h.revision)).toEqual(Array.from({ length: last - first + 1 }, (_, i) => first + i));
      expect(historySince(c, last - 2).map((h) => h.revision)).toEqual([last - 1, last]);
      expect(historySince(c, last)).toEqual([]);
    });
  }
});

// A compaction slides the window: a watch may resume only from the revision before the oldest kept
// entry (older ones get 410 Gone). Dropped entries must not come back.
describe("sliding the history window (the compaction fault)", () => {
  const rows = [
    { name: "nothing trimmed yet: the newest keep remain", limit: 100, events: 10, keep: 3 },
    { name: "after the window filled and moved on: the newest keep remain", limit: 5, events: 8, keep: 2 },
    { name: "keep larger than the window: nothing changes", limit: 5, events: 8, keep: 50 },
    { name: "keep 0: the window is empty and resumes only from the current revision", limit: 5, events: 8, keep: 0 },
  ];
  for (const r of rows) {
    it(r.name, () => {
      let c = newWatchCache(r.limit);
      for (let rev = 2; rev < 2 + r.events; rev++) c = put(c, rev);
      const last = 1 + r.events;
      const before = historySince(c, 0).map((h) => h.revision);
      const slid = slideHistory(c, r.keep);
      const kept = before.slice(Math.max(0, before.length - r.keep));
      expect(historySince(slid, 0).map((h) => h.revision)).toEqual(kept);
      expect(historyAt(slid, 0)?.revision).toBe(kept[0]);
      expect(oldestResumable(slid)).toBe(kept.length > 0 ? kept[0]! - 1 : last);
      // the input is a value: untouched
      expect(historySince(c, 0).map((h) => h.revision)).toEqual(before);
      // a later event lands after the kept ones
      expect(historySince(put(slid, last + 1), 0).map((h) => h.revision)).toEqual([...kept, last + 1].slice(-Math.max(1, Math.min(r.limit, kept.length + 1))));
    });
  }
});

describe("removing watches", () => {
  it("drops the selected watches from every index and leaves the input as it was", () => {
    let c = newWatchCache();
    const pods = resourceForKind("Pod")!;
    c = addWatch(c, { client: "scheduler", watchId: 1, r: pods });
    c = addWatch(c, { client: "kubelet/n1", watchId: 1, r: pods, nodeName: "n1" });
    c = addWatch(c, { client: "kubelet/n1", watchId: 2, r: resourceForKind("Node")! });
    const { cache, dropped } = withoutWatches(c, (w) => w.client === "kubelet/n1");
    expect(dropped.map((w) => `${w.client}#${w.watchId}`).sort()).toEqual(["kubelet/n1#1", "kubelet/n1#2"]);
    expect([...cache.watches.keys()]).toEqual(["scheduler#1"]);
    expect(cache.podWatchesByNode.get("n1")?.length ?? 0).toBe(0);
    expect(cache.watchesByKind.get("Node")?.length ?? 0).toBe(0);
    expect(cache.watchesByKind.get("Pod")?.length).toBe(1);
    expect(c.watches.size).toBe(3);
    expect(c.podWatchesByNode.get("n1")?.length).toBe(1);
  });
});

describe("the watch cache is a value", () => {
  const pods = resourceForKind("Pod")!;
  const pod = (name: string, node: string | undefined, rev: number) => ({
    type: "PUT",
    kv: { key: `/registry/pods/default/${name}`, value: { kind: "Pod", metadata: { name, namespace: "default" }, spec: node ? { nodeName: node } : {} }, createRevision: 2, modRevision: rev, version: rev - 1 },
  });

  it("applying events returns the next cache, fans out to the matching watches in registration order, and leaves the deep-frozen input as it was", () => {
    let c = newWatchCache();
    c = addWatch(c, { client: "scheduler", watchId: 1, r: pods });
    c = addWatch(c, { client: "kubelet/n1", watchId: 3, r: pods, nodeName: "n1", fieldReqs: parseFieldSelector("spec.nodeName=n1") });
    c = addWatch(c, { client: "controller-manager", watchId: 2, r: pods });
    c = applyEtcdEvents(c, [pod("a", undefined, 2)] as any, new Fx());
    const before = freezeContext(c);
    const fx = new Fx();
    const next = applyEtcdEvents(before, [pod("a", "n1", 3)] as any, fx);
    // a binding: MODIFIED for the cluster-wide watches; the node's watch sees the pod arrive (ADDED)
    expect(fx.sends.map((s) => `${s.to} ${(s.msg as any).eventType}`)).toEqual(["scheduler MODIFIED", "controller-manager MODIFIED", "kubelet/n1 ADDED"]);
    expect(next.objects.get("/registry/pods/default/a").spec.nodeName).toBe("n1");
    expect([...(next.podsByNode.get("n1") ?? [])]).toEqual(["/registry/pods/default/a"]);
    expect(before.objects.get("/registry/pods/default/a").spec.nodeName).toBeUndefined();
    expect(before.podsByNode.get("n1")).toBeUndefined();
    expect(before.history.size).toBe(1);
    expect(next.history.size).toBe(2);
    expect(removeWatch(before, "scheduler", 1).watches.size).toBe(2);
    expect(before.watches.size).toBe(3);
  });

  it("a watch id a client registers again replaces its earlier watch, which is sent nothing more", () => {
    let c = newWatchCache();
    c = addWatch(c, { client: "kubelet/n1", watchId: 1, r: pods, nodeName: "n1" });
    c = addWatch(c, { client: "kubelet/n1", watchId: 1, r: pods, nodeName: "n2" });
    const fx = new Fx();
    applyEtcdEvents(c, [pod("a", "n1", 2), pod("b", "n2", 3)] as any, fx);
    expect(fx.sends.map((s) => (s.msg as any).object.metadata.name)).toEqual(["b"]);
  });
});

describe("the pods-by-node index", () => {
  // Written independently: every node's keys are those of the stored pods whose spec.nodeName is that node.
  function recomputed(c: WatchCache): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const [key, obj] of c.objects) {
      const node = obj?.spec?.nodeName;
      if (obj.kind === "Pod" && node) (out[node] ??= []).push(key);
    }
    for (const k of Object.keys(out)) out[k]!.sort();
    return out;
  }
  function indexed(c: WatchCache): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const [node, keys] of c.podsByNode) if (keys.size > 0) out[node] = [...keys].sort();
    return out;
  }
  const ev = (type: "PUT" | "DELETE", name: string, node: string | undefined, rev: number, phase = "Pending") => ({
    type,
    kv: { key: `/registry/pods/default/${name}`, value: { kind: "Pod", metadata: { name, namespace: "default" }, spec: node ? { nodeName: node } : {}, status: { phase } }, createRevision: 2, modRevision: rev, version: 1 },
  });

  it("follows creates, bindings, writes that keep a pod on its node, moves and deletes", () => {
    const steps = [
      ev("PUT", "a", undefined, 2), ev("PUT", "b", "n1", 3), ev("PUT", "a", "n1", 4), ev("PUT", "a", "n1", 5, "Running"),
      ev("PUT", "b", "n1", 6, "Running"), ev("PUT", "c", "n2", 7), ev("PUT", "b", "n2", 8), ev("PUT", "b", "n2", 9, "Succeeded"),
      ev("PUT", "c", undefined, 10), ev("DELETE", "a", "n1", 11), ev("PUT", "a", "n1", 12), ev("PUT", "a", "n1", 13, "Running"),
    ];
    let c = newWatchCache();
    for (const e of steps) {
      // one event at a time and all the remaining ones in a single batch
      c = applyEtcdEvents(c, [e] as any, new Fx());
      expect(indexed(c)).toEqual(recomputed(c));
    }
    const batched = applyEtcdEvents(newWatchCache(), steps as any, new Fx());
    expect(indexed(batched)).toEqual(recomputed(batched));
    expect(indexed(batched)).toEqual({ n1: ["/registry/pods/default/a"], n2: ["/registry/pods/default/b"] });
  });
});
