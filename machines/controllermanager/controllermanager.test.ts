// kube-controller-manager's shared informers (client-go SharedInformerFactory, sharedIndexInformer):
// one list and one watch per resource for the whole process, every handler called for each change
// in the order the handlers were added, a handler added to a synced informer handed the store as
// adds, and the process crashing and restarting as one.

import { describe, expect, it } from "vitest";
import { createCluster } from "../../runtime/cluster.js";

const deployment = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", namespace: "default" },
  spec: { replicas: 2, selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "nginx:1.14.2" }] } } },
};

/** Every ApiRequest a process sends, by (from, verb, resource). */
function requests(c: ReturnType<typeof createCluster>): Array<{ from: string; verb: string; resource: string }> {
  const out: Array<{ from: string; verb: string; resource: string }> = [];
  c.runtime.deliveryHooks.push((from, to, msg) => {
    if (to === "apiserver" && msg.type === "ApiRequest") out.push({ from, verb: msg.verb, resource: msg.resource });
  });
  return out;
}

describe("the controller-manager's shared informers", () => {
  it("lists and watches pods once for all its controllers; no controller opens a pod watch of its own", async () => {
    const c = createCluster({ nodes: 1, seed: 3 });
    const seen = requests(c);
    c.runtime.crash("controller-manager");
    c.runtime.revive("controller-manager");
    await c.apply([deployment]);
    await c.settle();
    const podWatches = seen.filter((r) => r.resource === "pods" && (r.verb === "watch" || r.verb === "list"));
    const cm = podWatches.filter((r) => r.from === "controller-manager");
    expect(cm.map((r) => r.verb)).toEqual(["list", "watch"]);
    // the pod watchers outside kube-controller-manager keep theirs (other processes)
    const others = new Set(podWatches.filter((r) => r.from !== "controller-manager").map((r) => r.from));
    for (const a of others) expect(c.runtime.processOf(a)).toBe(a);
    expect(c.get("Deployment", "web", "default").status?.readyReplicas).toBe(2);
    await c.stop();
  });

  it("calls every handler of a change in the order the handlers were added", async () => {
    const c = createCluster({ nodes: 1, seed: 5 });
    const handlers: string[][] = [];
    let current: string[] | undefined;
    let lastEvent: unknown;
    c.runtime.deliveryHooks.push((from, to, msg, call) => {
      if (call !== true || msg.type !== "InformerEvent" || msg.resource !== "pods") return;
      // one change is one InformerEvent value handed to each handler in turn
      if (msg !== lastEvent) handlers.push((current = []));
      lastEvent = msg;
      current!.push(to);
      expect(from).toBe("controller-manager");
    });
    await c.apply([deployment]);
    await c.settle();
    const registered: string[] = c.runtime.snapshot("controller-manager").context.informers.find((s: any) => s.resource === "pods").handlers;
    expect(registered).toContain("replicaset-controller");
    expect(registered).toContain("endpoints-controller");
    expect(handlers.length).toBeGreaterThan(0);
    for (const h of handlers) expect(h).toEqual(registered);
    await c.stop();
  });

  it("hands a handler added to a synced informer every object in the store as adds", async () => {
    const c = createCluster({ nodes: 1, seed: 7 });
    await c.apply([deployment]);
    await c.settle();
    const got: any[] = [];
    c.runtime.external("late-handler", (msg) => got.push(msg));
    // the API server's pods, as the shared informer holds them
    const cm = c.runtime.snapshot("controller-manager").context;
    const pods = cm.client.informers.get(cm.informers.find((s: any) => s.resource === "pods").watchId).store;
    expect(pods.size).toBeGreaterThanOrEqual(2);
    c.runtime.send("late-handler", "controller-manager", { type: "AddEventHandler", group: "", resource: "pods", indexed: false });
    c.runtime.drainMessages();
    const ev = got.find((m) => m.type === "InformerEvent");
    expect(ev.deltas.map((d: any) => d.type)).toEqual([...pods.keys()].map(() => "ADDED"));
    expect(ev.deltas.map((d: any) => `${d.object.metadata.namespace}/${d.object.metadata.name}`)).toEqual([...pods.keys()]);
    await c.stop();
  });

  it("crashes and restarts as one process: a controller's crash takes the others and the informers with it", async () => {
    const c = createCluster({ nodes: 1, seed: 9 });
    await c.apply([deployment]);
    await c.settle();
    const before = ["controller-manager", "replicaset-controller", "endpoints-controller", "namespace-controller"].map((a) => c.runtime.incarnation(a));
    c.runtime.crash("replicaset-controller");
    expect(c.runtime.has("controller-manager")).toBe(false);
    expect(c.runtime.has("endpoints-controller")).toBe(false);
    expect(c.runtime.has("namespace-controller")).toBe(false);
    expect(c.runtime.has("scheduler")).toBe(true);
    c.runtime.revive("replicaset-controller");
    const after = ["controller-manager", "replicaset-controller", "endpoints-controller", "namespace-controller"].map((a) => c.runtime.incarnation(a));
    expect(after).toEqual(before.map((n) => n + 1));
    await c.settle();
    // the restarted process rebuilt its informers from the API server: the pods are in every view
    const view = c.runtime.snapshot("replicaset-controller").context.client.informers;
    const podView = [...view.values()].find((i: any) => i.resource === "pods");
    expect(podView.shared).toBe(true);
    expect(podView.store.size).toBeGreaterThanOrEqual(2);
    await c.stop();
  });
});
