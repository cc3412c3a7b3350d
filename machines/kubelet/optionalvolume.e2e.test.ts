// A configMap or secret volume marked optional whose object does not exist mounts empty and the pod
// runs (the configmap and secret volume plugins' SetUpAt: a NotFound object with Optional true gives an
// empty payload); without optional the mount fails and the pod waits in ContainerCreating.

import { describe, expect, it } from "vitest";
import { createCluster } from "../../runtime/cluster.js";

const pod = (name: string, optional: boolean) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name },
  spec: {
    containers: [{ name: "web", image: "nginx:1.27", volumeMounts: [{ name: "cfg", mountPath: "/etc/cfg" }, { name: "sec", mountPath: "/etc/sec" }] }],
    volumes: [
      { name: "cfg", configMap: { name: "absent-cm", optional } },
      { name: "sec", secret: { secretName: "absent-secret", optional } },
    ],
  },
});

describe("a volume whose ConfigMap and Secret do not exist", () => {
  it("mounts empty when optional: the pod runs; otherwise it waits in ContainerCreating", async () => {
    const c = createCluster({ nodes: 1, seed: 1 });
    await c.settle();
    await c.apply(pod("opt", true));
    await c.apply(pod("req", false));
    await c.settle();
    const opt = c.get("Pod", "opt", "default").status;
    expect(opt.phase).toBe("Running");
    expect(opt.containerStatuses[0].ready).toBe(true);
    const req = c.get("Pod", "req", "default").status;
    expect(req.phase).toBe("Pending");
    expect(req.containerStatuses[0].state.waiting.reason).toBe("ContainerCreating");
    await c.stop();
  });
});
