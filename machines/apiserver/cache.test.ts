import { describe, it, expect } from "vitest";
import { addWatch, applyEtcdEvents, historyAt, historySince, newWatchCache, oldestResumable, slideHistory, withoutWatches } from "./cache.js";
import { resourceForKind } from "./resources.js";
import { Fx } from "../common/effects.js";

// The bounded history trims lazily; what it shows must be the newest historyLimit entries, as a
// splice after every event would leave them.
function put(c: ReturnType<typeof newWatchCache>, rev: number): void {
  const value = { kind: "ConfigMap", metadata: { name: `cm-${rev}`, namespace: "default" } };
  applyEtcdEvents(c, [{ type: "PUT", kv: { key: `/registry/configmaps/default/cm-${rev}`, value, createRevision: rev, modRevision: rev, version: 1 } } as any], new Fx());
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
      const c = newWatchCache(r.limit);
      for (let rev = 2; rev < 2 + r.events; rev++) put(c, rev);
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
// entry (older ones get 410 Gone). The lazily trimmed head must not let dropped entries come back.
describe("sliding the history window (the compaction fault)", () => {
  const rows = [
    { name: "nothing trimmed yet: the newest keep remain", limit: 100, events: 10, keep: 3 },
    { name: "after lazy trimming (a dropped head is pending): the newest keep remain", limit: 5, events: 8, keep: 2 },
    { name: "keep larger than the window: nothing changes", limit: 5, events: 8, keep: 50 },
    { name: "keep 0: the window is empty and resumes only from the current revision", limit: 5, events: 8, keep: 0 },
  ];
  for (const r of rows) {
    it(r.name, () => {
      const c = newWatchCache(r.limit);
      for (let rev = 2; rev < 2 + r.events; rev++) put(c, rev);
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
      put(slid, last + 1);
      expect(historySince(slid, 0).map((h) => h.revision)).toEqual([...kept, last + 1].slice(-Math.max(1, Math.min(r.limit, kept.length + 1))));
    });
  }
});

describe("removing watches", () => {
  it("drops the selected watches from every index and leaves the input as it was", () => {
    const c = newWatchCache();
    const pods = resourceForKind("Pod")!;
    addWatch(c, { client: "scheduler", watchId: 1, r: pods });
    addWatch(c, { client: "kubelet/n1", watchId: 1, r: pods, nodeName: "n1" });
    addWatch(c, { client: "kubelet/n1", watchId: 2, r: resourceForKind("Node")! });
    const { cache, dropped } = withoutWatches(c, (w) => w.client === "kubelet/n1");
    expect(dropped.map((w) => `${w.client}#${w.watchId}`).sort()).toEqual(["kubelet/n1#1", "kubelet/n1#2"]);
    expect([...cache.watches.keys()]).toEqual(["scheduler#1"]);
    expect(cache.podWatchesByNode.get("n1")?.size ?? 0).toBe(0);
    expect(cache.watchesByKind.get("Node")?.size ?? 0).toBe(0);
    expect(cache.watchesByKind.get("Pod")?.size).toBe(1);
    expect(c.watches.size).toBe(3);
    expect(c.podWatchesByNode.get("n1")?.size).toBe(1);
  });
});
