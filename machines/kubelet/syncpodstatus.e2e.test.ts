// How many status writes a pod start costs. The kubelet's SyncPod (kubelet.go) generates the pod's
// status and hands it to the status manager once, at its start, then makes its runtime calls within
// the one call (kuberuntime SyncPod: sandbox, network, pulls, creates, starts); the PLEG's event for
// the started containers brings the next SyncPod, whose status is Running. A plain pod therefore
// gets two writes from its kubelet: ContainerCreating without an IP, then Running and Ready.

import { describe, expect, it } from "vitest";
import { createCluster } from "../../runtime/cluster.js";

type Written = { phase?: string; podIP?: string; ready?: string; readyToStart?: string; waiting?: string; running: boolean };

/** The statuses the kubelets write for one pod, in order, summarised. */
function statusWrites(c: ReturnType<typeof createCluster>, name: string): Written[] {
  const out: Written[] = [];
  c.runtime.deliveryHooks.push((from, to, msg: any) => {
    if (to !== "apiserver" || !from.startsWith("kubelet/") || msg.type !== "ApiRequest") return;
    if (msg.resource !== "pods" || msg.subresource !== "status" || msg.name !== name) return;
    const st = msg.body.status;
    const cond = (t: string) => st.conditions?.find((x: any) => x.type === t)?.status;
    const cs = st.containerStatuses?.[0];
    out.push({ phase: st.phase, podIP: st.podIP, ready: cond("Ready"), readyToStart: cond("PodReadyToStartContainers"), waiting: cs?.state?.waiting?.reason, running: cs?.state?.running !== undefined });
  });
  return out;
}

describe("the kubelet's status writes follow its SyncPod calls", () => {
  it("writes a started pod's status twice: ContainerCreating at the first SyncPod, Running after its containers started", async () => {
    const c = createCluster({ nodes: 1, seed: 1 });
    await c.settle();
    const writes = statusWrites(c, "web");
    await c.apply({ apiVersion: "v1", kind: "Pod", metadata: { name: "web", namespace: "default" }, spec: { containers: [{ name: "nginx", image: "nginx:1.27" }] } });
    await c.settle();
    expect(writes).toEqual([
      { phase: "Pending", podIP: undefined, ready: "False", readyToStart: "False", waiting: "ContainerCreating", running: false },
      { phase: "Running", podIP: expect.stringMatching(/^\d+\.\d+\.\d+\.\d+$/), ready: "True", readyToStart: "True", waiting: undefined, running: true },
    ]);
    expect(c.get("Pod", "web", "default").status.phase).toBe("Running");
    await c.stop();
  });

  it("writes what a SyncPod that failed its pull leaves: the sandbox's IP and the pull's error", async () => {
    const c = createCluster({ nodes: 1, seed: 1 });
    await c.settle();
    const writes = statusWrites(c, "typo");
    await c.apply({ apiVersion: "v1", kind: "Pod", metadata: { name: "typo", namespace: "default" }, spec: { containers: [{ name: "web", image: "ngnix" }] } });
    await c.settle();
    expect(writes[0]).toEqual({ phase: "Pending", podIP: undefined, ready: "False", readyToStart: "False", waiting: "ContainerCreating", running: false });
    // the pull failed: SyncPod returned its error, and the next status names it (ErrImagePull, or
    // ImagePullBackOff once the retry meets the back-off), with the sandbox's IP
    expect(writes.length).toBeGreaterThanOrEqual(2);
    expect(writes[1]).toMatchObject({ phase: "Pending", podIP: expect.stringMatching(/^\d+\.\d+\.\d+\.\d+$/), readyToStart: "True", waiting: expect.stringMatching(/^(ErrImagePull|ImagePullBackOff)$/) });
    await c.stop();
  });
});
