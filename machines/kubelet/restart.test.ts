// A restarted kubelet rebuilds its pod workers from the runtime (ListPodSandbox, ListContainers)
// and the API server before it writes any status, as the real kubelet's first PLEG relist does.
import { describe, it, expect } from "vitest";
import { createCluster, type Cluster } from "../../runtime/cluster.js";
import { InvariantChecker } from "../../properties/invariants/index.js";
import { keep, lifecycleOf, stepKept } from "../common/lifecycle.js";
import { containerMachine } from "../cri/container.machine.js";

function pod(name: string, spec: any): any {
  return { apiVersion: "v1", kind: "Pod", metadata: { name }, spec: { nodeName: "node-1", ...spec } };
}

const sleeper = { containers: [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", "sleep 3600"] }] };
const oneShot = { restartPolicy: "Never", containers: [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", "exit 0"] }] };

async function running(spec: any): Promise<Cluster> {
  const c = createCluster({ nodes: 1, seed: 3 });
  await c.settle();
  await c.apply(pod("p", spec));
  await c.settle();
  return c;
}

/** Crashes the kubelet, lets `between` happen while it is down, revives it and settles; every invariant is checked on the way. */
async function restartKubelet(c: Cluster, between: () => Promise<void> = async () => {}): Promise<string[]> {
  const checker = new InvariantChecker(c.runtime);
  const seen: string[] = [];
  c.runtime.observers.push(() => seen.push(...checker.step().map((v) => `${v.invariant}: ${v.message}`)));
  // Its connections die with it: the runtime tells the API server (ClientGone), which ends its watches.
  c.runtime.crash("kubelet/node-1");
  await between();
  c.runtime.revive("kubelet/node-1");
  await c.settle();
  c.runtime.observers.length = 0;
  return seen;
}

const cri = (c: Cluster) => c.runtime.snapshot("cri/node-1").context;
const ipam = (c: Cluster) => c.runtime.snapshot("cni/node-1").context.ipam.allocations;

describe("kubelet restart recovery", () => {
  it("a Running pod whose container still runs stays Running, on the same sandbox, container and IP", async () => {
    const c = await running(sleeper);
    const before = c.get("Pod", "p");
    expect(before.status.phase).toBe("Running");
    const sandboxes = [...cri(c).sandboxes.keys()];
    const violations = await restartKubelet(c);
    expect(violations).toEqual([]);
    const after = c.get("Pod", "p");
    expect(after.status.phase).toBe("Running");
    expect(after.status.podIP).toBe(before.status.podIP);
    expect(after.status.containerStatuses[0].containerID).toBe(before.status.containerStatuses[0].containerID);
    expect(after.status.containerStatuses[0].restartCount).toBe(0);
    expect([...cri(c).sandboxes.keys()]).toEqual(sandboxes);
  });
  it("a Succeeded pod stays Succeeded (the status manager never leaves a terminal phase)", async () => {
    const c = await running(oneShot);
    expect(c.get("Pod", "p").status.phase).toBe("Succeeded");
    expect(await restartKubelet(c)).toEqual([]);
    expect(c.get("Pod", "p").status.phase).toBe("Succeeded");
  });
  it("a pod force-deleted while the kubelet was down is torn down: no sandbox, no container, no IP left", async () => {
    const c = await running(sleeper);
    const violations = await restartKubelet(c, async () => {
      await c.delete("Pod", "p", "default", { gracePeriodSeconds: 0 });
    });
    expect(violations).toEqual([]);
    expect(c.get("Pod", "p")).toBeUndefined();
    expect(cri(c).sandboxes.size).toBe(0);
    expect(cri(c).containers.size).toBe(0);
    expect(ipam(c)).toEqual({});
  });
  it("a pod deleted gracefully while the kubelet was down finishes its deletion after the restart", async () => {
    const c = await running(sleeper);
    await restartKubelet(c, async () => {
      await c.delete("Pod", "p");
    });
    expect(c.get("Pod", "p")).toBeUndefined();
    expect(cri(c).sandboxes.size).toBe(0);
    expect(ipam(c)).toEqual({});
  });
  it("a container that exited while the kubelet was down is restarted with its restart count", async () => {
    const c = await running(sleeper);
    const id = c.get("Pod", "p").status.containerStatuses[0].containerID.replace("containerd://", "");
    await restartKubelet(c, async () => {
      // The process dies while nobody watches: the exit report is lost, the runtime keeps the state.
      const ctr = cri(c).containers.get(id);
      ctr.lifecycle = keep(stepKept(lifecycleOf(containerMachine), ctr.lifecycle, { type: "ProcessExited", now: c.now(), exitCode: 1, reason: "Error" }).snapshot);
    });
    const st = c.get("Pod", "p").status;
    expect(st.phase).toBe("Running");
    expect(st.containerStatuses[0].restartCount).toBe(1);
    expect(st.containerStatuses[0].lastState.terminated.exitCode).toBe(1);
  });
});
