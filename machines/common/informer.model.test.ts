import { describe, expect, it } from "vitest";
import { informerMachine, type InformerEvent } from "./informer.machine.js";
import { informerState } from "./informer.js";
import { lifecycleOf, stateName } from "./lifecycle.js";
import { afterAsEventsModel, serializeBy, transitionPaths } from "../../test/support/model.js";
import { createCluster } from "../../runtime/cluster.js";

// The expectations are client-go's reflector (tools/cache/reflector.go): ListAndWatch lists, then
// watches from the list's resourceVersion; when the watch ends (410 Gone: "too old resource
// version", or the connection closes) it lists again, and a failed list is retried after its
// back-off, which starts at 800 ms.

const lc = lifecycleOf(informerMachine);
const backOffOver = { type: "xstate.after.relistDelay.informer.backingOff" } as never;

describe("an informer's reflector (ListAndWatch)", () => {
  it("lists, watches once the list answers, and lists again (relisting) when the watch ends with 410 Gone", () => {
    let s = lc.start(undefined);
    expect(stateName(s.snapshot.value)).toBe("listing");
    s = lc.step(s.snapshot, { type: "Listed" });
    expect(stateName(s.snapshot.value)).toBe("watching");
    s = lc.step(s.snapshot, { type: "WatchError" });
    expect([stateName(s.snapshot.value), s.outputs]).toEqual(["relisting", [{ type: "List" }]]);
    expect(stateName(lc.step(s.snapshot, { type: "Listed" }).snapshot.value)).toBe("watching");
  });

  it("a failed list is tried again 800 ms later, and not before", () => {
    const failed = lc.step(lc.start(undefined).snapshot, { type: "ListFailed" });
    expect(failed.outputs).toEqual([]);
    expect(failed.timers.map((t) => t.delayMs)).toEqual([800]);
    const again = lc.step(failed.snapshot, backOffOver);
    expect([stateName(again.snapshot.value), again.outputs]).toEqual(["relisting", [{ type: "List" }]]);
  });

  it("on paths through every transition a list is sent exactly when the reflector starts listing again, and a back-off is pending exactly while backing off", () => {
    const events: InformerEvent[] = [{ type: "Listed" }, { type: "ListFailed" }, { type: "WatchError" }, backOffOver];
    const model = afterAsEventsModel(informerMachine, events);
    const taken = new Set<string>();
    for (const p of transitionPaths(model, serializeBy(() => null))) {
      let s = lc.start(undefined);
      let pending = 0;
      for (const step of p.steps.slice(1)) {
        const e = step.event as InformerEvent;
        const next = lc.step(s.snapshot, e);
        taken.add(`${stateName(s.snapshot.value)} ${e.type}`);
        pending += next.timers.length - next.cancels.length;
        const after = stateName(next.snapshot.value);
        if (e.type === "Listed") expect(after).toBe("watching");
        if (e.type === "ListFailed") expect(after).toBe("backingOff");
        expect(next.outputs.length, `${e.type} from ${stateName(s.snapshot.value)}`).toBe(e.type === "WatchError" || e.type === backOffOver.type ? 1 : 0);
        if (next.outputs.length) expect(after).toBe("relisting");
        expect(pending).toBe(after === "backingOff" ? 1 : 0);
        s = next;
      }
    }
    expect([...taken].sort()).toEqual([
      "backingOff WatchError", `backingOff ${backOffOver.type}`, "listing ListFailed", "listing Listed", "listing WatchError",
      "relisting ListFailed", "relisting Listed", "relisting WatchError", "watching WatchError",
    ].sort());
  });

  it("in a cluster, a controller whose watch ends with 410 Gone lists again and is back to watching, its store intact", async () => {
    const c = createCluster({ nodes: 1, seed: 51 });
    await c.apply({ apiVersion: "apps/v1", kind: "ReplicaSet", metadata: { name: "web", namespace: "default" }, spec: { replicas: 2, selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "nginx" }] } } } });
    await c.settle();
    const informers = () => c.runtime.snapshot("replicaset-controller").context.client.informers as Map<number, any>;
    expect([...informers().values()].map(informerState)).toEqual([...informers().keys()].map(() => "watching"));
    const lists: string[] = [];
    c.runtime.deliveryHooks.push((from: string, to: string, msg: any) => {
      if (from === "replicaset-controller" && to === "apiserver" && msg.verb === "list") lists.push(msg.resource);
    });
    const [watchId, inf] = [...informers()].find(([, i]) => i.resource === "pods")!;
    const before = [...inf.store.keys()].sort();
    c.runtime.post("apiserver", "replicaset-controller", { type: "WatchEvent", watchId, eventType: "ERROR", object: { kind: "Status", apiVersion: "v1", status: "Failure", code: 410, reason: "Expired", message: "too old resource version: 1 (2)" } });
    await c.settle();
    expect(lists).toEqual(["pods"]);
    expect(informerState(informers().get(watchId))).toBe("watching");
    expect([...informers().get(watchId).store.keys()].sort()).toEqual(before);
    await c.stop();
  });
});
