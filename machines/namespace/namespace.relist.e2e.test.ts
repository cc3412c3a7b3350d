// The namespace controller's informer lists again after a refused list (client-go's reflector backs
// off and retries ListAndWatch): before, a 429 on its namespaces list after a restart left it without
// a cache, and a namespace deleted after that stayed Terminating for good.

import { describe, expect, it } from "vitest";
import { createCluster } from "../../runtime/cluster.js";

describe("the namespace controller after a refused list", () => {
  it("lists again after a back-off and empties and finalizes a namespace deleted later", async () => {
    const c = createCluster({ nodes: 1, seed: 5, clock: "simulated" });
    await c.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: "scratch" } });
    await c.apply({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cm", namespace: "scratch" }, data: { a: "b" } });
    await c.settle();
    const rt = c.runtime;
    let refused = 0;
    rt.sendHook = (from, to, msg) => {
      if (from !== "namespace-controller" || msg.type !== "ApiRequest" || msg.verb !== "list" || msg.resource !== "namespaces" || refused > 0) return false;
      refused++;
      rt.post(to, from, { type: "ApiResponse", id: msg.id, ok: false, code: 500, status: { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "etcdserver: request timed out", reason: "InternalError", code: 500 } });
      return true;
    };
    rt.crash("namespace-controller");
    rt.revive("namespace-controller");
    await c.settle();
    c.advance(5_000);
    await c.settle();
    await c.delete("Namespace", "scratch");
    await c.settle();
    c.advance(10_000);
    await c.settle();
    expect(refused).toBe(1);
    expect(c.get("ConfigMap", "cm", "scratch")).toBeUndefined();
    expect(c.get("Namespace", "scratch")).toBeUndefined();
    await c.stop();
  });
});
