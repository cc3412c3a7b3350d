// CoreDNS traps SIGTERM: caddy's trapSignalsPosix logs "SIGTERM: Shutting down servers then
// terminating" and runs the shutdown callbacks, among them the health plugin's lameduck
// (OnFinalShutdown: "Going into lameduck mode for 5s", then a 5 s sleep), and exits 0. kubeadm's
// Corefile has `health { lameduck 5s }`, so a deleted coredns pod is gone after about 5 s, not after
// its 30 s grace period and a SIGKILL (which a process without a handler, a shell, waits for).

import { describe, expect, it } from "vitest";
import { createCluster } from "../../runtime/cluster.js";

describe("CoreDNS stops on SIGTERM after its lameduck", () => {
  it("a deleted coredns pod's container logs the shutdown, exits 0 (Completed) after 5 s, and the pod is gone well before its 30 s grace period", async () => {
    const c = createCluster({ nodes: 1, seed: 3, addons: true });
    await c.settle();
    const pod = c.list("Pod", { namespace: "kube-system" }).find((p) => p.metadata.labels?.["k8s-app"] === "kube-dns" && p.status?.phase === "Running");
    expect(pod).toBeDefined();
    const name = pod.metadata.name as string;
    const seen: any[] = [];
    const stop = c.watch({ group: "", resource: "pods", namespace: "kube-system" }, (ev) => ev.object?.metadata?.name === name && seen.push({ at: c.now(), type: ev.eventType, pod: ev.object }));
    const t0 = c.now();
    await c.delete("Pod", name, "kube-system");
    c.advance(1_000);
    const cri = c.runtime.snapshot("cri/node-1").context;
    const container = [...cri.containers.values()].find((x: any) => x.sandboxId && x.name === "coredns" && cri.sandboxes.get(x.sandboxId)?.podName === name) as any;
    const lines: string[] = container ? container.logs.lastLines(5) : [];
    expect(lines.slice(-2)).toEqual(["[INFO] SIGTERM: Shutting down servers then terminating", "[INFO] plugin/health: Going into lameduck mode for 5s"]);
    c.advance(29_000);
    await c.settle();
    stop();
    const terminated = seen.map((e) => e.pod.status?.containerStatuses?.[0]?.state?.terminated).find((t) => t !== undefined);
    expect(terminated).toMatchObject({ exitCode: 0, reason: "Completed" });
    // the API server sets deletionTimestamp to the request's time plus the grace period
    const deleting = seen.find((e) => e.pod.metadata.deletionTimestamp)!.pod.metadata;
    const requested = Date.parse(deleting.deletionTimestamp) - deleting.deletionGracePeriodSeconds * 1000;
    expect(deleting.deletionGracePeriodSeconds).toBe(30);
    const finished = Date.parse(terminated.finishedAt) - requested;
    expect(finished).toBeGreaterThanOrEqual(5_000);
    expect(finished).toBeLessThan(7_000);
    const gone = seen.find((e) => e.type === "DELETED");
    expect(gone).toBeDefined();
    expect(gone.at - t0).toBeLessThan(10_000);
    await c.stop();
  });
});
