// makeEnvironmentVariables before the kubelet's service informer has listed once (kubelet_pods.go):
// an API pod's container start fails with CreateContainerConfigError, "services have not yet been
// read at least once, cannot construct envvars", recorded as a Failed event on each attempt, and
// the pod worker tries again after its back-off (10 s) until the list is in; a static pod does not
// wait. Here the restarted kubelet's list of Services is held back for 25 s.

import { afterEach, describe, expect, it } from "vitest";
import { createCluster, type Cluster } from "../../runtime/cluster.js";
import { containerLogs } from "../../runtime/server/logs.js";
import { toMs } from "../common/time.js";

const clusters: Cluster[] = [];
afterEach(async () => {
  for (const c of clusters.splice(0)) await c.stop();
});

const notRead = "services have not yet been read at least once, cannot construct envvars";
const pod = {
  apiVersion: "v1", kind: "Pod", metadata: { name: "env" },
  spec: { nodeName: "node-1", containers: [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", "echo host=$KUBERNETES_SERVICE_HOST; sleep 3600"] }] },
};

/** The kubelet is down while the pod is made; once back, its list of Services answers 25 s late. */
async function withServicesLate(): Promise<{ c: Cluster; waiting: string[]; revivedAt: number; listedAt: () => number | undefined }> {
  const c = createCluster({ nodes: 1, seed: 5 });
  clusters.push(c);
  await c.settle();
  const rt = c.runtime;
  rt.crash("kubelet/node-1");
  await c.apply(pod);
  await c.settle();
  let held = false;
  let listedAt: number | undefined;
  rt.sendHook = (from: string, to: string, msg: any) => {
    if (held || from !== "kubelet/node-1" || msg.type !== "ApiRequest" || msg.verb !== "list" || msg.resource !== "services") return false;
    held = true;
    rt.later(25_000, () => {
      listedAt = rt.now;
      rt.post(from, to, msg);
    });
    return true;
  };
  // the container's waiting reasons as the API server holds them, at each delivery
  const waiting: string[] = [];
  rt.observers.push(() => {
    const r = c.get("Pod", "env")?.status?.containerStatuses?.[0]?.state?.waiting?.reason;
    if (r !== undefined && waiting.at(-1) !== r) waiting.push(r);
  });
  const revivedAt = rt.now;
  rt.revive("kubelet/node-1");
  await c.settle();
  // the pod worker's back-off is a background requeue (settle does not wait for it): time goes on
  c.advance(15_000);
  await c.settle();
  rt.sendHook = undefined;
  rt.observers.length = 0;
  return { c, waiting, revivedAt, listedAt: () => listedAt };
}

describe("an API pod started before the kubelet has read the Services", () => {
  it("fails with CreateContainerConfigError and the kubelet's message, then starts with the Service variables once they are read", async () => {
    const { c, waiting, revivedAt, listedAt } = await withServicesLate();
    expect(listedAt()).toBeDefined();
    expect(waiting).toContain("CreateContainerConfigError");
    const p = c.get("Pod", "env");
    expect(p.status.phase).toBe("Running");
    const failed = c.events().filter((e: any) => e.involvedObject.name === "env" && e.reason === "Failed");
    expect(failed.map((e: any) => `${e.type} ${e.message}`)).toEqual([`Warning Error: ${notRead}`]);
    // the syncs at the kubelet's return (the sandbox's start syncs again), then one each pod worker
    // back-off (10 s) until the list is in at 25 s: the correlator counts them on one event
    expect(failed[0].count).toBeGreaterThanOrEqual(3);
    expect(toMs(failed[0].lastTimestamp)! - toMs(failed[0].firstTimestamp)!).toBe(20_000);
    const started = toMs(p.status.containerStatuses[0].state.running.startedAt)!;
    expect(started).toBeGreaterThanOrEqual(listedAt()! - 1_000);
    expect(started - revivedAt).toBeLessThan(35_000);
    const lines = containerLogs(c as never, "node-1", p.status.containerStatuses[0].containerID.replace(/^[a-z]+:\/\//, ""));
    await c.settle();
    expect((await lines).map((l) => l.line)).toEqual(["host=10.96.0.1"]);
  });
});
