// The ResourceQuota controller's full resync (wait.Until(enqueueAll, --resource-quota-sync-period,
// 5 min)): a quota's status updates queue nothing (they are the controller's and admission's own),
// so a usage that went wrong stays wrong until the period passes; then every quota is recalculated
// from the objects.

import { describe, expect, it } from "vitest";
import { createCluster } from "../../runtime/cluster.js";

const quota = `
apiVersion: v1
kind: ResourceQuota
metadata:
  name: object-quota-demo
spec:
  hard:
    persistentvolumeclaims: "1"
`;
const claim = `
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: pvc-quota-demo
spec:
  storageClassName: manual
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 3Gi
`;

describe("the ResourceQuota controller's full resync", () => {
  it("a usage written wrong stays until the 5-minute sync period, then is recalculated from the objects", async () => {
    const c = createCluster({ nodes: 1, seed: 1, clock: "simulated" });
    await c.apply(quota);
    await c.settle();
    await c.apply(claim);
    await c.settle();
    expect(c.get("ResourceQuota", "object-quota-demo").status.used).toEqual({ persistentvolumeclaims: "1" });
    // a status written by hand: no spec change, so nothing queues the quota
    const stored = c.get("ResourceQuota", "object-quota-demo");
    const r = await c.request({ verb: "update", group: "", resource: "resourcequotas", subresource: "status", namespace: "default", name: "object-quota-demo", body: { ...stored, status: { ...stored.status, used: { persistentvolumeclaims: "0" } } } });
    expect(r.ok).toBe(true);
    c.advance(60_000);
    await c.settle();
    expect(c.get("ResourceQuota", "object-quota-demo").status.used).toEqual({ persistentvolumeclaims: "0" });
    c.advance(4 * 60_000);
    await c.settle();
    expect(c.get("ResourceQuota", "object-quota-demo").status.used).toEqual({ persistentvolumeclaims: "1" });
  });
});

// Replenishment (resource_quota_monitor.go): a pod's deletion queues the quotas of its namespace
// that count pods, so the quota is recalculated at once, not at the next full resync.
const podQuota = { apiVersion: "v1", kind: "ResourceQuota", metadata: { name: "one-pod", namespace: "default" }, spec: { hard: { pods: "1" } } };
const sleeper = (name: string) => ({ apiVersion: "v1", kind: "Pod", metadata: { name, namespace: "default" }, spec: { terminationGracePeriodSeconds: 1, containers: [{ name: "c", image: "busybox:1.36", command: ["sh", "-c", "sleep 3600"] }] } });

describe("the ResourceQuota controller's replenishment", () => {
  it("a deleted pod is released from its quota within seconds, and the pod the quota refused before is admitted", async () => {
    const c = createCluster({ nodes: 1, seed: 1, clock: "simulated" });
    await c.apply(podQuota);
    await c.settle();
    await c.apply(sleeper("first"));
    await c.settle();
    expect(c.get("ResourceQuota", "one-pod").status.used).toEqual({ pods: "1" });
    const refused = await c.request({ verb: "create", group: "", resource: "pods", namespace: "default", body: sleeper("second") });
    expect(refused.ok ? 201 : refused.status.code).toBe(403);
    await c.delete("Pod", "first", "default");
    for (let t = 0; t < 10_000 && c.get("Pod", "first", "default"); t += 1_000) {
      c.advance(1_000);
      await c.settle();
    }
    expect(c.get("Pod", "first", "default")).toBeUndefined();
    c.advance(5_000);
    await c.settle();
    expect(c.get("ResourceQuota", "one-pod").status.used).toEqual({ pods: "0" });
    const admitted = await c.request({ verb: "create", group: "", resource: "pods", namespace: "default", body: sleeper("second") });
    expect(admitted.ok).toBe(true);
    await c.stop();
  });
});
