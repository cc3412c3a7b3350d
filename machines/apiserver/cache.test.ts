import { describe, it, expect } from "vitest";
import { applyEtcdEvents, historyAt, historySince, newWatchCache } from "./cache.js";
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
