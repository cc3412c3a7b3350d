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
