// A list refused while the scheduler's informers sync (429 from API Priority and Fairness, a 500
// from etcd) is retried after the reflector's back-off, as client-go's ListAndWatch retries: the
// scheduler does not start scheduling before every informer has listed, so a list it dropped left
// it waiting for its cache for good (found by the CI fuzzer: a DaemonSet pod Pending for ten
// minutes without a FailedScheduling event, after a restart whose PodDisruptionBudget list got 429).

import { describe, expect, it } from "vitest";
import { createCluster } from "../../runtime/cluster.js";

const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "late" }, spec: { containers: [{ name: "c", image: "registry.k8s.io/pause:3.10" }] } };

describe("the scheduler's informers after a refused list", () => {
  it("list again after a back-off, and the scheduler schedules once they have", async () => {
    const c = createCluster({ nodes: 1, seed: 5, clock: "simulated" });
    await c.settle();
    const rt = c.runtime;
    let refused = 0;
    rt.sendHook = (from, to, msg) => {
      if (from !== "scheduler" || to !== "apiserver" || msg.type !== "ApiRequest" || msg.verb !== "list" || msg.resource !== "poddisruptionbudgets" || refused > 0) return false;
      refused++;
      const status = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "Too many requests, please try again later.", reason: "TooManyRequests", code: 429, details: { retryAfterSeconds: 1 } };
      rt.post(to, from, { type: "ApiResponse", id: msg.id, ok: false, code: 429, status });
      return true;
    };
    rt.crash("scheduler");
    rt.revive("scheduler");
    await c.apply(pod);
    await c.settle();
    c.advance(5_000);
    await c.settle();
    expect(refused).toBe(1);
    expect(c.get("Pod", "late").spec.nodeName).toBe("node-1");
    await c.stop();
  });
});
