// A Recreate rollout through the real machines: deletePod syncs the Deployment once none of its
// pods is left (podsOfReplicaSets empty), and only then does the new ReplicaSet get pods.
import { describe, it, expect } from "vitest";
import { createCluster } from "../../runtime/cluster.js";

const deploy = (image: string) => ({
  apiVersion: "apps/v1", kind: "Deployment",
  metadata: { name: "web", namespace: "default" },
  spec: {
    replicas: 2, strategy: { type: "Recreate" },
    selector: { matchLabels: { app: "web" } },
    template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "nginx", image }] } },
  },
});
const imageOf = (p: any) => p.spec.containers[0].image;

describe("a Recreate rollout", () => {
  it("creates no pod of the new template while a pod of the old one exists, and ends with 2 Running new pods", async () => {
    const c = createCluster({ nodes: 2, seed: 2026 });
    await c.apply(deploy("nginx:1.27"));
    await c.settle();
    c.advance(5_000);
    const pods = () => c.list("Pod", { namespace: "default", labelSelector: "app=web" });
    expect(pods().map((p: any) => p.status?.phase)).toEqual(["Running", "Running"]);
    let overlap = false;
    c.runtime.observers.push(() => {
      const images = new Set(pods().map(imageOf));
      if (images.has("nginx:1.27") && images.has("nginx:1.28")) overlap = true;
    });
    await c.apply(deploy("nginx:1.28"));
    c.advance(120_000);
    expect(overlap).toBe(false);
    expect(pods().map((p: any) => [imageOf(p), p.status?.phase])).toEqual([["nginx:1.28", "Running"], ["nginx:1.28", "Running"]]);
    const d = c.get("Deployment", "web", "default");
    expect(d.status.conditions.find((x: any) => x.type === "Progressing")).toMatchObject({ status: "True", reason: "NewReplicaSetAvailable" });
    await c.stop();
  });
});
