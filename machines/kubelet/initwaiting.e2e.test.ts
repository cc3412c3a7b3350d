// An app container waiting for its pod's init containers is Waiting with reason PodInitializing, not
// ContainerCreating (kubelet_pods.go convertToAPIContainerStatuses: the default waiting state of a pod
// with init containers; kubectl shows such a pod as Init:0/1).

import { describe, expect, it } from "vitest";
import { createCluster } from "../../runtime/cluster.js";

describe("an app container behind a running init container", () => {
  it("waits as PodInitializing while the init container runs, and the init container is Running", async () => {
    const c = createCluster({ nodes: 1, seed: 1 });
    await c.settle();
    await c.apply({ apiVersion: "v1", kind: "Pod", metadata: { name: "setup" }, spec: { initContainers: [{ name: "wait", image: "busybox:1.36", command: ["sleep", "60"] }], containers: [{ name: "web", image: "nginx:1.27" }] } });
    await c.settle();
    const st = c.get("Pod", "setup", "default").status;
    expect(st.phase).toBe("Pending");
    expect(Object.keys(st.initContainerStatuses[0].state)).toEqual(["running"]);
    expect(st.containerStatuses.map((s: any) => s.state.waiting?.reason)).toEqual(["PodInitializing"]);
    await c.stop();
  });
});
