import { describe, expect, it } from "vitest";
import { createCluster } from "../../index.js";

describe("namespace deletion", () => {
  it("marks the namespace Terminating, deletes what is in it (pods gracefully), then removes the namespace", async () => {
    const c = createCluster({ nodes: 1, seed: 4 });
    await c.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: "team-a" } });
    await c.apply([
      { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cfg", namespace: "team-a" }, data: { a: "1" } },
      { apiVersion: "v1", kind: "Pod", metadata: { name: "web", namespace: "team-a" }, spec: { containers: [{ name: "nginx", image: "nginx:1.27" }] } },
    ]);
    await c.settle();
    expect(c.get("Pod", "web", "team-a").status.phase).toBe("Running");
    expect(c.get("Namespace", "team-a").spec.finalizers).toEqual(["kubernetes"]);

    const ns = await c.delete("Namespace", "team-a");
    expect(ns.status.phase).toBe("Terminating");
    expect(ns.metadata.deletionTimestamp).toBeDefined();
    const refused = c.requestSync({ verb: "create", group: "", resource: "configmaps", namespace: "team-a", body: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "late" } } });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.status.message).toBe('configmaps "late" is forbidden: unable to create new content in namespace team-a because it is being terminated');

    await c.settle();
    expect(c.get("Namespace", "team-a")).toBeUndefined();
    expect(c.list("Pod", { namespace: "team-a" })).toEqual([]);
    expect(c.list("ConfigMap", { namespace: "team-a" })).toEqual([]);
    // the pod went through graceful termination: its kubelet, not the controller, removed it
    expect(c.trace().some((e: any) => e.kind === "deliver" && e.from === "kubelet/node-1" && e.summary === "delete pods team-a/web")).toBe(true);
  });

  it("removes only its own kubernetes finalizer: a namespace with another spec.finalizer stays Terminating, empty, until that owner finalizes it", async () => {
    // namespaced_resources_deleter.go finalizeNamespace keeps every finalizer but its finalizerToken
    const c = createCluster({ nodes: 1, seed: 4 });
    await c.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: "team-b" }, spec: { finalizers: ["example.com/cleanup"] } });
    await c.apply({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cfg", namespace: "team-b" }, data: { a: "1" } });
    await c.settle();
    expect([...c.get("Namespace", "team-b").spec.finalizers].sort()).toEqual(["example.com/cleanup", "kubernetes"]);
    await c.delete("Namespace", "team-b");
    await c.settle();
    expect(c.list("ConfigMap", { namespace: "team-b" }).filter((o: any) => o.metadata.name === "cfg")).toEqual([]);
    const ns = c.get("Namespace", "team-b");
    expect(ns?.status?.phase).toBe("Terminating");
    expect(ns?.spec?.finalizers).toEqual(["example.com/cleanup"]);
    await c.stop();
  });
});
